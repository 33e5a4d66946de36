/**
 * Cross-origin isolation on any host (the coi-serviceworker technique): when the server does not
 * send COOP/COEP, the service worker adds them to the app's own responses, so the document and its
 * workers are crossOriginIsolated and ONNX Runtime gets SharedArrayBuffer (WASM threads).
 * The first load, before the service worker controls the page, cannot be isolated this way.
 */
import { ISOLATION_HEADERS } from '../shared/names.ts';

export { ISOLATION_HEADERS };

/** The response with the isolation headers (and any `extra` ones) set; opaque responses untouched. */
export function withHeaders(response: Response, extra: Readonly<Record<string, string>> = {}): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const wanted = { ...ISOLATION_HEADERS, ...extra };
  const missing = Object.entries(wanted).filter(([name, value]) => response.headers.get(name) !== value);
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
