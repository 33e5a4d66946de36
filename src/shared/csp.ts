/**
 * The app's Content-Security-Policy, built in one place. Pure; runs anywhere (build plugin, service
 * worker, tests). The build writes the default policy into index.html as a <meta>; the service worker
 * replaces it on every navigation with a header that also allows the user's configured provider
 * endpoints (see src/sw/README in ARCHITECTURE.md).
 */

import { defaultProviderOrigins } from '../providers/catalog.ts';

/** The paid providers' real API hosts and result hosts, from each provider's meta.ts. */
export const PROVIDER_ORIGINS: readonly string[] = defaultProviderOrigins();

export interface CspOptions {
  /**
   * 'meta' leaves out directives a <meta> policy may not carry (frame-ancestors): Chromium ignores
   * them there with a console error.
   */
  delivery?: 'header' | 'meta';
  /**
   * 'worker': the policy of the engine worker's script. A worker does not inherit the page's policy;
   * it takes the one its script response carries (the service worker adds it).
   */
  scope?: 'document' | 'worker';
}

/**
 * Builds the policy string. `extraConnectOrigins` are origins the app may call besides its own and
 * the providers' (the user's configured endpoints); anything that is not a plain http(s) origin is
 * dropped, so a stored value can never inject a directive.
 */
export function buildContentSecurityPolicy(extraConnectOrigins: readonly string[] = [], options: CspOptions = {}): string {
  const connect = unique(["'self'", ...PROVIDER_ORIGINS, ...extraConnectOrigins.flatMap((value) => originOf(value) ?? [])]);
  const worker = options.scope === 'worker';
  // The engine worker needs more than the page, each measured with the real model (a cutout fails
  // or hangs without it). The worker has no DOM and only receives image bytes from our own page.
  // - blob: in script-src: the engine imports ONNX Runtime's glue module from the bytes it fetched
  //   (a blob: URL), because a module import by URL was not answered from the offline cache.
  // - blob: in worker-src: ONNX Runtime starts its WASM threads from that glue, as blob: workers.
  // blob: URLs can only be minted by code already running on this origin. No eval of any kind
  // beyond compiling WebAssembly: the engine calls ONNX Runtime directly, not the imgly library.
  const workerOnly = (...values: string[]): string[] => (worker ? values : []);
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    // 'wasm-unsafe-eval': ONNX Runtime compiles WebAssembly.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...workerOnly('blob:')]],
    ['worker-src', ["'self'", ...workerOnly('blob:')]],
    ['connect-src', connect],
    // blob:: the original photo is shown from an object URL.
    ['img-src', ["'self'", 'blob:']],
    ['style-src', ["'self'"]],
    ['font-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-src', ["'none'"]],
  ];
  if (options.delivery !== 'meta') directives.push(['frame-ancestors', ["'none'"]]);
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** The origin of an http(s) URL, or undefined for anything else (other schemes, junk, paths alone). */
export function originOf(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.origin;
}

/**
 * Origins of every base URL in the provider endpoint records (IndexedDB `cutwise-settings`, store
 * `provider-endpoints`: one object per provider whose string properties are base URLs).
 */
export function endpointOrigins(records: readonly unknown[]): string[] {
  const origins: string[] = [];
  for (const record of records) {
    if (typeof record !== 'object' || record === null) continue;
    for (const value of Object.values(record)) {
      if (typeof value !== 'string') continue;
      const origin = originOf(value);
      if (origin) origins.push(origin);
    }
  }
  return unique(origins);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
