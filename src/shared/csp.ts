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
    // 'wasm-unsafe-eval' (worker only): ONNX Runtime compiles WebAssembly. The page runs none.
    ['script-src', ["'self'", ...workerOnly("'wasm-unsafe-eval'", 'blob:')]],
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

/**
 * Headers every page of the app should carry besides its CSP, whoever serves it (the `npm start`
 * server, the service worker, a static host configured from the README).
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // For browsers without CSP frame-ancestors; the CSP's directive wins where both exist.
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The security headers a server sends with one of the app's files: the page policy for documents,
 * the worker policy for scripts (a worker script's response sets the worker's policy; a script the
 * page loads ignores it), and the headers above for everything.
 */
export function hostSecurityHeaders(path: string, extraConnectOrigins: readonly string[] = []): Record<string, string> {
  const script = /\.m?js$/.test(path.split(/[?#]/)[0] ?? '');
  return {
    ...PAGE_SECURITY_HEADERS,
    'Content-Security-Policy': buildContentSecurityPolicy(extraConnectOrigins, { scope: script ? 'worker' : 'document' }),
  };
}

/**
 * Host names a CSP source can carry as typed: letters (punycode), digits, dots and hyphens. URL
 * parsers keep `;`, `,`, `'` and `*` in hosts, and one of those in a header splits or ends a
 * directive (a host typed as `<name>;sandbox` would sandbox the app on every load). Bracketed IPv6 is
 * left out too: Chromium drops `http://[::1]:9` as an invalid source.
 */
export const CSP_SAFE_HOST = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

/**
 * The origin of an http(s) URL whose host a CSP can carry, or undefined for anything else (other
 * schemes, junk, paths alone, hosts with characters that would change the policy).
 */
export function originOf(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!CSP_SAFE_HOST.test(url.hostname)) return undefined;
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
