/**
 * The provider registry: every provider's description is complete and consistent, everything the app
 * derives comes from it, and remove.bg's closing is decided by the clock given, not the machine's.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, defaultProviderOrigins, isSandboxKey, planLabel, providerMeta } from '../../../src/providers/catalog.ts';
import { ENDPOINT_FIELDS, createAdapters, emptyEndpoints } from '../../../src/providers/endpoints.ts';
import { ProviderError, describeProviderError, parseErrorBody } from '../../../src/providers/errors.ts';
import { HD_OPERATION } from '../../../src/providers/offers.ts';
import { isRetired, providerStatus } from '../../../src/providers/retirement.ts';
import { PROVIDER_ORIGINS } from '../../../src/shared/csp.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import { deadUrl, failure, subjectOnWhite } from './images.ts';

const RETIREMENT = Date.parse('2026-12-01T08:00:00Z');

describe('the registry', () => {
  it('lists four providers, each described completely', () => {
    expect(PROVIDER_IDS).toEqual(['photoroom', 'removebg', 'withoutbg', 'leonardo']);
    const adapters = createAdapters(emptyEndpoints());
    for (const id of PROVIDER_IDS) {
      const meta = providerMeta(id);
      expect(meta.id).toBe(id);
      expect(adapters[id].meta).toBe(meta);
      expect(meta.endpoints.length).toBeGreaterThan(0);
      for (const endpoint of meta.endpoints) expect(endpoint.defaultUrl).toMatch(/^https:\/\//);
      // What "HD via …" asks for is an operation the provider prices.
      expect(meta.operations.map((operation) => operation.op)).toContain(meta.intents.cutout.op);
      expect(HD_OPERATION[id]).toEqual(meta.intents.cutout);
      expect(adapters[id].hdRequest(new Blob(['x'])).op).toBe(meta.intents.cutout.op);
      expect(ENDPOINT_FIELDS[id]).toBe(meta.endpoints);
      if (meta.retirement) expect(PROVIDER_IDS).toContain(meta.retirement.successor);
    }
  });

  it('derives the CSP connect origins from every endpoint and result host', () => {
    expect(PROVIDER_ORIGINS).toEqual(defaultProviderOrigins());
    for (const id of PROVIDER_IDS) {
      for (const endpoint of providerMeta(id).endpoints) expect(PROVIDER_ORIGINS).toContain(new URL(endpoint.defaultUrl).origin);
    }
    expect(PROVIDER_ORIGINS).toContain('https://cloud.leonardo.ai');
  });

  it('offers each provider’s top-up page on its own domain only', () => {
    const own = { photoroom: 'photoroom.com', removebg: 'remove.bg', withoutbg: 'withoutbg.com', leonardo: 'leonardo.ai' } as const;
    for (const id of PROVIDER_IDS) {
      const url = new URL(providerMeta(id).topUpUrl);
      expect(url.protocol).toBe('https:');
      expect(url.hostname === own[id] || url.hostname.endsWith(`.${own[id]}`), `${id}: ${url.hostname}`).toBe(true);
    }
  });

  it('names plans and sandbox keys from the descriptions', () => {
    expect(planLabel('photoroom', 'PLUS')).toBe('Plus');
    expect(planLabel('photoroom', 'enterprise')).toBe('enterprise');
    expect(planLabel('removebg', undefined)).toBeUndefined();
    expect(isSandboxKey('photoroom', ' sandbox_abc')).toBe(true);
    expect(isSandboxKey('removebg', 'sandbox_abc')).toBe(false);
  });
});

describe('remove.bg retires on 2026-12-01T08:00Z', () => {
  it('is active to the millisecond before, retired from the instant on, by the clock it is given', () => {
    expect(providerStatus('removebg', RETIREMENT - 1)).toEqual({ state: 'active', retiresAt: RETIREMENT });
    expect(providerStatus('removebg', RETIREMENT)).toEqual({ state: 'retired', since: RETIREMENT, by: 'date', successor: 'leonardo' });
    expect(isRetired('removebg', RETIREMENT + 86_400_000 * 365)).toBe(true);
    for (const id of ['photoroom', 'withoutbg', 'leonardo'] as const) expect(isRetired(id, RETIREMENT + 1)).toBe(false);
  });

  it('is retired before the date when its answers showed it', () => {
    const evidence = { at: RETIREMENT - 5_000, by: 'gone' as const, status: 410 };
    expect(providerStatus('removebg', RETIREMENT - 1_000, evidence)).toEqual({
      state: 'retired',
      since: evidence.at,
      by: 'gone',
      successor: 'leonardo',
    });
    // Evidence means nothing for a provider that announced no closing.
    expect(isRetired('photoroom', RETIREMENT - 1_000, evidence)).toBe(false);
  });

  it('says what happened and what to do, never "copy the key again"', () => {
    for (const by of ['date', 'gone', 'refused'] as const) {
      const text = describeProviderError({ kind: 'retired', provider: 'removebg', retiredBy: by, status: by === 'date' ? undefined : 403 });
      expect(text).toMatch(/Leonardo\.Ai on 1 December 2026/);
      expect(text).toMatch(/create a Leonardo\.Ai API key \(app\.leonardo\.ai → API Access → Create New Key\) and add it under Keys/);
      expect(text).toMatch(/history stays/);
      expect(text).not.toMatch(/Copy the key again/);
    }
  });

  it('a host that answers 404 or 410 is taken as gone; no answer at all still mentions the announcement', async () => {
    const fake = await startFakeProvider('removebg', { closed: 410 });
    fake.setBalance('k', 3);
    try {
      const adapter = new RemoveBgAdapter({ base: fake.url, isOnline: () => true });
      const gone = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(10, 10), size: 'full' }, 'k'));
      expect(gone).toMatchObject({ kind: 'retired', retiredBy: 'gone', status: 410 });
    } finally {
      await fake.close();
    }
    const silent = new RemoveBgAdapter({ base: await deadUrl(), isOnline: () => true });
    const error = await failure(silent.fetchAccount('k'));
    expect(error.kind).toBe('blocked-by-browser');
    expect(error.message).toMatch(/Leonardo\.Ai on 1 December 2026/);
  });
});

describe('no answer from a provider (a failed connection or a CORS refusal)', () => {
  it('names the provider, says nothing was charged and points to the address setting and the relay', () => {
    const withoutbg = new ProviderError({ kind: 'blocked-by-browser', provider: 'withoutbg' }).message;
    expect(withoutbg).toMatch(/withoutBG's documentation says to call it from a server/);
    expect(withoutbg).toMatch(/Keys → Advanced: API addresses/);
    expect(withoutbg).toMatch(/npm run relay/);
    expect(withoutbg).toMatch(/Nothing was charged/);
    const leonardo = new ProviderError({ kind: 'blocked-by-browser', provider: 'leonardo' }).message;
    expect(leonardo).toMatch(/Leonardo\.Ai's host does not answer web pages \(a browser rule called CORS\)/);
  });
});

describe('error bodies of Leonardo.Ai', () => {
  it('reads GraphQL errors[], a bare array and {error,path,code}', () => {
    expect(
      parseErrorBody(
        '{"errors":[{"message":"not enough api tokens userId: u1","extensions":{"code":"BAD_REQUEST","statusCode":400,"path":"$"}}]}',
      ),
    ).toEqual({
      message: 'not enough api tokens userId: u1',
      code: 'BAD_REQUEST',
      status: 400,
    });
    expect(
      parseErrorBody('[{"message":"Unknown key","extensions":{"code":"BAD_REQUEST","details":{"message":"Unknown key \\"strength\\""}}}]'),
    ).toEqual({
      message: 'Unknown key: Unknown key "strength"',
      code: 'BAD_REQUEST',
    });
    expect(parseErrorBody('{"error":"Authentication hook unauthorized this request","path":"$","code":"access-denied"}')).toEqual({
      message: 'Authentication hook unauthorized this request',
      code: 'access-denied',
    });
  });
});
