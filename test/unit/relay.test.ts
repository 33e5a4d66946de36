/**
 * The relay a person runs for providers that refuse web pages (`npm run relay`): forwards only to the
 * providers' hosts, answers CORS for one origin, passes keys through without logging them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_TARGETS, startRelay } from '../../scripts/relay.mjs';
import { PROVIDER_IDS, providerMeta } from '../../src/providers/catalog.ts';
import { startFakeProvider } from '../fakes/index.mjs';
import { subjectOnWhite } from './providers/images.ts';

const APP = 'http://127.0.0.1:4173';
const KEY = 'wb_relay_key_5e1f';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function setUp() {
  const withoutbg = await startFakeProvider('withoutbg', { allowOrigin: false });
  withoutbg.setBalance(KEY, 3);
  const lines: string[] = [];
  const relay = await startRelay({ port: 0, origin: APP, upstreams: { withoutbg: withoutbg.url }, log: (line) => lines.push(line) });
  closers.push(
    () => withoutbg.close(),
    () => relay.close(),
  );
  return { withoutbg, relay, lines };
}

describe('relay', () => {
  it('knows exactly the providers’ own hosts', () => {
    const origins = PROVIDER_IDS.flatMap((id) => providerMeta(id).endpoints.map((endpoint) => new URL(endpoint.defaultUrl).origin));
    expect(new Set(Object.values(RELAY_TARGETS))).toEqual(new Set(origins));
  });

  it('answers the preflight for the app’s origin with the headers it asked for, and refuses any other page', async () => {
    const { relay, withoutbg } = await setUp();
    const ask = (origin: string) =>
      fetch(`${relay.url}/withoutbg/v1.0/image-without-background`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, x-evil' },
      });
    const ours = await ask(APP);
    expect(ours.status).toBe(204);
    expect(ours.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ours.headers.get('access-control-allow-headers')).toBe('x-api-key');
    const theirs = await ask('https://evil.example');
    expect(theirs.status).toBe(403);
    expect(theirs.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${relay.url}/withoutbg/available-credit`, { headers: { origin: 'https://evil.example', 'X-API-Key': KEY } });
    expect(post.status).toBe(403);
    expect(withoutbg.requests).toEqual([]);
  });

  it('forwards a paid call to the provider with the key and nothing else, adds CORS, and never logs the key or the body', async () => {
    const { relay, withoutbg, lines } = await setUp();
    const form = new FormData();
    form.append('file', subjectOnWhite(20, 10), 'a.png');
    const response = await fetch(`${relay.url}/withoutbg/v1.0/image-without-background`, {
      method: 'POST',
      headers: { origin: APP, 'X-API-Key': KEY, cookie: 'session=secret' },
      body: form,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(50);
    expect(withoutbg.balance(KEY)).toBe(2);
    const forwarded = withoutbg.requests.at(-1)!;
    expect(forwarded.path).toBe('/v1.0/image-without-background');
    expect(forwarded.headers['x-api-key']).toBe(KEY);
    expect(forwarded.headers['cookie']).toBeUndefined();
    expect(forwarded.headers['origin']).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^POST withoutbg \/v1\.0\/image-without-background → 200 \(\d+ ms\)$/)]);
    expect(lines.join('\n')).not.toContain(KEY);
  });

  it('forwards to nothing but the known providers', async () => {
    const { relay, withoutbg } = await setUp();
    const response = await fetch(`${relay.url}/evil.example/steal`, { headers: { origin: APP } });
    expect(response.status).toBe(404);
    expect(withoutbg.requests).toEqual([]);
    await expect(startRelay({ port: 0, upstreams: { 'evil.example': 'https://evil.example' } })).rejects.toThrow(/unknown provider/);
  });
});
