/**
 * Images that arrive from outside the page: the share target (the service worker leaves a checked
 * shared file in a cache entry and redirects here with ?shared=1) and file handlers (launchQueue,
 * when the installed app is chosen to open a PNG/JPEG/WebP).
 *
 * A shared file is only offered: any web page can post one to the share target, so nothing is
 * processed (no model download, no cutout) until the person chooses Open. Files opened through a
 * file handler were chosen by the person in their own file manager and are accepted at once.
 */
import { formatBytes } from '../../shared/format.ts';
import { sharedFileExpired } from '../../shared/share-intake.ts';
import { SHARE_CACHE, SHARED_FILE_PATH, SHARED_QUERY } from '../../shared/pwa-protocol.ts';

interface LaunchParams {
  files: readonly FileSystemFileHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void;
}

/** A shared image waiting for the person's choice. */
export interface SharedFileOffer {
  name: string;
  /** e.g. "2.4 MB". */
  size: string;
  open(): Promise<void>;
  discard(): Promise<void>;
}

export interface LaunchFileOptions {
  accept: (files: readonly File[], source: string) => void;
  showError: (text: string) => void;
  /** Asks the person whether to open a shared image; called with undefined once they chose. */
  offer: (offer: SharedFileOffer | undefined) => void;
  now?: () => number;
}

const SHARE_REFUSALS: Readonly<Record<string, string>> = {
  empty: 'The share held no file. Share an image (PNG, JPEG or WebP).',
  'too-large': 'The shared file is larger than 50 MB, so Cutwise did not keep it. Share a smaller image, or drop it here instead.',
  refused: 'The shared file is not an image Cutwise opens (PNG, JPEG, WebP, GIF, BMP or AVIF), so it was not kept.',
};

/** Offers the file a share left behind, if the URL says there is one; drops one left too long; cleans the URL. */
export async function takeSharedFile(options: LaunchFileOptions): Promise<void> {
  const url = new URL(location.href);
  const shared = url.searchParams.get(SHARED_QUERY);
  if (shared !== null) {
    url.searchParams.delete(SHARED_QUERY);
    history.replaceState(history.state, '', url.href);
  }
  if (typeof caches === 'undefined') return;
  const key = new URL(`${import.meta.env.BASE_URL}${SHARED_FILE_PATH}`, location.origin).href;
  const cache = await caches.open(SHARE_CACHE);
  const response = await cache.match(key);
  const storedAt = Number(response?.headers.get('X-Shared-At') ?? NaN);
  if (response && sharedFileExpired(storedAt, (options.now ?? Date.now)())) {
    await cache.delete(key);
    if (shared === '1') options.showError('The shared image waited too long and was dropped. Share it again.');
    return;
  }
  if (shared === null) return;
  if (shared !== '1') {
    options.showError(SHARE_REFUSALS[shared] ?? SHARE_REFUSALS.refused!);
    return;
  }
  if (!response) {
    options.showError('The shared image is no longer here. Share it again.');
    return;
  }
  const blob = await response.blob();
  const name = decodeURIComponent(response.headers.get('X-File-Name') ?? '') || 'shared image';
  const done = async () => {
    await cache.delete(key);
    options.offer(undefined);
  };
  options.offer({
    name,
    size: formatBytes(blob.size),
    async open() {
      await done();
      options.accept([new File([blob], name, { type: blob.type })], 'share');
    },
    discard: done,
  });
}

/** Files the installed app was asked to open (file_handlers). */
export function consumeLaunchQueue(options: Pick<LaunchFileOptions, 'accept' | 'showError'>): void {
  const queue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  queue?.setConsumer((params) => {
    if (params.files.length === 0) return;
    void Promise.all(params.files.map((handle) => handle.getFile())).then(
      (files) => options.accept(files, 'opened file'),
      () => options.showError('The file could not be opened. Drop or pick it instead.'),
    );
  });
}
