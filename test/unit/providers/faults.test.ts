/**
 * Faults the chaos e2e does not stage in the browser (they need no page to show the difference): a dead
 * port, an account answer whose JSON changed shape, and a host that accepts the upload and never answers.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapters, emptyEndpoints } from '../../../src/providers/endpoints.ts';
import { ProviderError } from '../../../src/providers/errors.ts';
import { PROVIDER_IDS } from '../../../src/providers/catalog.ts';
import type { ProviderAdapter } from '../../../src/providers/types.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import { subjectOnWhite } from './images.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Keys of the shape each provider issues (Leonardo.Ai's are UUIDs; others are refused before sending). */
const KEY_SHAPED = {
  photoroom: 'pr_key_0001',
  removebg: 'rb_key_0002',
  withoutbg: 'wb_key_0003',
  leonardo: '7c0e4b2a-5d61-4f38-9e2a-1b3c4d5e6f70',
} as const;

/** A port that was just free: nothing listens there. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function adaptersAt(base: string, timeoutMs?: number) {
  const endpoints = emptyEndpoints();
  endpoints.photoroom = { segmentBase: base, imageApiBase: base };
  endpoints.removebg = { base };
  endpoints.withoutbg = { base };
  endpoints.leonardo = { base };
  return createAdapters(endpoints, timeoutMs === undefined ? {} : { timeoutMs });
}

describe('a dead port', () => {
  it('is "no answer" for every provider: a paid call may have been charged, a balance check says it got nothing', async () => {
    const adapters = adaptersAt(`http://127.0.0.1:${await deadPort()}`);
    for (const provider of PROVIDER_IDS) {
      // Seen through the interface every adapter shares (the union of their request types would not type-check).
      const adapter = adapters[provider] as unknown as ProviderAdapter<{ op: string; image: Blob }>;
      const call = await adapter
        .process(adapter.hdRequest(await subjectOnWhite(4, 4)), KEY_SHAPED[provider])
        .catch((error: unknown) => error);
      expect(call, provider).toBeInstanceOf(ProviderError);
      expect((call as ProviderError).kind, provider).toBe('ambiguous');
      expect((call as ProviderError).message, provider).toMatch(/may have charged for this; Cutwise will check your balance/);
      const check = await adapter.fetchAccount(KEY_SHAPED[provider]).catch((error: unknown) => error);
      expect(check, provider).toBeInstanceOf(ProviderError);
      expect(['blocked-by-browser', 'unavailable'], provider).toContain((check as ProviderError).kind);
    }
  });
});

describe('an account answer whose JSON changed shape', () => {
  it('falls back to the legacy endpoint, and with no balance anywhere is an error in words, never a made-up figure', async () => {
    const photoroom = await startFakeProvider('photoroom');
    cleanups.push(() => photoroom.close());
    photoroom.setBalance('pr_key_0001', 10);
    const adapter = adaptersAt(photoroom.url).photoroom;
    for (const body of [{ credits: { left: '10' } }, [], { images: null }, 'OK']) {
      // Only /v2/account changed: the balance comes from /v1/account, as the fake really holds it.
      photoroom.answerNext({ path: '/v2/account', status: 200, headers: { 'content-type': 'application/json' }, body });
      expect(await adapter.fetchAccount('pr_key_0001'), JSON.stringify(body)).toMatchObject({ available: 10, source: '/v1/account' });
      // Both changed: no figure is invented.
      photoroom.answerNext({ path: '/v2/account', status: 200, headers: { 'content-type': 'application/json' }, body });
      photoroom.answerNext({ path: '/v1/account', status: 200, headers: { 'content-type': 'application/json' }, body });
      const error = await adapter.fetchAccount('pr_key_0001').catch((caught: unknown) => caught);
      expect(error, JSON.stringify(body)).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toMatch(/Its account endpoints returned no balance/);
      expect((error as ProviderError).message).not.toMatch(/TypeError|undefined|null/);
    }
  });
});
