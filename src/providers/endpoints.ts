/**
 * Where each provider is reached. Every base URL can be overridden (a CORS proxy, a company gateway,
 * the local fakes in tests); the default is the provider's real host. Pure; runs anywhere.
 */
import { PhotoRoomAdapter, PHOTOROOM_IMAGE_API_BASE, PHOTOROOM_SEGMENT_BASE } from './photoroom.ts';
import { RemoveBgAdapter, REMOVEBG_BASE } from './removebg.ts';
import { WithoutBgAdapter, WITHOUTBG_BASE } from './withoutbg.ts';
import type { ProviderId, TransportOptions } from './types.ts';

/** Per provider, the adapter's own option names; every value is a base URL. */
export interface ProviderEndpoints {
  photoroom: { segmentBase?: string; imageApiBase?: string };
  removebg: { base?: string };
  withoutbg: { base?: string };
}

export type EndpointField<P extends ProviderId> = keyof ProviderEndpoints[P] & string;

export interface EndpointDescription {
  field: string;
  label: string;
  defaultUrl: string;
}

export const ENDPOINT_FIELDS: Readonly<Record<ProviderId, readonly EndpointDescription[]>> = {
  photoroom: [
    { field: 'segmentBase', label: 'Remove Background API', defaultUrl: PHOTOROOM_SEGMENT_BASE },
    { field: 'imageApiBase', label: 'Image Editing and account API', defaultUrl: PHOTOROOM_IMAGE_API_BASE },
  ],
  removebg: [{ field: 'base', label: 'API', defaultUrl: REMOVEBG_BASE }],
  withoutbg: [{ field: 'base', label: 'API', defaultUrl: WITHOUTBG_BASE }],
};

export const emptyEndpoints = (): ProviderEndpoints => ({ photoroom: {}, removebg: {}, withoutbg: {} });

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Accepts https anywhere and http only on this machine: a key sent over plain http to another
 * host could be read on the way. Paths are kept (gateways often mount APIs under one);
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

export type AnyProviderAdapter = PhotoRoomAdapter | RemoveBgAdapter | WithoutBgAdapter;

export interface AdapterSet {
  photoroom: PhotoRoomAdapter;
  removebg: RemoveBgAdapter;
  withoutbg: WithoutBgAdapter;
}

export function createAdapters(endpoints: ProviderEndpoints, transport: TransportOptions = {}): AdapterSet {
  return {
    photoroom: new PhotoRoomAdapter({ ...transport, ...endpoints.photoroom }),
    removebg: new RemoveBgAdapter({ ...transport, ...endpoints.removebg }),
    withoutbg: new WithoutBgAdapter({ ...transport, ...endpoints.withoutbg }),
  };
}
