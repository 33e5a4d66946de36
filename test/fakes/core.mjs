// Shared machinery of the fake provider servers: node:http only, 127.0.0.1, a free port.
// Each provider module supplies its routes and its documented bodies; this file supplies CORS,
// the request log, per-key accounts, a sliding-window rate limit on the fake's own clock, and the
// failure switches (5xx, connection cut after the headers).
import http from 'node:http';

/** Response headers a browser lets page scripts read without Access-Control-Expose-Headers. */
const SAFELISTED = new Set(['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma']);

/**
 * @typedef {object} FakeCore
 * @property {(key: string) => any} account
 * @property {() => number} now
 */

/**
 * @param {object} spec
 * @param {string} spec.authHeader lower-case request header that carries the key
 * @param {string[]} spec.exposedHeaders custom response headers listed in Access-Control-Expose-Headers
 * @param {Record<string, any>} spec.options the provider's options, mutable through configure()
 * @param {(key: string) => any} spec.newAccount
 * @param {Array<{ method: string, path?: string, prefix?: string, handle: (ctx: any) => Promise<void> | void }>} spec.routes
 * @param {(ctx: any) => void} spec.notFound
 */
export async function startServer(spec) {
  const options = spec.options;
  /** @type {Map<string, any>} */
  const accounts = new Map();
  /** @type {Map<string, Array<{ at: number, weight: number }>>} */
  const windows = new Map();
  /** @type {any[]} */
  const requests = [];
  /** @type {number[]} */
  const failures = [];
  let cuts = 0;
  /** Successes answered without Access-Control-Allow-Origin (billed, but the page cannot read them). */
  let hidden = 0;
  /** Successes billed, then the connection closed before a byte of answer (a browser resends on a kept-alive one). */
  let drops = 0;
  /** @type {Array<'html' | 'corrupt-png'>} successes answered 200 with something that is not an image (billed) */
  const mangles = [];
  /** @type {Array<{ path?: string, status: number, headers?: Record<string, string>, body: unknown }>} one-shot answers */
  const scripted = [];
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake server bug: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        res.destroy();
      }
    });
  });

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const contentType = String(req.headers['content-type'] ?? '');
    const form = contentType.startsWith('multipart/form-data') ? parseMultipart(body, contentType) : undefined;
    /** @type {unknown} */
    let json;
    if (contentType.startsWith('application/json')) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      url: req.url ?? '',
      headers: { ...req.headers },
      fields: form ? { ...form.fields } : undefined,
      files: form
        ? Object.fromEntries(
            Object.entries(form.files).map(([name, file]) => [
              name,
              { filename: file.filename, contentType: file.contentType, size: file.data.length },
            ]),
          )
        : undefined,
      jsonKeys: json && typeof json === 'object' ? Object.keys(json) : undefined,
    });

    if (req.method === 'OPTIONS') {
      /** @type {Record<string, string>} */
      const headers = {};
      if (options.allowOrigin) {
        headers['access-control-allow-origin'] = '*';
        headers['access-control-allow-methods'] = 'GET, POST, OPTIONS';
        headers['access-control-allow-headers'] = `${spec.authHeader}, content-type, accept`;
        headers['access-control-max-age'] = '600';
      }
      res.writeHead(204, headers);
      res.end();
      return;
    }

    const ctx = {
      req,
      res,
      body,
      url,
      form,
      json,
      options,
      now,
      key: typeof req.headers[spec.authHeader] === 'string' ? String(req.headers[spec.authHeader]) : undefined,
      /** @param {string} key */
      account: (key) => accounts.get(key),
      /**
       * @param {number} status @param {unknown} payload object → JSON, string → text/plain
       * @param {Record<string, string | number>} [headers]
       */
      reply(status, payload, headers = {}) {
        const isText = typeof payload === 'string';
        const bytes = Buffer.from(isText ? payload : JSON.stringify(payload));
        writeResponse(res, status, bytes, {
          'content-type': isText ? 'text/plain; charset=utf-8' : (options.jsonContentType ?? 'application/json'),
          ...headers,
        });
      },
      /** A success body; obeys the connection-cut switch. @param {Buffer} bytes @param {Record<string, string | number>} headers */
      success(bytes, headers) {
        if (drops > 0) {
          drops--;
          res.socket?.destroy();
          return;
        }
        const mangle = mangles.shift();
        if (mangle) {
          const html = '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>';
          const body =
            mangle === 'html'
              ? Buffer.from(html)
              : mangle === 'huge-png'
                ? claimingHugeSize(bytes)
                : Buffer.concat([bytes.subarray(0, 60), Buffer.alloc(40, 7)]);
          writeResponse(res, 200, body, { ...headers, 'content-type': mangle === 'html' ? 'text/html' : 'image/png' });
          return;
        }
        if (hidden > 0) {
          hidden--;
          const all = finalHeaders({ ...headers, 'content-length': bytes.length });
          delete all['access-control-allow-origin'];
          delete all['access-control-expose-headers'];
          res.writeHead(200, all);
          res.end(bytes);
          return;
        }
        if (cuts > 0) {
          cuts--;
          const all = finalHeaders({ ...headers, 'content-length': bytes.length });
          res.writeHead(200, all);
          res.flushHeaders();
          res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
          return;
        }
        writeResponse(res, 200, bytes, headers);
      },
      /** The pending 5xx switch, consumed. @returns {number | undefined} */
      takeFailure: () => failures.shift(),
      /**
       * Sliding window per key on the fake clock; rejected calls are not counted.
       * @param {string} key @param {number} weight
       */
      rateLimit(key, weight) {
        const { limit, windowMs } = options.rateLimit;
        const at = now();
        const recent = (windows.get(key) ?? []).filter((entry) => at - entry.at < windowMs);
        windows.set(key, recent);
        const used = recent.reduce((sum, entry) => sum + entry.weight, 0);
        if (used + weight > limit) {
          // Wait until enough weight has left the window for this call to fit.
          let freed = 0;
          let waitMs = windowMs;
          for (const entry of recent) {
            freed += entry.weight;
            if (used - freed + weight <= limit) {
              waitMs = entry.at + windowMs - at;
              break;
            }
          }
          const oldest = recent[0]?.at ?? at;
          return {
            ok: false,
            limit,
            remaining: Math.max(0, limit - used),
            retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
            resetAt: Math.ceil((oldest + windowMs) / 1000),
          };
        }
        recent.push({ at, weight });
        const oldest = recent[0]?.at ?? at;
        return {
          ok: true,
          limit,
          remaining: Math.max(0, Math.floor(limit - used - weight)),
          retryAfterSeconds: 0,
          resetAt: Math.ceil((oldest + windowMs) / 1000),
        };
      },
    };

    const next = scripted.findIndex((answer) => answer.path === undefined || answer.path === url.pathname);
    if (next !== -1) {
      const [answer] = scripted.splice(next, 1);
      if (answer) return ctx.reply(answer.status, answer.body, answer.headers ?? {});
    }

    // `path` matches exactly; `prefix` matches a family of paths (presigned result links).
    const route = spec.routes.find(
      (candidate) =>
        candidate.method === req.method &&
        (candidate.path === url.pathname || (candidate.prefix !== undefined && url.pathname.startsWith(candidate.prefix))),
    );
    if (!route) {
      spec.notFound(ctx);
      return;
    }
    await route.handle(ctx);
  }

  /** @param {Record<string, string | number>} headers */
  function finalHeaders(headers) {
    /** @type {Record<string, string | number>} */
    const out = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      // Node's fetch ignores CORS, so with exposure off the fake withholds what a browser would hide.
      if (!options.exposeHeaders && !SAFELISTED.has(lower)) continue;
      out[name] = value;
    }
    if (options.allowOrigin) {
      out['access-control-allow-origin'] = '*';
      if (options.exposeHeaders) out['access-control-expose-headers'] = spec.exposedHeaders.join(', ');
    }
    return out;
  }

  /** @param {http.ServerResponse} res @param {number} status @param {Buffer} bytes @param {Record<string, string | number>} headers */
  function writeResponse(res, status, bytes, headers) {
    res.writeHead(status, finalHeaders({ ...headers, 'content-length': bytes.length }));
    res.end(bytes);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake server has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    accounts,
    /** @param {string} key */
    account(key) {
      let account = accounts.get(key);
      if (!account) {
        account = spec.newAccount(key);
        accounts.set(key, account);
      }
      return account;
    },
    now,
    /** The key is revoked at the provider: from now on it is answered as an unknown key. @param {string} key */
    revokeKey(key) {
      accounts.delete(key);
    },
    /** @param {number} ms */
    advanceTime(ms) {
      clockOffsetMs += ms;
    },
    /** @param {number} [status] @param {number} [times] */
    failNext(status = 500, times = 1) {
      for (let index = 0; index < times; index++) failures.push(status);
    },
    /** @param {number} [times] */
    cutNextAfterHeaders(times = 1) {
      cuts += times;
    },
    /** The next success is billed and answered without CORS headers: the page sees no answer. @param {number} [times] */
    hideNextAnswer(times = 1) {
      hidden += times;
    },
    /** The next success is billed, then its connection closed before any answer (Chromium resends on a reused one). @param {number} [times] */
    dropNextAfterCharge(times = 1) {
      drops += times;
    },
    /** The next success is billed and answered 200 with an HTML page, a damaged PNG, or a PNG whose header claims 20000×20000 pixels. @param {'html' | 'corrupt-png' | 'huge-png'} kind */
    mangleNextAnswer(kind) {
      mangles.push(kind);
    },
    /** The next request (to `path`, or any) gets this answer instead, before authentication, billing nothing. @param {{ path?: string, status: number, headers?: Record<string, string>, body: unknown }} answer */
    answerNext(answer) {
      scripted.push(answer);
    },
    /** @param {Record<string, any>} partial */
    configure(partial) {
      Object.assign(options, partial);
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      });
    },
  };
}

/** @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * @param {Buffer} body @param {string} contentType
 * @returns {{ fields: Record<string, string>, files: Record<string, { filename: string, contentType: string, data: Buffer }> }}
 */
export function parseMultipart(body, contentType) {
  /** @type {Record<string, string>} */
  const fields = {};
  /** @type {Record<string, { filename: string, contentType: string, data: Buffer }>} */
  const files = {};
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundaryText = match?.[1] ?? match?.[2];
  if (!boundaryText) return { fields, files };
  const boundary = Buffer.from(`--${boundaryText.trim()}`);
  let start = body.indexOf(boundary);
  while (start !== -1) {
    const partStart = start + boundary.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(boundary, partStart);
    if (next === -1) break;
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headerText = part.subarray(0, headerEnd).toString('utf8');
      const data = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/i.exec(headerText)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headerText)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headerText)?.[1] ?? 'application/octet-stream';
      if (name !== undefined) {
        if (filename !== undefined) files[name] = { filename, contentType: type.trim(), data: Buffer.from(data) };
        else fields[name] = data.toString('utf8');
      }
    }
    start = next;
  }
  return { fields, files };
}

/** Adds and removes without binary floating-point dust (0.2 × 5 must be exactly 1). @param {number} value */
export function tidy(value) {
  return Math.round(value * 1e6) / 1e6;
}

/** CRC-32 (PNG chunks), bit by bit: only used on a 13-byte header. @param {Buffer} bytes */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The PNG with its header rewritten (valid CRC) to claim 20000×20000 pixels, 400 MP: what a
 * decompression bomb looks like before it is decoded. @param {Buffer} png
 */
function claimingHugeSize(png) {
  const copy = Buffer.from(png);
  copy.writeUInt32BE(20_000, 16);
  copy.writeUInt32BE(20_000, 20);
  copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29);
  return copy;
}
