/**
 * The Leonardo.Ai adapter against the fake (test/fakes/leonardo.mjs), which follows the contract in
 * research/leonardo-api.md, including the irregular errors and both readings of each unverified fact.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeonardoAdapter, classifyLeonardo } from '../../../src/providers/leonardo/adapter.ts';
import { parseErrorBody } from '../../../src/providers/errors.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { LeonardoFake, LeonardoFakeOptions } from '../../fakes/index.mjs';
import { decode, failure, pixel, subjectOnWhite } from './images.ts';

const KEY = '3f1c2b4a-8d7e-4f60-9a1b-2c3d4e5f6a7b';
let fake: LeonardoFake;
let adapter: LeonardoAdapter;

async function start(options: LeonardoFakeOptions = {}): Promise<void> {
  await fake?.close();
  fake = await startFakeProvider('leonardo', options);
  fake.setBalanceUsd(KEY, 5);
  adapter = new LeonardoAdapter({ base: fake.url, isOnline: () => true });
}

beforeEach(() => start());
afterEach(async () => {
  await fake.close();
});

const hd = (width = 48, height = 24) => adapter.hdRequest(subjectOnWhite(width, height));

describe('Leonardo.Ai sync remove-bg', () => {
  it('sends one JSON request with a Bearer key, the image inline, nothing stored; reads the inline PNG and the cost in dollars', async () => {
    const result = await adapter.process(hd(), KEY);
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/api/rest/v2/generationssync');
    expect(request.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.url).not.toContain(KEY);
    const body = fake.calls.at(-1)!;
    expect(body).toMatchObject({
      model: 'remove-bg',
      public: false,
      ephemeral: true,
      base64: true,
      parameters: {
        size: 'full',
        type: 'auto',
        format: 'png',
        channels: 'rgba',
        crop: false,
        guidances: { image_reference: [{ image: { type: 'BASE64' } }] },
      },
    });
    // Raw base64, no data: prefix (the fake refuses one).
    expect(JSON.stringify(body)).not.toContain('data:');

    const png = await decode(result.image);
    expect([png.width, png.height]).toEqual([48, 24]);
    expect(pixel(png, 0, 0)[3]).toBe(0);
    expect(pixel(png, 24, 12)).toEqual([255, 0, 0, 255]);
    expect(result.charged).toBeUndefined();
    expect(result.reportedCost).toEqual({ amount: 0.1047, unit: 'DOLLARS' });
    expect(result.meta).toMatchObject({ width: '48', height: '24', 'content-type': 'image/png' });
    expect(result.meta['generation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.balanceUsd(KEY)).toBeCloseTo(5 - 0.1047, 6);
  });

  it('debits a cost in API credits as is (legacy accounts)', async () => {
    fake.setCredits(KEY, { subscription: 3, paid: 10 });
    const result = await adapter.process(hd(), KEY);
    expect(result.charged).toBe(5);
    expect(result.reportedCost).toBeUndefined();
    expect(fake.balance(KEY)).toBe(8);
  });

  it('reads the answer wrapped in generateSync, and a download link when the answer carries one', async () => {
    await start({ envelope: 'generateSync', ignoreBase64: true });
    const result = await adapter.process(hd(30, 20), KEY);
    expect((await decode(result.image)).width).toBe(30);
    // The link was fetched exactly as given, without the key.
    const download = fake.requests.find((request) => request.path.startsWith('/fake-s3/results/'));
    expect(download?.url).toMatch(/X-Amz-Signature=/);
    expect(download?.headers['authorization']).toBeUndefined();
    expect(result.reportedCost?.unit).toBe('DOLLARS');
  });

  it('has no cost to report when the answer carries none', async () => {
    await start({ omitCost: true });
    const result = await adapter.process(hd(), KEY);
    expect(result.charged).toBeUndefined();
    expect(result.reportedCost).toBeUndefined();
  });

  it.each(['graphql-200', 'array-200', 'status'] as const)(
    'an empty balance answered as %s is "out of credits", nothing debited',
    async (mode) => {
      await start({ v2ErrorMode: mode });
      fake.setBalanceUsd(KEY, 0.05);
      const error = await failure(adapter.process(hd(), KEY));
      expect(error.kind).toBe('out-of-credits');
      expect(error.providerMessage).toMatch(/not enough api tokens/);
      expect(error.message).toMatch(/^Out of credits: .*Nothing was charged/);
      expect(fake.balanceUsd(KEY)).toBe(0.05);
    },
  );

  it('an empty balance answered as a plain 400 {error,path,code} is "out of credits" too', async () => {
    await start({ balanceErrorMode: 'rest-400' });
    fake.setBalanceUsd(KEY, 0);
    const error = await failure(adapter.process(hd(), KEY));
    expect(error.kind).toBe('out-of-credits');
    expect(error.status).toBe(400);
  });

  it('an unknown key is rejected (401 from the authentication hook), and a key that is not a UUID is refused before sending', async () => {
    const stranger = await failure(adapter.process(hd(), '9f1c2b4a-8d7e-4f60-9a1b-2c3d4e5f6a7b'));
    expect(stranger.kind).toBe('key-rejected');
    expect(stranger.status).toBe(401);
    const before = fake.requests.length;
    const malformed = await failure(adapter.fetchAccount('sk-not-a-uuid'));
    expect(malformed.kind).toBe('key-rejected');
    expect(malformed.message).toMatch(/five groups/);
    expect(fake.requests.length).toBe(before);
  });

  it('reads the authorization hook’s 500 for a malformed key as a rejected key, not as "down"', async () => {
    // The adapter never sends such a key; the fake's answer and its reading are checked apart.
    const raw = await fetch(`${fake.url}/api/rest/v1/me`, { headers: { authorization: 'Bearer not-a-uuid' } });
    expect(raw.status).toBe(500);
    const parsed = parseErrorBody(await raw.text());
    expect(parsed).toEqual({ message: 'Invalid response from authorization hook', code: 'unexpected' });
    expect(classifyLeonardo(500, parsed)).toBe('key-rejected');
    expect(classifyLeonardo(500, { message: 'Service Error', code: 'unexpected' })).toBeUndefined();
  });

  it('429: rate-limited, with the documented-free fallback wait or a readable Retry-After', async () => {
    await start({ rateLimit: { limit: 1, windowMs: 60_000 } });
    await adapter.process(hd(), KEY);
    const limited = await failure(adapter.process(hd(), KEY));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.retryAfterSeconds).toBe(10);
    fake.configure({ sendRetryAfter: true });
    const told = await failure(adapter.process(hd(), KEY));
    expect(told.retryAfterSeconds).toBeGreaterThan(50);
    expect(fake.balanceUsd(KEY)).toBeCloseTo(5 - 0.1047, 6);
  });

  it('a 500 is "not working", nothing debited; a cut answer, a hang and a withheld result may have been billed', async () => {
    fake.failNext(500);
    expect((await failure(adapter.process(hd(), KEY))).kind).toBe('unavailable');
    expect(fake.balanceUsd(KEY)).toBe(5);

    fake.cutNextAfterHeaders();
    expect((await failure(adapter.process(hd(), KEY))).kind).toBe('ambiguous');
    expect(fake.balanceUsd(KEY)).toBeCloseTo(5 - 0.1047, 6);

    fake.hangNext();
    const slow = new LeonardoAdapter({ base: fake.url, isOnline: () => true, timeoutMs: 500 });
    const hung = await failure(slow.process(hd(), KEY));
    expect(hung.kind).toBe('ambiguous');
    expect(hung.message).toMatch(/may have charged/);

    fake.configure({ blockNext: 1 });
    const blocked = await failure(adapter.process(hd(), KEY));
    expect(blocked.kind).toBe('ambiguous');
    expect(blocked.message).toMatch(/withheld the result/);
  });

  it('refuses what it cannot send inline before sending: over 7.5 MB, or not PNG/JPEG/WebP', async () => {
    const before = fake.requests.length;
    const big = new Blob([new Uint8Array(7_600_000)], { type: 'image/png' });
    const tooBig = await failure(adapter.process({ op: 'remove-bg', image: big, size: 'full' }, KEY));
    expect(tooBig.kind).toBe('bad-input');
    expect(tooBig.message).toMatch(/limit is 7\.5 MB\. Nothing was sent/);
    const gif = new Blob([new TextEncoder().encode('GIF89a\x01\x00\x01\x00')], { type: '' });
    const wrong = await failure(adapter.process({ op: 'remove-bg', image: gif, size: 'full' }, KEY));
    expect(wrong.kind).toBe('bad-input');
    expect(wrong.message).toMatch(/GIF image\. Nothing was sent/);
    expect(fake.requests.length).toBe(before);
  });

  it('a body over the gateway limit (413) is "refused this image", nothing debited', async () => {
    await start({ maxRequestBytes: 200 });
    const error = await failure(adapter.process(hd(200, 200), KEY));
    expect(error.kind).toBe('bad-input');
    expect(error.status).toBe(413);
    expect(fake.balanceUsd(KEY)).toBe(5);
  });

  it('answers without CORS reach the page as no answer at all (the browser hides them); Node sees them', async () => {
    // Node's fetch ignores CORS, so this checks the fake's switch; the page-level test is in e2e.
    await start({ allowOrigin: false });
    const preflight = await fetch(`${fake.url}/api/rest/v2/generationssync`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:4173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Leonardo.Ai GET /v1/me', () => {
  it('reports apiPaidTokens + apiSubscriptionTokens as the balance in API credits', async () => {
    await expect(adapter.fetchAccount(KEY)).resolves.toEqual({
      provider: 'leonardo',
      unit: 'token',
      available: 5000,
      source: '/api/rest/v1/me',
    });
    fake.setCredits(KEY, { paid: 45_677, subscription: 13 });
    expect((await adapter.fetchAccount(KEY)).available).toBe(45_690);
    expect(fake.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${KEY}`);
  });

  it('a refused key is "key rejected"', async () => {
    const error = await failure(adapter.fetchAccount('9f1c2b4a-8d7e-4f60-9a1b-2c3d4e5f6a7b'));
    expect(error.kind).toBe('key-rejected');
    expect(error.message).toMatch(/app\.leonardo\.ai → API Access/);
  });
});
