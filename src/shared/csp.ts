/**
 * The app's Content-Security-Policy, built in one place. Pure; runs anywhere (build plugin, service
 * worker, tests). The build writes the default policy into index.html as a <meta>; the service worker
 * replaces it on every navigation with a header that also allows the user's configured provider
 * endpoints (see src/sw/README in ARCHITECTURE.md).
 */

/** The paid providers' real API hosts (see /work/shared/providers.md). */
export const PROVIDER_ORIGINS: readonly string[] = [
  'https://sdk.photoroom.com',
  'https://image-api.photoroom.com',
  'https://api.remove.bg',
  'https://api.withoutbg.com',
];

export interface CspOptions {
  /**
   * 'meta' leaves out directives a <meta> policy may not carry (frame-ancestors): Chromium ignores
   * them there with a console error.
   */
  delivery?: 'header' | 'meta';
}

/**
 * Builds the policy string. `extraConnectOrigins` are origins the app may call besides its own and
 * the providers' (the user's configured endpoints); anything that is not a plain http(s) origin is
 * dropped, so a stored value can never inject a directive.
 */
export function buildContentSecurityPolicy(extraConnectOrigins: readonly string[] = [], options: CspOptions = {}): string {
  const connect = unique(["'self'", ...PROVIDER_ORIGINS, ...extraConnectOrigins.flatMap((value) => originOf(value) ?? [])]);
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    // 'wasm-unsafe-eval': ONNX Runtime compiles its WebAssembly. blob:: @imgly/background-removal
    // turns every self-hosted resource into a blob: URL (it reads them through resources.json), and
    // ONNX Runtime imports its Emscripten glue (.mjs) from that blob: URL. blob: URLs can only be
    // minted by code that already runs on this origin. Measured: without blob: the model does not start.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", 'blob:']],
    // The engine worker is a file of ours; ONNX Runtime starts its WASM threads from the blob: glue.
    ['worker-src', ["'self'", 'blob:']],
    // blob:: ONNX Runtime fetches its .wasm from the blob: URL the library made.
    ['connect-src', [...connect, 'blob:']],
    // blob:: the original photo is shown from an object URL; data:: small CSS images.
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['style-src', ["'self'"]],
    ['font-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['media-src', ["'self'", 'blob:']],
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
