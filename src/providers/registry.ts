/**
 * The adapters, one per provider folder, built from the configured base URLs (main thread or tests).
 * The descriptions they carry are in catalog.ts; this file only knows how to construct each one.
 */
import { PROVIDER_IDS } from './catalog.ts';
import type { ProviderId } from './catalog.ts';
import { LeonardoAdapter } from './leonardo/adapter.ts';
import { PhotoRoomAdapter } from './photoroom/adapter.ts';
import { RemoveBgAdapter } from './removebg/adapter.ts';
import type { TransportOptions } from './types.ts';
import { WithoutBgAdapter } from './withoutbg/adapter.ts';

/** The base URLs a person configured, per provider, by the field names its meta.ts declares. */
export type EndpointValues = Readonly<Record<string, string>>;

const FACTORIES = {
  photoroom: (endpoints: EndpointValues, transport: TransportOptions) => new PhotoRoomAdapter({ ...transport, ...endpoints }),
  removebg: (endpoints: EndpointValues, transport: TransportOptions) => new RemoveBgAdapter({ ...transport, ...endpoints }),
  withoutbg: (endpoints: EndpointValues, transport: TransportOptions) => new WithoutBgAdapter({ ...transport, ...endpoints }),
  leonardo: (endpoints: EndpointValues, transport: TransportOptions) => new LeonardoAdapter({ ...transport, ...endpoints }),
} as const satisfies Record<ProviderId, unknown>;

export type AdapterSet = { readonly [P in ProviderId]: ReturnType<(typeof FACTORIES)[P]> };
export type AnyProviderAdapter = AdapterSet[ProviderId];

export function createAdapters(endpoints: Partial<Record<ProviderId, EndpointValues>>, transport: TransportOptions = {}): AdapterSet {
  // Each entry is built by its own factory; the mapped type pairs them back up.
  return Object.fromEntries(PROVIDER_IDS.map((id) => [id, FACTORIES[id](endpoints[id] ?? {}, transport)])) as unknown as AdapterSet;
}
