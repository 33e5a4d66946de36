/** Types for the relay (plain ESM so `node scripts/relay.mjs` runs without a build step). */
export const RELAY_TARGETS: Readonly<Record<'photoroom-segment' | 'photoroom-image-api' | 'removebg' | 'withoutbg' | 'leonardo', string>>;

export interface RelayOptions {
  /** 0 picks a free port; default 8787. */
  port?: number;
  /** The Cutwise page's origin, the only one served; default http://127.0.0.1:4173. */
  origin?: string;
  /** Testing only: a provider's calls go to this origin instead of its real host. */
  upstreams?: Record<string, string>;
  log?: (line: string) => void;
}

export function startRelay(options?: RelayOptions): Promise<{ url: string; close: () => Promise<void> }>;
