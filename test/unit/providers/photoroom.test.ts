import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { PhotoRoomFake } from '../../fakes/index.mjs';
import { deadUrl, decode, pixel, subjectOnWhite, failure } from './images.ts';

const KEY = 'pr_live_key_123';
let fake: PhotoRoomFake;
let adapter: PhotoRoomAdapter;

beforeEach(async () => {
  fake = await startFakeProvider('photoroom');
  fake.setBalance(KEY, 10);
  adapter = new PhotoRoomAdapter({ segmentBase: fake.url, imageApiBase: fake.url, isOnline: () => true });
});
afterEach(async () => {
  await fake.close();
});

describe('PhotoRoom Remove Background (/v1/segment)', () => {
  it('sends the documented multipart fields with x-api-key and returns a real cutout', async () => {
    const image = subjectOnWhite(40, 20);
    const result = await adapter.process({ op: 'segment', image, size: 'full', crop: false, despill: true, channels: 'rgba' }, KEY);

    const request = fake.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/segment');
    expect(request.headers['x-api-key']).toBe(KEY);
    expect(Object.keys(request.files ?? {})).toEqual(['image_file']);
    expect(request.fields).toEqual({ size: 'full', crop: 'false', despill: 'true', channels: 'rgba' });

    const png = await decode(result.image);
    expect([png.width, png.height]).toEqual([40, 20]);
    expect(pixel(png, 0, 0)[3]).toBe(0);
    expect(pixel(png, 20, 10)).toEqual([255, 0, 0, 255]);
    expect(result.meta['x-uncertainty-score']).toMatch(/^\d\.\d\d$/);
    expect(result.watermarked).toBe(false);
    expect(result.charged).toBeUndefined();
    expect(fake.balance(KEY)).toBe(9);
  });

  it('adds the # the segment endpoint wants on a bare hex colour', async () => {
    const result = await adapter.process({ op: 'segment', image: subjectOnWhite(20, 20), bgColor: '00FF00' }, KEY);
    expect(fake.requests.at(-1)!.fields?.['bg_color']).toBe('#00FF00');
    expect(pixel(await decode(result.image), 0, 0)).toEqual([0, 255, 0, 255]);
  });

  it('scales the preview size to at most 0.25 megapixels', async () => {
    const result = await adapter.process({ op: 'segment', image: subjectOnWhite(1000, 500), size: 'preview' }, KEY);
    const png = await decode(result.image);
    expect(png.width * png.height).toBeLessThanOrEqual(250_000);
    expect(png.width).toBeGreaterThan(600);
  });

  it('charges 0.2 image on the Plus plan', async () => {
    fake.setPlan(KEY, 'plus');
    await adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY);
    expect(fake.balance(KEY)).toBe(9.8);
    expect(adapter.estimateCost({ op: 'segment', image: new Blob() }, 'plus')).toBe(0.2);
  });

  it('maps the documented 402 body to out-of-credits and charges nothing', async () => {
    fake.setBalance(KEY, 0.5);
    const error = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(error.kind).toBe('out-of-credits');
    expect(error.status).toBe(402);
    expect(error.providerMessage).toMatch(/^API credits exhausted/);
    expect(error.providerCode).toBe('unknown_error');
    expect(fake.balance(KEY)).toBe(0.5);
  });

  it('tells an exhausted balance from a wrong key when PhotoRoom answers Unauthorized for both', async () => {
    fake.configure({ zeroBalanceAnswer: 'unauthorized' });
    fake.setBalance(KEY, 0);
    const exhausted = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(exhausted.kind).toBe('out-of-credits');
    expect(exhausted.status).toBe(401);
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/segment', '/v2/account']);

    const wrongKey = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, 'pr_wrong'));
    expect(wrongKey.kind).toBe('key-rejected');
    expect(wrongKey.status).toBe(403);
    expect(wrongKey.message).toMatch(/same answer when the balance is zero/);
  });

  it('refuses an undecodable image as bad input with the provider message', async () => {
    const notPng = new Blob(['this is not an image'], { type: 'image/png' });
    const error = await failure(adapter.process({ op: 'segment', image: notPng }, KEY));
    expect(error.kind).toBe('bad-input');
    expect(error.status).toBe(400);
    expect(error.providerMessage).toBe('The file is not a supported image.');
    expect(fake.balance(KEY)).toBe(10);
  });

  it('reports 429 with the Retry-After wait, or a backoff when the header is missing', async () => {
    fake.configure({ rateLimit: { limit: 1, windowMs: 60_000 }, sendRetryAfter: true });
    await adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY);
    fake.advanceTime(15_000);
    const withHeader = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(withHeader.kind).toBe('rate-limited');
    expect(withHeader.retryAfterSeconds).toBe(45);
    expect(withHeader.message).toMatch(/45 seconds/);

    fake.configure({ sendRetryAfter: false });
    const withoutHeader = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(withoutHeader.retryAfterSeconds).toBe(2);
    expect(fake.balance(KEY)).toBe(9);

    fake.advanceTime(60_000);
    await expect(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY)).resolves.toBeTruthy();
  });

  it('maps 5xx to unavailable without charging', async () => {
    fake.failNext(503);
    const error = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(fake.balance(KEY)).toBe(10);
  });

  it('calls a connection cut after the headers ambiguous: the fake did charge', async () => {
    fake.cutNextAfterHeaders();
    const error = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(40, 40) }, KEY));
    expect(error.kind).toBe('ambiguous');
    expect(error.message).toMatch(/may have charged/);
    expect(fake.balance(KEY)).toBe(9);
  });

  it('treats sandbox_ keys as free and watermarked', async () => {
    const normal = await decode((await adapter.process({ op: 'segment', image: subjectOnWhite(32, 32) }, KEY)).image);
    const result = await adapter.process({ op: 'segment', image: subjectOnWhite(32, 32) }, `sandbox_${KEY}`);
    expect(result.watermarked).toBe(true);
    expect(result.charged).toBe(0);
    expect(fake.balance(KEY)).toBe(9);
    const marked = await decode(result.image);
    expect(marked.data.equals(normal.data)).toBe(false);
    expect(pixel(marked, 0, 0)[3]).toBeGreaterThan(0);
  });
});

describe('PhotoRoom Image Editing (/v2/edit)', () => {
  it('sends dot-notation fields, honours outputSize and reads the pr-* headers', async () => {
    const result = await adapter.process(
      {
        op: 'edit',
        image: subjectOnWhite(60, 40),
        removeBackground: true,
        background: { prompt: 'a marble table', seed: 42 },
        shadowMode: 'ai.soft',
        lightingMode: 'ai.auto',
        padding: 0.1,
        margin: '2px',
        outputSize: '100x50',
        referenceBox: 'subjectBox',
        exportFormat: 'png',
      },
      KEY,
    );
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v2/edit');
    expect(Object.keys(request.files ?? {})).toEqual(['imageFile']);
    expect(request.fields).toEqual({
      removeBackground: 'true',
      'background.prompt': 'a marble table',
      'background.seed': '42',
      'shadow.mode': 'ai.soft',
      'lighting.mode': 'ai.auto',
      padding: '0.1',
      margin: '2px',
      outputSize: '100x50',
      referenceBox: 'subjectBox',
      'export.format': 'png',
    });
    const png = await decode(result.image);
    expect([png.width, png.height]).toEqual([100, 50]);
    expect(result.meta['pr-ai-background-seed']).toBe('42');
    expect(result.meta['pr-edit-further-url']).toMatch(/^https:\/\/app\.photoroom\.com\//);
    expect(fake.balance(KEY)).toBe(5);
  });

  it('strips the # from background.color, which v2 documents without it', async () => {
    const result = await adapter.process(
      { op: 'edit', image: subjectOnWhite(20, 20), background: { color: '#0000FF' }, referenceBox: 'originalImage' },
      KEY,
    );
    expect(fake.requests.at(-1)!.fields?.['background.color']).toBe('0000FF');
    expect(pixel(await decode(result.image), 0, 0)).toEqual([0, 0, 255, 255]);
  });

  it('reads the {error:{message}} body of a 400', async () => {
    const error = await failure(adapter.process({ op: 'edit', image: subjectOnWhite(20, 20), background: { color: 'not-a-colour' } }, KEY));
    expect(error.kind).toBe('bad-input');
    expect(error.providerMessage).toBe('background.color is invalid: not-a-colour');
  });

  it('reads the {error:{detail}} body of a 402 (5 images on Basic)', async () => {
    fake.setBalance(KEY, 4);
    const error = await failure(adapter.process({ op: 'edit', image: subjectOnWhite(20, 20) }, KEY));
    expect(error.kind).toBe('out-of-credits');
    expect(error.providerMessage).toMatch(/^API credits exhausted/);
    expect(fake.balance(KEY)).toBe(4);
  });

  it('reads the {error:{message}} body of a 500', async () => {
    fake.failNext(500);
    const error = await failure(adapter.process({ op: 'edit', image: subjectOnWhite(20, 20) }, KEY));
    expect(error.kind).toBe('unavailable');
    expect(error.providerMessage).toMatch(/^An unexpected error occurred/);
  });
});

describe('PhotoRoom account', () => {
  it('normalises /v2/account', async () => {
    fake.setPlan(KEY, 'plus');
    await expect(adapter.fetchAccount(KEY)).resolves.toEqual({
      provider: 'photoroom',
      unit: 'image',
      available: 10,
      subscription: 10,
      plan: 'plus',
      source: '/v2/account',
    });
    expect(fake.requests.at(-1)!.headers['x-api-key']).toBe(KEY);
  });

  it('falls back to /v1/account where /v2/account does not exist', async () => {
    fake.configure({ accountV2: false });
    const balance = await adapter.fetchAccount(KEY);
    expect(balance).toMatchObject({ available: 10, subscription: 10, source: '/v1/account', unit: 'credit' });
    expect(balance.plan).toBeUndefined();
  });

  it('rejects an unknown key (403 Forbidden)', async () => {
    const error = await failure(adapter.fetchAccount('nope'));
    expect(error.kind).toBe('key-rejected');
    expect(error.providerMessage).toBe('Forbidden');
  });
});

describe('PhotoRoom transport', () => {
  it('never puts the key into a URL', async () => {
    await adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY);
    await adapter.process({ op: 'edit', image: subjectOnWhite(20, 20) }, KEY);
    await adapter.fetchAccount(KEY);
    expect(fake.requests.length).toBe(3);
    for (const request of fake.requests) expect(request.url).not.toContain(KEY);
  });

  it('says offline without sending anything when the device is offline', async () => {
    const offline = new PhotoRoomAdapter({ segmentBase: fake.url, imageApiBase: fake.url, isOnline: () => false });
    const error = await failure(offline.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    expect(error.kind).toBe('offline');
    expect(fake.requests).toHaveLength(0);
  });

  it('calls a paid request with no answer ambiguous (it may have been billed), a balance check blocked-by-browser', async () => {
    const unreachable = new PhotoRoomAdapter({ segmentBase: await deadUrl(), imageApiBase: await deadUrl(), isOnline: () => true });
    const error = await failure(unreachable.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY));
    // From the page, a refused preflight, a cut connection and an answer without CORS headers look the same.
    expect(error.kind).toBe('ambiguous');
    expect(error.message).toMatch(
      /^No answer from PhotoRoom reached this page.*PhotoRoom may have charged for this; Cutwise will check your balance/,
    );
    expect(error.message).toMatch(/npm run relay/);
    expect(error.message).not.toContain(KEY);
    const check = await failure(unreachable.fetchAccount(KEY));
    expect(check.kind).toBe('blocked-by-browser');
  });

  it('passes a cancel through as the abort reason, not as a provider error', async () => {
    const controller = new AbortController();
    const reason = new DOMException('Cancelled', 'AbortError');
    controller.abort(reason);
    await expect(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, KEY, controller.signal)).rejects.toBe(reason);
  });

  it('refuses a key a header cannot carry before sending', async () => {
    const error = await failure(adapter.process({ op: 'segment', image: subjectOnWhite(20, 20) }, 'two words'));
    expect(error.kind).toBe('key-rejected');
    expect(fake.requests).toHaveLength(0);
  });
});
