#!/usr/bin/env node
/**
 * Static server for the bench's own pages: bench/tmp/pages at /, the app build's self-hosted model
 * and runtime files (dist/imgly) at /imgly/. `--isolate` sends COOP/COEP (threads for ONNX Runtime);
 * without it the page is served as the library's README would have it, not isolated.
 * Usage: node scripts/bench-serve.mjs --port 4374 [--isolate]
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || 4374);
const isolate = args.includes('--isolate');
const mounts = [
  { prefix: '/imgly/', dir: join(root, 'dist', 'imgly') },
  { prefix: '/', dir: join(root, 'bench', 'tmp', 'pages') },
];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};

createServer((req, res) => {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  const mount = mounts.find((candidate) => path.startsWith(candidate.prefix));
  if (!mount) return void res.writeHead(404).end();
  const file = normalize(join(mount.dir, path.slice(mount.prefix.length) || 'index.html'));
  if (!file.startsWith(mount.dir)) return void res.writeHead(403).end();
  let size;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    return void res.writeHead(404).end();
  }
  const headers = {
    'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'Cache-Control': path.startsWith('/imgly/') && !path.endsWith('.json') ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (isolate) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => {
  console.log(`bench pages on http://127.0.0.1:${port}/ ${isolate ? '(cross-origin isolated)' : '(not isolated)'}`);
});
