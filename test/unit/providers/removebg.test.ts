import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { RemoveBgFake } from '../../fakes/index.mjs';
import { deadUrl, decode, pixel, subjectOnWhite, failure } from './images.ts';

const KEY = 'rbg_key_ABC';
let fake: RemoveBgFake;
let adapter: RemoveBgAdapter;

beforeEach(async () => {
  // Headers exposed here to check the adapter reads them; the fake's default (hidden) is tested below.
  fake = await startFakeProvider('removebg', { exposeHeaders: true });
  fake.setBalance(KEY, 3);
  adapter = new RemoveBgAdapter({ base: fake.url, isOnline: () => true });
});
afterEach(async () => {
  await fake.close();
});

describe('remove.bg /v1.0/removebg', () => {
  it('sends image_file and the documented fields with X-Api-Key; reads the charge and size headers', async () => {
    const result = await adapter.process(
      { op: 'removebg', image: subjectOnWhite(48, 24), size: 'full', type: 'product', format: 'png', crop: false, channels: 'rgba' },
      KEY,
    );
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1.0/removebg');
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(Object.keys(request.files ?? {})).toEqual(['image_file']);
    expect(request.fields).toEqual({ size: 'full', type: 'product', format: 'png', crop: 'false', channels: 'rgba' });

    expect(result.charged).toBe(1);
    expect(result.meta['x-width']).toBe('48');
    expect(result.meta['x-height']).toBe('24');
    expect(result.meta['x-type']).toBe('product');
    expect(result.meta['x-ratelimit-limit']).toBe('500');
    const png = await decode(result.image);
    expect([png.width, png.height]).toEqual([48, 24]);
    expect(pixel(png, 0, 0)[3]).toBe(0);
    expect(pixel(png, 24, 12)).toEqual([255, 0, 0, 255]);
    expect(fake.balance(KEY)).toBe(2);
  });

  it('charges a quarter credit for preview and scales to at most 0.25 MP', async () => {
    const result = await adapter.process({ op: 'removebg', image: subjectOnWhite(800, 500), size: 'preview' }, KEY);
    expect(result.charged).toBe(0.25);
    const png = await decode(result.image);
    expect(png.width * png.height).toBeLessThanOrEqual(250_000);
    expect(fake.balance(KEY)).toBe(2.75);
    expect(adapter.estimateCost({ op: 'removebg', image: new Blob(), size: 'preview' })).toBe(0.25);
  });

  it('sends bg_color without # and returns the flattened image', async () => {
    const result = await adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full', bgColor: '#0000ff' }, KEY);
    expect(fake.requests.at(-1)!.fields?.['bg_color']).toBe('0000ff');
    expect(pixel(await decode(result.image), 0, 0)).toEqual([0, 0, 255, 255]);
  });

  it('still succeeds when the host does not expose its headers; the charge is then unknown', async () => {
    fake.configure({ exposeHeaders: false });
    const result = await adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full' }, KEY);
    expect(result.charged).toBeUndefined();
    expect(result.meta).toEqual({});
    expect((await decode(result.image)).width).toBe(20);
    expect(fake.balance(KEY)).toBe(2);
  });

  it('maps 402 Insufficient credits and charges nothing', async () => {
    fake.setBalance(KEY, 0.5);
    const error = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full' }, KEY));
    expect(error.kind).toBe('out-of-credits');
    expect(error.providerMessage).toBe('Insufficient credits');
    expect(fake.balance(KEY)).toBe(0.5);
  });

  it('maps 403 API Key invalid to key-rejected', async () => {
    const error = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full' }, 'rbg_wrong'));
    expect(error.kind).toBe('key-rejected');
    expect(error.status).toBe(403);
    expect(error.providerMessage).toBe('API Key invalid');
    expect(error.providerCode).toBe('auth_failed');
  });

  it('maps a 400 with errors[].code and detail to bad-input', async () => {
    const error = await failure(adapter.process({ op: 'removebg', image: new Blob(['GIF89a.....']), size: 'full' }, KEY));
    expect(error.kind).toBe('bad-input');
    expect(error.providerCode).toBe('invalid_file_type');
    expect(error.providerMessage).toBe('Invalid file type: Expected jpg/png/webp, received gif');
  });

  it('maps file_too_large (400) to bad-input', async () => {
    fake.configure({ maxUploadBytes: 100 });
    const error = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(64, 64), size: 'full' }, KEY));
    expect(error.kind).toBe('bad-input');
    expect(error.providerCode).toBe('file_too_large');
  });

  it('weighs the rate limit by megapixels and honours Retry-After', async () => {
    fake.configure({ rateLimit: { limit: 2, windowMs: 60_000 } });
    await adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'preview' }, KEY);
    fake.advanceTime(10_000);
    await adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'preview' }, KEY);
    const error = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'preview' }, KEY));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterSeconds).toBe(50);
    expect(error.providerMessage).toBe('Rate limit exceeded');
    expect(fake.balance(KEY)).toBe(2.5);

    fake.configure({ exposeHeaders: false });
    const hidden = await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'preview' }, KEY));
    expect(hidden.retryAfterSeconds).toBe(5);
  });

  it('maps 5xx to unavailable and a cut after the headers to ambiguous', async () => {
    fake.failNext(502);
    expect((await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full' }, KEY))).kind).toBe('unavailable');
    expect(fake.balance(KEY)).toBe(3);
    fake.cutNextAfterHeaders();
    expect((await failure(adapter.process({ op: 'removebg', image: subjectOnWhite(40, 40), size: 'full' }, KEY))).kind).toBe('ambiguous');
    expect(fake.balance(KEY)).toBe(2);
  });

  it('mentions the announced move to Leonardo.Ai when the host does not answer', async () => {
    const gone = new RemoveBgAdapter({ base: await deadUrl(), isOnline: () => true });
    const error = await failure(gone.process({ op: 'removebg', image: subjectOnWhite(20, 20), size: 'full' }, KEY));
    expect(error.kind).toBe('ambiguous');
    expect(error.message).toMatch(/Leonardo\.Ai on 1 December 2026/);
    expect((await failure(gone.fetchAccount(KEY))).message).toMatch(/Leonardo\.Ai on 1 December 2026/);
  });
});

describe('remove.bg /v1.0/account', () => {
  it('normalises credits and free calls', async () => {
    fake.setCredits(KEY, { subscription: 150, payg: 50.5, enterprise: 0, freeCalls: 42 });
    await expect(adapter.fetchAccount(KEY)).resolves.toEqual({
      provider: 'removebg',
      unit: 'credit',
      available: 200.5,
      subscription: 150,
      payg: 50.5,
      enterprise: 0,
      freeCalls: 42,
      source: '/v1.0/account',
    });
    expect(fake.requests.at(-1)!.headers['x-api-key']).toBe(KEY);
    for (const request of fake.requests) expect(request.url).not.toContain(KEY);
  });

  it('rejects a missing key with the Missing API Key body', async () => {
    // A key made only of what a header refuses is caught before sending; here the raw 403 is checked.
    const response = await fetch(`${fake.url}/v1.0/account`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ title: 'Missing API Key', code: 'auth_failed' }] });
  });
});
