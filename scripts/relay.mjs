#!/usr/bin/env node
// `npm run relay`: a minimal relay for providers whose hosts refuse web pages (no CORS), run by the
// person on their own computer. One file, Node's standard library only.
//
// - Forwards only to the providers' own hosts, one path prefix each: /withoutbg/… → https://api.withoutbg.com/…
// - Adds CORS for one origin, the Cutwise page's (default http://127.0.0.1:4173, `npm start`); every
//   other page is refused.
// - Never logs or stores keys or bodies: requests are streamed through; the log line has the method,
//   the provider, the path without its query, the status and the time.
// - Listens on 127.0.0.1 only.
//
// In Cutwise: Keys → Advanced: API addresses → e.g. withoutBG API = http://127.0.0.1:8787/withoutbg,
// then reload. Options: --port 8787, --origin <the page's origin>, --upstream name=url (testing only:
// sends a provider's calls somewhere other than its real host).
import http from 'node:http';
import https from 'node:https';
import { pathToFileURL } from 'node:url';

/** The providers' own hosts, by path prefix (kept equal to src/providers/*\/meta.ts by a unit test). */
export const RELAY_TARGETS = Object.freeze({
  'photoroom-segment': 'https://sdk.photoroom.com',
  'photoroom-image-api': 'https://image-api.photoroom.com',
  removebg: 'https://api.remove.bg',
  withoutbg: 'https://api.withoutbg.com',
  leonardo: 'https://cloud.leonardo.ai',
});

/** Request headers a provider call needs; nothing else (cookies, the page's own headers) is passed on. */
const FORWARDED_REQUEST_HEADERS = ['x-api-key', 'authorization', 'content-type', 'accept', 'content-length'];
/** Provider answers Cutwise reads when they are readable (charges, sizes, rate limits). */
const EXPOSED_HEADERS = [
  'X-Credits-Charged',
  'X-Width',
  'X-Height',
  'X-Type',
  'X-Foreground-Top',
  'X-Foreground-Left',
  'X-Foreground-Width',
  'X-Foreground-Height',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'Retry-After',
  'x-uncertainty-score',
  'pr-ai-background-seed',
  'pr-texts-detected',
  'pr-unsupported-attributes',
  'pr-edit-further-url',
];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
const TIMEOUT_MS = 180_000;

/**
 * @param {{ port?: number, origin?: string, upstreams?: Record<string, string>, log?: (line: string) => void }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startRelay(options = {}) {
  const origin = new URL(options.origin ?? 'http://127.0.0.1:4173').origin;
  /** @type {Record<string, string>} */
  const targets = { ...RELAY_TARGETS };
  for (const [name, url] of Object.entries(options.upstreams ?? {})) {
    if (!(name in RELAY_TARGETS)) throw new Error(`unknown provider "${name}"; known: ${Object.keys(RELAY_TARGETS).join(', ')}`);
    targets[name] = new URL(url).origin;
  }
  const log = options.log ?? ((line) => console.log(line));

  const server = http.createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const [, name = '', ...rest] = url.pathname.split('/');
    const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
    const requestOrigin = req.headers.origin;
    const done = (/** @type {number} */ status) =>
      log(`${req.method} ${name || '-'} /${rest.join('/')} → ${status} (${Date.now() - started} ms)`);

    // Browsers send Origin on every cross-origin call: a page other than Cutwise's gets nothing.
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`This relay serves ${origin} only.`);
      return done(403);
    }
    const cors = { 'access-control-allow-origin': origin, vary: 'Origin' };
    if (!target) {
      res
        .writeHead(404, { ...cors, 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `No such provider. Use one of: /${Object.keys(targets).join(', /')}` }));
      return done(404);
    }
    if (req.method === 'OPTIONS') {
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((header) => header.trim().toLowerCase())
        .filter((header) => FORWARDED_REQUEST_HEADERS.includes(header));
      res
        .writeHead(204, {
          ...cors,
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': asked.join(', '),
          'access-control-max-age': '600',
        })
        .end();
      return done(204);
    }

    /** @type {Record<string, string | string[]>} */
    const headers = {};
    for (const header of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[header];
      if (value !== undefined) headers[header] = value;
    }
    const upstream = new URL(`/${rest.join('/')}${url.search}`, target);
    const client = upstream.protocol === 'https:' ? https : http;
    const forward = client.request(upstream, { method: req.method, headers, timeout: TIMEOUT_MS }, (answer) => {
      /** @type {Record<string, string | string[]>} */
      const out = { ...cors, 'access-control-expose-headers': EXPOSED_HEADERS.join(', ') };
      for (const [header, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_BY_HOP.has(header) || header.startsWith('access-control-') || header === 'set-cookie') continue;
        out[header] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', () => done(answer.statusCode ?? 502));
      answer.on('error', () => res.destroy());
    });
    forward.on('timeout', () => forward.destroy(new Error('timed out')));
    forward.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res
        .writeHead(502, { ...cors, 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `The relay could not reach ${name}: ${error.message}` }));
      done(502);
    });
    // A page that goes away mid-upload stops the upstream call too.
    req.on('aborted', () => forward.destroy());
    req.pipe(forward);
  });

  await new Promise((resolve) => server.listen(options.port ?? 8787, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/** @param {string[]} argv */
function parseArguments(argv) {
  /** @type {{ port?: number, origin?: string, upstreams: Record<string, string> }} */
  const parsed = { upstreams: {} };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = argv[index + 1] ?? '';
    if (flag === '--port') parsed.port = Number(value);
    else if (flag === '--origin') parsed.origin = value;
    else if (flag === '--upstream') {
      const [name = '', url = ''] = value.split(/=(.*)/s);
      parsed.upstreams[name] = url;
    } else throw new Error(`unknown option ${flag}; use --port, --origin or --upstream name=url`);
    index++;
  }
  return parsed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArguments(process.argv.slice(2));
  const relay = await startRelay(options);
  const origin = new URL(options.origin ?? 'http://127.0.0.1:4173').origin;
  console.log(`Cutwise relay on ${relay.url}, for pages from ${origin} only. Keys and bodies are passed through, never logged or kept.`);
  for (const [name, target] of Object.entries({ ...RELAY_TARGETS, ...options.upstreams })) {
    const note = name in options.upstreams ? '   (overridden for testing)' : '';
    console.log(`  ${relay.url}/${name}  →  ${target}${note}`);
  }
  console.log("In Cutwise: Keys → Advanced: API addresses, set the provider's address to one of the lines above, then reload.");
  const stop = async () => {
    await relay.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
