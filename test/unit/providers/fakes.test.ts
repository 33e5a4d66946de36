import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProvider } from '../../fakes/index.mjs';
import { subjectOnWhite } from './images.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('fake providers', () => {
  it.each([
    ['photoroom', '/v1/segment', 'x-api-key'],
    ['removebg', '/v1.0/removebg', 'x-api-key'],
    ['withoutbg', '/v1.0/image-without-background', 'x-api-key'],
  ] as const)('%s answers the CORS preflight with its auth header allowed', async (kind, path, header) => {
    // withoutBG's fake refuses web pages by default (its docs say so); allowed here to check the answer's shape.
    const fake = await startFakeProvider(kind as 'photoroom', { allowOrigin: true });
    closers.push(() => fake.close());
    const response = await fetch(`${fake.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': header },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toContain(header);
  });

  it('refuses web pages by default where the provider documents no browser access (withoutBG)', async () => {
    const fake = await startFakeProvider('withoutbg');
    closers.push(() => fake.close());
    const preflight = await fetch(`${fake.url}/v1.0/image-without-background`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const credit = await fetch(`${fake.url}/available-credit`, { headers: { 'X-API-Key': 'k' } });
    expect(credit.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lists the remove.bg headers in Access-Control-Expose-Headers, or sends neither list nor headers', async () => {
    const fake = await startFakeProvider('removebg', { exposeHeaders: true });
    closers.push(() => fake.close());
    fake.setBalance('k', 5);
    const post = () => {
      const form = new FormData();
      form.append('image_file', subjectOnWhite(10, 10), 'a.png');
      form.append('size', 'full');
      return fetch(`${fake.url}/v1.0/removebg`, { method: 'POST', headers: { 'X-Api-Key': 'k' }, body: form });
    };
    const exposed = await post();
    expect(exposed.headers.get('access-control-expose-headers')).toContain('X-Credits-Charged');
    expect(exposed.headers.get('x-credits-charged')).toBe('1');
    fake.configure({ exposeHeaders: false });
    const hidden = await post();
    expect(hidden.headers.get('access-control-expose-headers')).toBeNull();
    expect(hidden.headers.get('x-credits-charged')).toBeNull();
    expect(hidden.headers.get('content-type')).toBe('image/png');
  });

  it('withoutBG answers a missing field with a FastAPI 422 body and accepts the older `image` field', async () => {
    const fake = await startFakeProvider('withoutbg');
    closers.push(() => fake.close());
    fake.setBalance('k', 5);
    const empty = await fetch(`${fake.url}/v1.0/image-without-background`, {
      method: 'POST',
      headers: { 'X-API-Key': 'k' },
      body: new FormData(),
    });
    expect(empty.status).toBe(422);
    expect(await empty.json()).toEqual({ detail: [{ loc: ['body', 'file'], msg: 'Field required', type: 'missing' }] });
    const form = new FormData();
    form.append('image', subjectOnWhite(10, 10), 'a.png');
    const older = await fetch(`${fake.url}/v1.0/image-without-background`, { method: 'POST', headers: { 'X-API-Key': 'k' }, body: form });
    expect(older.status).toBe(200);
    expect(fake.balance('k')).toBe(4);
  });

  it('PhotoRoom account wants a key: 400 apiKey: Required', async () => {
    const fake = await startFakeProvider('photoroom');
    closers.push(() => fake.close());
    const response = await fetch(`${fake.url}/v2/account`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: 'apiKey: Required' } });
  });
});
