/**
 * The registry of providers' descriptions: one entry per folder under src/providers/. Everything the
 * app knows about a provider outside its adapter is derived from here (CSP origins, endpoint settings,
 * offers, plan labels, balance views, alerts, routing). Pure data; safe in the service worker.
 *
 * Adding a provider: a folder with meta.ts and adapter.ts, one line here, one in registry.ts, a fake.
 */
import { leonardoMeta } from './leonardo/meta.ts';
import { photoroomMeta } from './photoroom/meta.ts';
import { removebgMeta } from './removebg/meta.ts';
import { withoutbgMeta } from './withoutbg/meta.ts';
import type { EndpointSpec, ProviderMeta } from './types.ts';

const METAS = {
  photoroom: photoroomMeta,
  removebg: removebgMeta,
  withoutbg: withoutbgMeta,
  leonardo: leonardoMeta,
} as const satisfies Record<string, ProviderMeta>;

export type ProviderId = keyof typeof METAS;

/** In the order the app lists them. */
export const PROVIDER_IDS = Object.keys(METAS) as ProviderId[];

export function providerMeta(id: ProviderId): ProviderMeta {
  return METAS[id];
}

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(METAS, value);
}

export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [id, METAS[id].displayName]),
) as Record<ProviderId, string>;

export function endpointFields(id: ProviderId): readonly EndpointSpec[] {
  return METAS[id].endpoints;
}

/** Every origin a provider call or result download may go to by default: the CSP's connect-src. */
export function defaultProviderOrigins(): string[] {
  const origins = PROVIDER_IDS.flatMap((id) => {
    const meta: ProviderMeta = METAS[id];
    return [...meta.endpoints.map((endpoint) => new URL(endpoint.defaultUrl).origin), ...(meta.resultOrigins ?? [])];
  });
  return [...new Set(origins)];
}

/** The last two labels of a host name ("sdk.photoroom.com" → "photoroom.com"): the domain a provider owns. */
const domainOf = (host: string): string => host.split('.').slice(-2).join('.');

/**
 * The provider whose own domain a host is in (its API or result hosts, or a subdomain of them), if any.
 * A base URL pointing at another provider's host would send one provider's key to another.
 */
export function providerOwningHost(host: string): ProviderId | undefined {
  const candidate = host.toLowerCase().replace(/\.$/, '');
  return PROVIDER_IDS.find((id) => {
    const meta: ProviderMeta = METAS[id];
    const hosts = [...meta.endpoints.map((endpoint) => endpoint.defaultUrl), ...(meta.resultOrigins ?? [])].map(
      (url) => new URL(url).hostname,
    );
    return hosts.some((known) => candidate === domainOf(known) || candidate.endsWith(`.${domainOf(known)}`));
  });
}

/** The plan's name for people ("Basic"), or the provider's own word when the plan is not one we know. */
export function planLabel(id: ProviderId, plan: string | undefined): string | undefined {
  if (plan === undefined) return undefined;
  return METAS[id].plans.find((known: { id: string }) => known.id === plan.toLowerCase())?.label ?? plan;
}

/** Keys with the provider's sandbox prefix (PhotoRoom's `sandbox_`) are free and give watermarked results. */
export function isSandboxKey(id: ProviderId, key: string): boolean {
  const prefix = providerMeta(id).sandbox?.keyPrefix;
  return prefix !== undefined && key.trim().startsWith(prefix);
}
