/**
 * Where each provider is reached. Every base URL can be overridden (a CORS relay, a company gateway,
 * the local fakes in tests); the default is the provider's real host, and which fields exist is each
 * provider's meta.ts. Pure; runs anywhere.
 */
import { PROVIDER_IDS, endpointFields } from './catalog.ts';
import type { ProviderId } from './catalog.ts';
import type { EndpointSpec } from './types.ts';

export { createAdapters } from './registry.ts';
export type { AdapterSet, AnyProviderAdapter } from './registry.ts';

/** Per provider, base URLs under the adapter's own option names (absent = the provider's own host). */
export type ProviderEndpoints = Record<ProviderId, Record<string, string>>;

export type EndpointDescription = EndpointSpec;

export const ENDPOINT_FIELDS: Readonly<Record<ProviderId, readonly EndpointSpec[]>> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, endpointFields(id)]),
) as Record<ProviderId, readonly EndpointSpec[]>;

export const emptyEndpoints = (): ProviderEndpoints => Object.fromEntries(PROVIDER_IDS.map((id) => [id, {}])) as ProviderEndpoints;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Accepts https anywhere and http only on this machine: a key sent over plain http to another
 * host could be read on the way. Paths are kept (gateways and relays mount APIs under one);
 * queries and fragments are refused because the adapters append paths to the base.
 */
export function checkBaseUrl(input: string): BaseUrlCheck {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'This is not a web address. Start it with https://.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'Only https:// addresses can be used.' };
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: false, reason: 'Use https:// — over plain http your API key could be read on the way.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'Leave user names and passwords out of the address.' };
  if (url.search || url.hash) return { ok: false, reason: 'Leave ? and # parts out of the address.' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
