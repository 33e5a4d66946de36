/**
 * The service worker: offline app shell (Workbox precache), the on-device model cached chunk by chunk
 * at run time, cross-origin isolation on plain hosts, the CSP header with the user's endpoints, the
 * share target, and the update hand-over (a new version waits until the page asks it to take over).
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkOnly } from 'workbox-strategies';
import { buildContentSecurityPolicy, endpointOrigins, PAGE_SECURITY_HEADERS } from '../shared/csp.ts';
import { MODEL_ASSET_DIR } from '../shared/names.ts';
import {
  cacheChunkStore,
  chunkDefect,
  chunkFiles,
  chunkNameOf,
  expectedChunkSizes,
  MODEL_CACHE,
  MODEL_RESOURCE_KEYS,
  parseModelManifest,
  type ModelManifest,
  type OfflineModel,
} from '../shared/model-cache.ts';
import {
  MODEL_CHANNEL,
  SHARE_CACHE,
  SHARE_TARGET_PATH,
  SHARED_FILE_PATH,
  SHARED_QUERY,
  type ModelChannelMessage,
  type SwReply,
  type SwRequest,
} from '../shared/pwa-protocol.ts';
import { SNIFF_BYTES } from '../shared/image/sniff.ts';
import { judgeSharedFile, MAX_SHARED_BYTES } from '../shared/share-intake.ts';
import { readEndpointRecords } from './endpoints.ts';
import { withHeaders } from './isolation.ts';
import { downloadMissingChunks } from './model-download.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<PrecacheEntry | string> };

const scope = self.registration.scope; // absolute, ends in "/"
const assetBase = `${scope}${MODEL_ASSET_DIR}/`;
const shellUrl = `${scope}index.html`;

// ---- Navigations: the precached shell with COOP/COEP and the CSP (user endpoints included). ----
// Registered before the precache route, which would otherwise answer "/" with the stored file as is.
const META_CSP = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i;

async function contentSecurityPolicy(scope: 'document' | 'worker' = 'document'): Promise<string> {
  return buildContentSecurityPolicy(endpointOrigins(await readEndpointRecords()), { scope });
}

/** The headers of a page: its CSP (with the user's endpoints and frame-ancestors 'none') and the rest. */
async function pageHeaders(): Promise<Record<string, string>> {
  return { ...PAGE_SECURITY_HEADERS, 'Content-Security-Policy': await contentSecurityPolicy() };
}

/**
 * COOP/COEP on every response of ours. Worker scripts also get the CSP: a worker does not inherit the
 * page's policy but takes the one its own script response carries, and the model runs in a worker.
 * Every navigation the worker answers (any path, not only the shell) gets the page's headers, so no
 * same-origin page can be framed by another site.
 */
const isolation: WorkboxPlugin = {
  handlerWillRespond: async ({ request, response }) =>
    withHeaders(
      response,
      request.destination === 'worker'
        ? { 'Content-Security-Policy': await contentSecurityPolicy('worker') }
        : request.mode === 'navigate'
          ? await pageHeaders()
          : {},
    ),
};

/** The URL without query and fragment. */
const bare = (url: URL): string => url.href.split(/[?#]/)[0] ?? url.href;

registerRoute(
  ({ request, url }) => request.mode === 'navigate' && (bare(url) === scope || bare(url) === shellUrl),
  async ({ request }) => {
    const shell = (await matchPrecache(shellUrl)) ?? (await fetch(request));
    // The header replaces the build's default <meta> policy: two policies would both apply, and the
    // default one does not know the user's endpoints.
    const html = (await shell.text()).replace(META_CSP, '');
    const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', ...(await pageHeaders()) };
    return withHeaders(new Response(html, { status: shell.status, statusText: shell.statusText, headers }));
  },
);

// ---- App shell: every built file except the model (see vite config), revisioned by Workbox. ----
precacheAndRoute(self.__WB_MANIFEST);
addPlugins([isolation]);
cleanupOutdatedCaches();
// The first install takes the open page at once. (Its first cutout may have started before that: the
// engine worker caches the model files it fetched itself, see the model route below.)
// A later version waits for the page's "reload" (SKIP_WAITING) and then takes over the same way.
clientsClaim();

// ---- Model and runtime chunks: cache-first, kept only when complete. ----
let manifestPromise: Promise<ModelManifest> | undefined;
function modelManifest(): Promise<ModelManifest> {
  manifestPromise ??= (async () => {
    const response = (await matchPrecache(`${assetBase}resources.json`)) ?? (await fetch(`${assetBase}resources.json`));
    if (!response.ok) throw new Error(`resources.json: HTTP ${response.status}`);
    return parseModelManifest(await response.json());
  })();
  manifestPromise.catch(() => (manifestPromise = undefined));
  return manifestPromise;
}

const keepOnlyCompleteChunks: WorkboxPlugin = {
  cacheWillUpdate: async ({ request, response }) => {
    if (!response.ok) return null;
    const name = chunkNameOf(request.url, assetBase);
    if (!name) return null;
    const body = await response.blob();
    if ((await chunkDefect(name, expectedChunkSizes(await modelManifest()).get(name), body)) !== undefined) return null;
    return new Response(body, { status: 200, headers: response.headers });
  },
};

// The engine worker also writes what it fetched itself (shared/model-cache.ts loadChunk): its first
// load in a fresh profile runs before this worker controls the page. Both write the same checked,
// content-addressed entry under the same key, so whichever lands last changes nothing.
registerRoute(
  ({ url }) => chunkNameOf(url.href, assetBase) !== undefined,
  new CacheFirst({ cacheName: MODEL_CACHE, plugins: [keepOnlyCompleteChunks, isolation] }),
);

// ---- Share target: a shared image waits in a cache entry until the person opens or discards it. ----
// Any site can POST here, so the file is untrusted: sniffed, allow-listed, capped (shared/share-intake.ts).
registerRoute(
  ({ url }) => bare(url) === `${scope}${SHARE_TARGET_PATH}`,
  async ({ request }) => {
    const target = new URL(scope);
    const cache = await caches.open(SHARE_CACHE);
    const key = `${scope}${SHARED_FILE_PATH}`;
    // One share at a time: whatever waited before is replaced (or dropped, if this one is refused).
    await cache.delete(key);
    const declared = Number(request.headers.get('Content-Length') ?? 0);
    if (declared > MAX_SHARED_BYTES + 64 * 1024) {
      target.searchParams.set(SHARED_QUERY, 'too-large');
      return Response.redirect(target.href, 303);
    }
    const form = await request.formData().catch(() => undefined);
    const file = [...(form?.values() ?? [])].find((value): value is File => value instanceof File && value.size > 0);
    if (!file) {
      target.searchParams.set(SHARED_QUERY, 'empty');
      return Response.redirect(target.href, 303);
    }
    const verdict = judgeSharedFile(file.size, new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()), file.name);
    if (verdict.kind === 'keep') {
      await cache.put(
        key,
        new Response(file.slice(0, file.size, verdict.contentType), {
          headers: {
            'Content-Type': verdict.contentType,
            'X-File-Name': encodeURIComponent(verdict.name),
            'X-Shared-At': String(Date.now()),
          },
        }),
      );
      target.searchParams.set(SHARED_QUERY, '1');
    } else {
      target.searchParams.set(SHARED_QUERY, verdict.kind);
    }
    return Response.redirect(target.href, 303);
  },
  'POST',
);

// ---- Everything else of ours: straight to the network, isolated. Other origins are not touched. ----
registerRoute(({ url }) => url.origin === self.location.origin, new NetworkOnly({ plugins: [isolation] }));

// ---- Messages from the page (workbox-window). ----
const downloads = new Map<OfflineModel, Promise<SwReply>>();

function cacheModel(model: OfflineModel): Promise<SwReply> {
  const running = downloads.get(model);
  if (running) return running;
  const channel = new BroadcastChannel(MODEL_CHANNEL);
  const post = (message: ModelChannelMessage): void => channel.postMessage(message);
  const work = (async (): Promise<SwReply> => {
    try {
      const files = chunkFiles(await modelManifest(), MODEL_RESOURCE_KEYS[model]);
      const store = cacheChunkStore(await caches.open(MODEL_CACHE), assetBase);
      const fetched = await downloadMissingChunks(files, {
        store,
        fetchChunk: (name) => fetch(`${assetBase}${name}`),
        onProgress: (loaded, total) => post({ type: 'progress', model, loaded, total }),
      });
      post({ type: 'done', model });
      return { ok: true, fetched };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      post({ type: 'failed', model, message });
      return { ok: false, error: message };
    } finally {
      channel.close();
      downloads.delete(model);
    }
  })();
  downloads.set(model, work);
  return work;
}

self.addEventListener('message', (event) => {
  const request = event.data as SwRequest | undefined;
  const reply = (message: SwReply): void => event.ports[0]?.postMessage(message);
  if (request?.type === 'SKIP_WAITING') {
    void self.skipWaiting();
  } else if (request?.type === 'CACHE_MODEL' && (request.model === 'small' || request.model === 'medium')) {
    event.waitUntil(cacheModel(request.model).then(reply));
  }
});
