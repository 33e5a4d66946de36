/**
 * "Make available offline" (main thread): how much of the chosen model is in the model cache (written
 * by the engine as it loads the model, and by the service worker's download), a download with progress
 * (done by the service worker), storage used, persistent storage, and removal. Created per app and
 * handed down by context.
 */
import { MODEL_ASSET_DIR } from '../../shared/names.ts';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { createStore } from 'solid-js/store';
import {
  cacheChunkStore,
  chunkFiles,
  MODEL_CACHE,
  MODEL_RESOURCE_KEYS,
  offlineProgress,
  parseModelManifest,
  type OfflineModel,
} from '../../shared/model-cache.ts';
import { MODEL_CHANNEL, type ModelChannelMessage, type SwReply, type SwRequest } from '../../shared/pwa-protocol.ts';

export interface OfflineModelOptions {
  model: Accessor<OfflineModel>;
  /** Sends a request to the active service worker (AppUpdate.send). */
  send: (message: SwRequest) => Promise<SwReply>;
}

export interface OfflineModelState {
  /** Bytes of the chosen model (weights + runtime) in the cache, and its full size. */
  cached: { model: OfflineModel; loaded: number; total: number } | undefined;
  downloading: { model: OfflineModel; loaded: number; total: number } | undefined;
  storage: { usage: number; quota: number } | undefined;
  persisted: boolean | undefined;
  error: string | undefined;
}

const assetBase = (): string => new URL(`${import.meta.env.BASE_URL}${MODEL_ASSET_DIR}/`, location.origin).href;

export function createOfflineModel(options: OfflineModelOptions) {
  const [state, setState] = createStore<OfflineModelState>({
    cached: undefined,
    downloading: undefined,
    storage: undefined,
    persisted: undefined,
    error: undefined,
  });
  const [removing, setRemoving] = createSignal(false);
  /** The model this page is downloading now: progress that arrives after the reply is stale. */
  let inFlight: OfflineModel | undefined;

  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(MODEL_CHANNEL);
  channel?.addEventListener('message', (event: MessageEvent<ModelChannelMessage>) => {
    const message = event.data;
    if (message.type === 'progress' && message.model === inFlight)
      setState('downloading', { model: message.model, loaded: message.loaded, total: message.total });
  });
  onCleanup(() => channel?.close());

  async function measure(model: OfflineModel): Promise<{ loaded: number; total: number }> {
    const response = await fetch(`${assetBase()}resources.json`);
    if (!response.ok) throw new Error(`Could not read the model list (HTTP ${response.status}).`);
    const files = chunkFiles(parseModelManifest(await response.json()), MODEL_RESOURCE_KEYS[model]);
    const sizes = new Map<string, number>();
    if (typeof caches !== 'undefined' && (await caches.has(MODEL_CACHE))) {
      const store = cacheChunkStore(await caches.open(MODEL_CACHE), assetBase());
      await Promise.all(
        files.map(async (file) => {
          const size = await store.sizeOf(file.name);
          if (size !== undefined) sizes.set(file.name, size);
        }),
      );
    }
    const progress = offlineProgress(files, sizes);
    return { loaded: progress.loaded, total: progress.total };
  }

  async function refresh(): Promise<void> {
    const model = options.model();
    try {
      setState('cached', { model, ...(await measure(model)) });
    } catch (error) {
      setState('error', error instanceof Error ? error.message : String(error));
    }
    if (navigator.storage?.estimate) {
      const { usage = 0, quota = 0 } = await navigator.storage.estimate();
      setState('storage', { usage, quota });
    }
    if (navigator.storage?.persisted) setState('persisted', await navigator.storage.persisted());
  }

  /** Fetches whatever of the chosen model is missing; chunks already cached are not fetched again. */
  async function download(): Promise<void> {
    if (inFlight) return;
    const model = options.model();
    inFlight = model;
    setState({ error: undefined, downloading: { model, loaded: state.cached?.loaded ?? 0, total: state.cached?.total ?? 0 } });
    // Asked for before the bytes land, so the browser keeps them under storage pressure.
    if (navigator.storage?.persist) setState('persisted', await navigator.storage.persist());
    try {
      const reply = await options.send({ type: 'CACHE_MODEL', model });
      if (!reply.ok) setState('error', `The download stopped: ${reply.error}. Try again to continue where it stopped.`);
    } catch (error) {
      setState('error', `The download could not start: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      inFlight = undefined;
      setState('downloading', undefined);
      await refresh();
    }
  }

  async function remove(): Promise<void> {
    setRemoving(true);
    try {
      // Entry by entry first: the service worker may hold the cache open, and a deleted cache's
      // space is only given back once nobody holds it; deleted entries free theirs at once.
      const cache = await caches.open(MODEL_CACHE);
      await Promise.all((await cache.keys()).map((request) => cache.delete(request)));
      await caches.delete(MODEL_CACHE);
    } finally {
      setRemoving(false);
      await refresh();
    }
  }

  return { state, removing, refresh, download, remove };
}

export type OfflineModelStore = ReturnType<typeof createOfflineModel>;
