import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WithoutBgAdapter, parseExpirationDate } from '../../../src/providers/withoutbg/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { WithoutBgFake } from '../../fakes/index.mjs';
import { decode, pixel, subjectOnWhite, failure } from './images.ts';

const KEY = 'sk_wbg_key_9';
let fake: WithoutBgFake;
let adapter: WithoutBgAdapter;

beforeEach(async () => {
  fake = await startFakeProvider('withoutbg', { rateLimit: { limit: 100, windowMs: 60_000 } });
  fake.setBalance(KEY, 5);
  adapter = new WithoutBgAdapter({ base: fake.url, isOnline: () => true });
});
afterEach(async () => {
  await fake.close();
});

describe('withoutBG processing', () => {
  it('posts the file field with X-API-Key and gets a cutout at the input size', async () => {
    const result = await adapter.process({ op: 'cutout', image: subjectOnWhite(30, 20) }, KEY);
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1.0/image-without-background');
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(Object.keys(request.files ?? {})).toEqual(['file']);
    const png = await decode(result.image);
    expect([png.width, png.height]).toEqual([30, 20]);
    expect(pixel(png, 0, 0)[3]).toBe(0);
    expect(pixel(png, 15, 10)).toEqual([255, 0, 0, 255]);
    expect(result.output).toBe('cutout');
    expect(result.charged).toBeUndefined();
    expect(fake.balance(KEY)).toBe(4);
  });

  it('uses the base64 JSON variant and decodes its image', async () => {
    const result = await adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16), transport: 'base64' }, KEY);
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1.0/image-without-background-base64');
    expect(request.jsonKeys).toEqual(['image_base64']);
    expect(pixel(await decode(result.image), 8, 8)).toEqual([255, 0, 0, 255]);
  });

  it.each(['multipart', 'base64'] as const)('returns the alpha matte (%s)', async (transport) => {
    const result = await adapter.process({ op: 'alpha', image: subjectOnWhite(16, 16), transport }, KEY);
    expect(fake.requests.at(-1)!.path).toBe(transport === 'base64' ? '/v1.0/alpha-channel-base64' : '/v1.0/alpha-channel');
    expect(result.output).toBe('matte');
    const png = await decode(result.image);
    expect(pixel(png, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixel(png, 8, 8)).toEqual([255, 255, 255, 255]);
    expect(fake.balance(KEY)).toBe(4);
  });

  it('maps 401 Invalid API Key to key-rejected', async () => {
    const error = await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16) }, 'sk_wrong'));
    expect(error.kind).toBe('key-rejected');
    expect(error.status).toBe(401);
    expect(error.providerMessage).toBe('Invalid API Key');
  });

  it('maps 402 to out-of-credits and 403 after the expiry date to credits-expired', async () => {
    fake.setBalance(KEY, 0);
    const broke = await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16) }, KEY));
    expect(broke.kind).toBe('out-of-credits');
    expect(broke.providerMessage).toBe('Insufficient credit. Please top up API credits.');

    fake.setBalance(KEY, 5);
    fake.setExpiration(KEY, new Date(fake.now() + 60_000).toISOString().slice(0, 19).replace('T', ' '));
    await adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16) }, KEY);
    fake.advanceTime(120_000);
    const expired = await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16) }, KEY));
    expect(expired.kind).toBe('credits-expired');
    expect(expired.status).toBe(403);
    expect(fake.balance(KEY)).toBe(4);
  });

  it('maps 413 and 415 to bad-input', async () => {
    fake.configure({ maxUploadBytes: 50 });
    const tooBig = await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(32, 32) }, KEY));
    expect([tooBig.kind, tooBig.status]).toEqual(['bad-input', 413]);
    fake.configure({ maxUploadBytes: 10_000_000 });
    const unreadable = await failure(adapter.process({ op: 'cutout', image: new Blob(['plain text']) }, KEY));
    expect([unreadable.kind, unreadable.status]).toEqual(['bad-input', 415]);
    expect(fake.balance(KEY)).toBe(5);
  });

  it('rate-limits with the documented detail and no Retry-After, so the adapter backs off for the 60 s its docs ask', async () => {
    fake.configure({ rateLimit: { limit: 7, windowMs: 60_000 } });
    fake.setBalance(KEY, 20);
    for (let call = 0; call < 6; call++) await adapter.process({ op: 'alpha', image: subjectOnWhite(8, 8) }, KEY);
    await adapter.fetchAccount(KEY);
    const error = await failure(adapter.process({ op: 'alpha', image: subjectOnWhite(8, 8) }, KEY));
    expect(error.kind).toBe('rate-limited');
    expect(error.providerMessage).toBe('Rate limit (7 request/minute) exceeded');
    // "Wait at least 60 seconds before retrying" (withoutBG's error-handling page).
    expect(error.retryAfterSeconds).toBe(60);
    expect(fake.balance(KEY)).toBe(14);
  });

  it('maps 5xx to unavailable and a cut after the headers to ambiguous', async () => {
    fake.failNext(500);
    const down = await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(16, 16) }, KEY));
    expect(down.kind).toBe('unavailable');
    expect(down.providerMessage).toMatch(/^Internal Server Error/);
    fake.cutNextAfterHeaders();
    expect((await failure(adapter.process({ op: 'cutout', image: subjectOnWhite(40, 40) }, KEY))).kind).toBe('ambiguous');
    expect(fake.balance(KEY)).toBe(4);
  });
});

describe('withoutBG credit', () => {
  it('normalises /available-credit with the expiry as UTC', async () => {
    fake.setExpiration(KEY, '2026-09-05 23:59:59');
    const balance = await adapter.fetchAccount(KEY);
    expect(balance).toEqual({
      provider: 'withoutbg',
      unit: 'credit',
      available: 5,
      expiresAt: new Date(Date.UTC(2026, 8, 5, 23, 59, 59)),
      source: '/available-credit',
    });
    expect(fake.requests.at(-1)!.headers['x-api-key']).toBe(KEY);
    expect(fake.requests.at(-1)!.url).toBe('/available-credit');
  });

  it('reads a bare date as the end of that day, UTC', () => {
    expect(parseExpirationDate('2025-07-27')?.toISOString()).toBe('2025-07-27T23:59:59.000Z');
    expect(parseExpirationDate('soon')).toBeUndefined();
  });
});
