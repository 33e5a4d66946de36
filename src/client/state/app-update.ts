/**
 * The service worker as the page sees it (main thread): registration with workbox-window, "Update
 * ready — reload", and cross-origin isolation status. Created per app and handed down by context.
 *
 * A new version never interrupts work: the reload waits while `isBusy()` is true (a running cutout,
 * an export, a paid call — the editor decides). `isBusy` should read signals, so the waiting reload
 * notices the moment the work ends.
 */
import { createEffect, onCleanup, type Accessor } from 'solid-js';
import { createStore } from 'solid-js/store';
import { messageSW, Workbox } from 'workbox-window';
import type { SwReply, SwRequest } from '../../shared/pwa-protocol.ts';

export interface AppUpdateOptions {
  /** True while a reload would lose work (running cutout, paid call). */
  isBusy: Accessor<boolean>;
  /** Service worker script URL; the build emits sw.js at the base URL. */
  scriptUrl?: string;
  /** How often an open app looks for a new version. */
  checkEveryMs?: number;
  reload?: () => void;
}

export interface AppUpdateState {
  /** The browser has service workers at all. */
  supported: boolean;
  /** A service worker controls this page (offline shell and model cache are in use). */
  controlled: boolean;
  /** A service worker is active for this app (model downloads for offline use can start). */
  active: boolean;
  /** SharedArrayBuffer available: ONNX Runtime runs multi-threaded. */
  isolated: boolean;
  /** A new version is installed and waits for a reload. */
  updateReady: boolean;
  /** The person asked to reload; it happens once the app is no longer busy. */
  reloadPending: 'update' | 'isolation' | undefined;
  /** Why the service worker could not be registered (offline use is then unavailable). */
  registrationError: string | undefined;
}

export function createAppUpdate(options: AppUpdateOptions) {
  // `npm run dev` builds no service worker (and a cached shell would fight hot reload).
  const supported = import.meta.env.PROD && typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
  const reload = options.reload ?? (() => location.reload());
  const [state, setState] = createStore<AppUpdateState>({
    supported,
    controlled: supported && navigator.serviceWorker.controller !== null,
    active: false,
    isolated: globalThis.crossOriginIsolated === true,
    updateReady: false,
    reloadPending: undefined,
    registrationError: undefined,
  });

  let workbox: Workbox | undefined;
  /** The waiting version was already activated elsewhere (another tab): only a reload is left to do. */
  let activatedElsewhere = false;
  let takeoverRequested = false;

  if (supported) {
    workbox = new Workbox(options.scriptUrl ?? `${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    workbox.addEventListener('waiting', () => setState('updateReady', true));
    workbox.addEventListener('activated', () => setState('active', true));
    workbox.addEventListener('controlling', () => {
      // workbox-window's isUpdate only says whether a worker controlled the page when it loaded; what
      // matters here is whether this page was controlled just before.
      const wasControlled = state.controlled;
      setState('controlled', true);
      if (takeoverRequested) reload();
      else if (wasControlled) {
        // Another tab let the new version take over: this page still runs the old code.
        activatedElsewhere = true;
        setState('updateReady', true);
      }
      // else: the first install took this page; nothing to reload for.
    });
    workbox.register().then(
      (registration) => setState('active', Boolean(registration?.active)),
      (error: unknown) => setState('registrationError', error instanceof Error ? error.message : String(error)),
    );
    const timer = setInterval(() => void workbox?.update().catch(() => undefined), options.checkEveryMs ?? 60 * 60 * 1000);
    onCleanup(() => clearInterval(timer));
  }

  function perform(kind: 'update' | 'isolation'): void {
    setState('reloadPending', undefined);
    if (kind === 'update' && !activatedElsewhere && workbox) {
      // The new worker takes over, then 'controlling' reloads the page.
      takeoverRequested = true;
      workbox.messageSkipWaiting();
    } else {
      reload();
    }
  }

  function request(kind: 'update' | 'isolation'): void {
    if (options.isBusy()) setState('reloadPending', kind);
    else perform(kind);
  }

  createEffect(() => {
    const pending = state.reloadPending;
    if (pending && !options.isBusy()) perform(pending);
  });

  /** Sends a request to the active service worker and waits for its reply. */
  async function send(message: SwRequest): Promise<SwReply> {
    const registration = await navigator.serviceWorker.ready;
    if (!registration.active) throw new Error('No active service worker');
    return (await messageSW(registration.active, message)) as SwReply;
  }

  return {
    state,
    /** "Update ready — reload": now, or as soon as the running work has finished. */
    applyUpdate: () => request('update'),
    /** Reload so the service worker can isolate the page (first visit on a host without COOP/COEP). */
    reloadForIsolation: () => request('isolation'),
    send,
  };
}

export type AppUpdate = ReturnType<typeof createAppUpdate>;
