import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, endpointOrigins, hostSecurityHeaders, originOf, PROVIDER_ORIGINS } from '../../src/shared/csp.ts';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('buildContentSecurityPolicy', () => {
  it('is strict for the page: own scripts and WASM only, no eval, no blob: scripts, no plugins', () => {
    const policy = directives(buildContentSecurityPolicy());
    // The page runs no WebAssembly (the model runs in the worker): no 'wasm-unsafe-eval' for it.
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(buildContentSecurityPolicy()).not.toMatch(/unsafe-inline|'unsafe-eval'|\*/);
  });

  it('gives the engine worker exactly what the model runtime needs, and nothing else more', () => {
    const page = directives(buildContentSecurityPolicy(['http://127.0.0.1:5111']));
    const worker = directives(buildContentSecurityPolicy(['http://127.0.0.1:5111'], { scope: 'worker' }));
    expect(worker.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(worker.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(worker.get('connect-src')).toEqual(page.get('connect-src'));
    for (const name of ['default-src', 'img-src', 'style-src', 'object-src', 'base-uri', 'form-action', 'frame-src']) {
      expect(worker.get(name), name).toEqual(page.get(name));
    }
  });

  it('lets the page reach only itself and the real provider hosts', () => {
    const connect = directives(buildContentSecurityPolicy()).get('connect-src');
    expect(connect).toEqual(["'self'", ...PROVIDER_ORIGINS]);
    expect(PROVIDER_ORIGINS).toEqual([
      'https://sdk.photoroom.com',
      'https://image-api.photoroom.com',
      'https://api.remove.bg',
      'https://api.withoutbg.com',
      // Leonardo.Ai: its API, and the CDN its durable result links point to.
      'https://cloud.leonardo.ai',
      'https://cdn.leonardo.ai',
    ]);
  });

  it('adds the origins of extra endpoints to connect-src only, once each', () => {
    const policy = directives(
      buildContentSecurityPolicy(['http://127.0.0.1:5111/v1/segment', 'http://127.0.0.1:5111', 'https://proxy.example.org/bg/']),
    );
    expect(policy.get('connect-src')).toEqual(["'self'", ...PROVIDER_ORIGINS, 'http://127.0.0.1:5111', 'https://proxy.example.org']);
    expect(policy.get('script-src')).not.toContain('http://127.0.0.1:5111');
  });

  it('drops stored hosts whose characters a URL parser keeps but a header cannot carry', () => {
    // A value saved before addresses were checked this strictly must not sandbox or split the policy.
    const policy = buildContentSecurityPolicy([
      'https://evil.example;sandbox',
      'https://a,b.example',
      'http://[::1]:9',
      "https://x'y.example",
    ]);
    expect(policy).not.toMatch(/sandbox|a,b|::1|x'y/);
    expect(policy.split(';').map((part) => part.trim().split(/\s+/)[0])).not.toContain('sandbox');
    expect(directives(policy).get('connect-src')).toEqual(["'self'", ...PROVIDER_ORIGINS]);
    expect(originOf('https://evil.example;sandbox')).toBeUndefined();
  });

  it('gives a host the page policy for documents and the worker policy for scripts, with the page headers', () => {
    const page = hostSecurityHeaders('/');
    expect(page['Content-Security-Policy']).toBe(buildContentSecurityPolicy());
    expect(page['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(page).toMatchObject({ 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    expect(hostSecurityHeaders('/assets/engine.worker-abc.js?worker_file&type=module')['Content-Security-Policy']).toBe(
      buildContentSecurityPolicy([], { scope: 'worker' }),
    );
    expect(hostSecurityHeaders('/some/deep/link')['Content-Security-Policy']).toBe(buildContentSecurityPolicy());
  });

  it('never lets a stored value add a directive or a wildcard', () => {
    const policy = buildContentSecurityPolicy([
      "https://evil.example; script-src 'unsafe-inline'",
      '*',
      'javascript:alert(1)',
      'data:text/html,x',
      'not a url',
    ]);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('evil');
    expect(directives(policy).get('connect-src')).toEqual(["'self'", ...PROVIDER_ORIGINS]);
  });

  it('leaves out frame-ancestors for a <meta> policy (Chromium ignores it there with an error)', () => {
    const policy = directives(buildContentSecurityPolicy([], { delivery: 'meta' }));
    expect(policy.has('frame-ancestors')).toBe(false);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });
});

describe('endpointOrigins (provider-endpoints records)', () => {
  it('takes the origin of every string property of every record', () => {
    expect(
      endpointOrigins([
        { segment: 'http://127.0.0.1:5111', edit: 'http://127.0.0.1:5112/v2/edit' },
        { base: 'https://my-proxy.example.com/removebg/' },
        { base: 'http://127.0.0.1:5111/other' },
      ]),
    ).toEqual(['http://127.0.0.1:5111', 'http://127.0.0.1:5112', 'https://my-proxy.example.com']);
  });

  it('ignores what is not a base URL: other types, other schemes, empty records', () => {
    expect(endpointOrigins([null, 'http://x.example', 42, { base: 7, note: 'hello', ftp: 'ftp://files.example' }, {}])).toEqual([]);
  });

  it('originOf accepts http(s) only and trims', () => {
    expect(originOf(' https://api.example.com:8443/path?q=1 ')).toBe('https://api.example.com:8443');
    expect(originOf('ws://api.example.com')).toBeUndefined();
    expect(originOf('/relative')).toBeUndefined();
  });
});

describe('the README tells hosts the policy the app really uses', () => {
  it('quotes the page policy exactly', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const row = /\| `Content-Security-Policy` \(pages\) \| `([^`]+)` \|/.exec(readme)?.[1];
    expect(row).toBe(buildContentSecurityPolicy());
  });
});
