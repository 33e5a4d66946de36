/**
 * Where each provider is reached. Every base URL can be overridden (a CORS relay, a company gateway,
 * the local fakes in tests); the default is the provider's real host, and which fields exist is each
 * provider's meta.ts. Pure; runs anywhere.
 */
import { CSP_SAFE_HOST } from '../shared/csp.ts';
import { PROVIDER_IDS, PROVIDER_NAMES, endpointFields, providerOwningHost } from './catalog.ts';
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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** Characters no host name has; URL parsers keep some of them, a CSP header would not survive them. */
const NOT_IN_HOSTS = /[;,'*%"\s]/;

/**
 * Accepts https anywhere and http only on this machine: a key sent over plain http to another
 * host could be read on the way. Paths are kept (gateways and relays mount APIs under one);
 * queries and fragments are refused because the adapters append paths to the base. The host must
 * be a plain name or IPv4 address (it goes into the app's Content-Security-Policy), and, when the
 * address is for `provider`, not another provider's: that would send one provider's key to another.
 */
export function checkBaseUrl(input: string, provider?: ProviderId): BaseUrlCheck {
  const text = input.trim();
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text)?.[1];
  if (authority !== undefined && NOT_IN_HOSTS.test(authority)) {
    return { ok: false, reason: "A host name has only letters, digits, dots and hyphens. Check the address for ; , ' * % or spaces." };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'This is not a web address. Start it with https://.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'Only https:// addresses can be used.' };
  }
  if (url.hostname.startsWith('[')) {
    return { ok: false, reason: 'IPv6 addresses cannot be used here (the browser would block them). Use 127.0.0.1 or a host name.' };
  }
  if (!CSP_SAFE_HOST.test(url.hostname)) {
    return { ok: false, reason: 'A host name has only letters, digits, dots and hyphens. Check the address.' };
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { ok: false, reason: 'Use https:// — over plain http your API key could be read on the way.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'Leave user names and passwords out of the address.' };
  if (url.search || url.hash) return { ok: false, reason: 'Leave ? and # parts out of the address.' };
  const owner = providerOwningHost(url.hostname);
  if (provider !== undefined && owner !== undefined && owner !== provider) {
    return {
      ok: false,
      reason: `${url.hostname} is ${PROVIDER_NAMES[owner]}'s. Your ${PROVIDER_NAMES[provider]} key would be sent to ${PROVIDER_NAMES[owner]}: use ${PROVIDER_NAMES[provider]}'s own address or your relay's.`,
    };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/**
 * The origins a provider's key is sent to with these addresses, in one string: what a saved key is
 * bound to (its encryption's authenticated data). Another address, another binding: the key must be
 * entered again before it goes there.
 */
export function keyBinding(provider: ProviderId, values: Readonly<Record<string, string>> = {}): string {
  const origins = ENDPOINT_FIELDS[provider].map((field) => new URL(values[field.field] || field.defaultUrl).origin);
  return [...new Set(origins)].sort().join(' ');
}

/** The hosts of a binding that are not the provider's own: who else would see the key. */
export function foreignHosts(provider: ProviderId, binding: string): string[] {
  const own = new Set(keyBinding(provider).split(' '));
  return binding
    .split(' ')
    .filter((origin) => origin !== '' && !own.has(origin))
    .map((origin) => new URL(origin).host);
}
