// Fake withoutBG cloud API (api.withoutbg.com): four processing endpoints and /available-credit.
// Errors are FastAPI-style `{"detail": …}`; 422 carries the validation array. No rate-limit or
// metadata headers are documented, so none are sent (not even Retry-After).
import { startServer } from './core.mjs';
import { cutout, decodePng, encodePng, matte, sniffImage } from './raster.mjs';

const PROCESSING = [
  { path: '/v1.0/image-without-background', transport: 'multipart', output: 'cutout' },
  { path: '/v1.0/image-without-background-base64', transport: 'base64', output: 'cutout', field: 'img_without_background_base64' },
  { path: '/v1.0/alpha-channel', transport: 'multipart', output: 'matte' },
  { path: '/v1.0/alpha-channel-base64', transport: 'base64', output: 'matte', field: 'alpha_base64' },
];

/** @param {Record<string, any>} [overrides] */
export async function startWithoutBg(overrides = {}) {
  const options = {
    // Its docs: "Never embed API keys in client-side code … proxy requests through your backend";
    // no source shows Access-Control-Allow-Origin on its host.
    allowOrigin: false,
    exposeHeaders: true,
    // The docs' figure (the 2026 SDK says 20); shared by every endpoint, the credit check included.
    rateLimit: { limit: 7, windowMs: 60_000 },
    maxUploadBytes: 10_000_000,
    ...overrides,
  };

  /** @param {any} ctx */
  function admit(ctx) {
    const account = ctx.key === undefined ? undefined : fake.accounts.get(ctx.key);
    if (!account) {
      ctx.reply(401, { detail: 'Invalid API Key' });
      return undefined;
    }
    const verdict = ctx.rateLimit(ctx.key, 1);
    if (!verdict.ok) {
      ctx.reply(429, { detail: `Rate limit (${options.rateLimit.limit} request/minute) exceeded` });
      return undefined;
    }
    return account;
  }

  const fake = await startServer({
    authHeader: 'x-api-key',
    exposedHeaders: [],
    options,
    newAccount: () => ({ credit: 0, expiration: '2099-12-31 23:59:59' }),
    notFound: (ctx) => ctx.reply(404, { detail: 'Not Found' }),
    routes: [
      ...PROCESSING.map((endpoint) => ({
        method: 'POST',
        path: endpoint.path,
        /** @param {any} ctx */
        handle(ctx) {
          const account = admit(ctx);
          if (!account) return;
          /** @type {Buffer | undefined} */
          let bytes;
          if (endpoint.transport === 'multipart') {
            // The authentication page's example uses `image`; the endpoint pages use `file`.
            const file = ctx.form?.files['file'] ?? ctx.form?.files['image'];
            if (!file) return ctx.reply(422, { detail: [{ loc: ['body', 'file'], msg: 'Field required', type: 'missing' }] });
            bytes = file.data;
          } else {
            const encoded = ctx.json && typeof ctx.json === 'object' ? ctx.json.image_base64 : undefined;
            if (typeof encoded !== 'string') {
              return ctx.reply(422, { detail: [{ loc: ['body', 'image_base64'], msg: 'Field required', type: 'missing' }] });
            }
            if (encoded.startsWith('data:') || !/^[A-Za-z0-9+/=\s]*$/.test(encoded)) {
              return ctx.reply(422, { detail: [{ loc: ['body', 'image_base64'], msg: 'Invalid base64 string', type: 'value_error' }] });
            }
            bytes = Buffer.from(encoded, 'base64');
          }
          if (bytes.length > options.maxUploadBytes) {
            return ctx.reply(413, { detail: `File too large. Maximum size is ${options.maxUploadBytes / 1e6} MB.` });
          }
          const kind = sniffImage(bytes);
          const input = kind === 'png' ? decodePng(bytes) : undefined;
          if (!input)
            return ctx.reply(415, { detail: `Unsupported media type${kind ? ` (this fake decodes PNG only, got ${kind})` : ''}` });
          if (Date.parse(`${account.expiration.replace(' ', 'T')}Z`) < ctx.now()) {
            return ctx.reply(403, { detail: 'API credits expired. Top up to reactivate them.' });
          }
          if (account.credit < 1) return ctx.reply(402, { detail: 'Insufficient credit. Please top up API credits.' });
          const failure = ctx.takeFailure();
          if (failure) return ctx.reply(failure, { detail: 'Internal Server Error. Please contact support: contact@withoutbg.com' });

          const cut = cutout(input);
          const png = encodePng(endpoint.output === 'matte' ? matte(cut) : cut, { matte: endpoint.output === 'matte' });
          account.credit -= 1;
          if (endpoint.field) {
            return ctx.success(Buffer.from(JSON.stringify({ [endpoint.field]: png.toString('base64') })), {
              'content-type': 'application/json',
            });
          }
          ctx.success(png, { 'content-type': 'image/png' });
        },
      })),
      {
        method: 'GET',
        path: '/available-credit',
        handle(ctx) {
          const account = admit(ctx);
          if (!account) return;
          ctx.reply(200, { credit: account.credit, expiration_date: account.expiration });
        },
      },
    ],
  });

  return {
    ...fake,
    /** @param {string} key @param {number} credits */
    setBalance(key, credits) {
      fake.account(key).credit = credits;
    },
    /** @param {string} key @returns {number | undefined} */
    balance: (key) => fake.accounts.get(key)?.credit,
    /** @param {string} key @param {string} expiration `YYYY-MM-DD HH:MM:SS`, UTC */
    setExpiration(key, expiration) {
      fake.account(key).expiration = expiration;
    },
  };
}
