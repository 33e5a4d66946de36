/**
 * Images that arrive from outside the page: the share target (the service worker leaves the shared
 * file in a cache entry and redirects here with ?shared=1) and file handlers (launchQueue, when the
 * installed app is chosen to open a PNG/JPEG/WebP). Each is handed to `accept` like a dropped file.
 */
import { SHARE_CACHE, SHARED_FILE_PATH, SHARED_QUERY } from '../../shared/pwa-protocol.ts';

interface LaunchParams {
  files: readonly FileSystemFileHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

export interface LaunchFileOptions {
  accept: (files: readonly File[], source: string) => void;
  showError: (text: string) => void;
}

/** Takes the file a share left behind, if the URL says there is one, and cleans the URL. */
export async function takeSharedFile(options: LaunchFileOptions): Promise<void> {
  const url = new URL(location.href);
  const shared = url.searchParams.get(SHARED_QUERY);
  if (shared === null) return;
  url.searchParams.delete(SHARED_QUERY);
  history.replaceState(history.state, '', url.href);
  if (shared === 'empty') {
    options.showError('The share held no file. Share an image (PNG, JPEG or WebP).');
    return;
  }
  const key = new URL(`${import.meta.env.BASE_URL}${SHARED_FILE_PATH}`, location.origin).href;
  const cache = await caches.open(SHARE_CACHE);
  const response = await cache.match(key);
  if (!response) {
    options.showError('The shared image is no longer here. Share it again.');
    return;
  }
  const blob = await response.blob();
  const name = decodeURIComponent(response.headers.get('X-File-Name') ?? '') || 'shared-image';
  await cache.delete(key);
  options.accept([new File([blob], name, { type: blob.type })], 'share');
}

/** Files the installed app was asked to open (file_handlers). */
export function consumeLaunchQueue(options: LaunchFileOptions): void {
  const queue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => {
    if (params.files.length === 0) return;
    void Promise.all(params.files.map((handle) => handle.getFile())).then(
      (files) => options.accept(files, 'opened file'),
      () => options.showError('The file could not be opened. Drop or pick it instead.'),
    );
  });
}
