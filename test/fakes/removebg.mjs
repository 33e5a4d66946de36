// Fake remove.bg (api.remove.bg/v1.0): `/removebg` and `/account`. Error bodies are
// `{"errors":[{title,code?,detail?}]}` with `application/json; charset=utf-8`; rate limit is
// 500 megapixel-images per minute with X-RateLimit-* on answers and Retry-After on 429.
import { startServer, tidy } from './core.mjs';
import { alphaBox, crop, cutout, decodePng, encodePng, flatten, limitPixels, matte, parseColour, sniffImage } from './raster.mjs';

/** Output pixel caps per size (PNG output is capped at 10 MP on full/50MP). */
const SIZES = {
  preview: { pixels: 250_000, cost: 0.25 },
  small: { pixels: 250_000, cost: 0.25 },
  regular: { pixels: 250_000, cost: 0.25 },
  medium: { pixels: 1_500_000, cost: 1 },
  hd: { pixels: 4_000_000, cost: 1 },
  full: { pixels: 10_000_000, cost: 1 },
  '4k': { pixels: 10_000_000, cost: 1 },
  '50MP': { pixels: 10_000_000, cost: 1 },
  auto: { pixels: 10_000_000, cost: 1 },
};
const TYPES = ['auto', 'person', 'product', 'car', 'animal', 'graphic', 'transportation'];

/** @param {Record<string, any>} [overrides] */
export async function startRemoveBg(overrides = {}) {
  const options = {
    allowOrigin: true,
    // Its recorded answers (the official Ruby gem's cassettes) carry no Access-Control-Expose-Headers.
    exposeHeaders: false,
    rateLimit: { limit: 500, windowMs: 60_000 },
    maxUploadBytes: 22_000_000,
    maxInputMegapixels: 50,
    jsonContentType: 'application/json; charset=utf-8',
    /**
     * After the closing (research/leonardo-api.md §8, unverified): 403 refuses every self-serve key as
     * invalid, 404/410 answer that the API is gone. Undefined: open as before.
     */
    closed: undefined,
    ...overrides,
  };

  /** @param {string} title @param {string} [code] @param {string} [detail] */
  const errors = (title, code, detail) => ({ errors: [{ title, ...(code ? { code } : {}), ...(detail ? { detail } : {}) }] });

  const fake = await startServer({
    authHeader: 'x-api-key',
    exposedHeaders: [
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
    ],
    options,
    newAccount: () => ({ subscription: 0, payg: 0, enterprise: 0, freeCalls: 0 }),
    notFound: (ctx) => ctx.reply(404, errors('Not Found')),
    routes: [
      {
        method: 'POST',
        path: '/v1.0/removebg',
        handle(ctx) {
          const account = authenticate(ctx);
          if (!account) return;
          const fields = { ...(ctx.form?.fields ?? {}), ...(ctx.json && typeof ctx.json === 'object' ? ctx.json : {}) };
          const file = ctx.form?.files['image_file'];
          const b64 = typeof fields.image_file_b64 === 'string' ? Buffer.from(fields.image_file_b64, 'base64') : undefined;
          const sources = [file, b64, fields.image_url].filter((source) => source !== undefined);
          if (sources.length === 0) return ctx.reply(400, errors('No image given', 'missing_source'));
          if (sources.length > 1) return ctx.reply(400, errors('Multiple image sources given', 'multiple_sources'));
          if (fields.image_url !== undefined) {
            return ctx.reply(
              400,
              errors('Failed to download image from given image_url: the fake server has no network', 'failed_image_download'),
            );
          }
          const bytes = file?.data ?? b64 ?? Buffer.alloc(0);
          if (bytes.length > options.maxUploadBytes) {
            return ctx.reply(400, errors('File too large', 'file_too_large', `File exceeds limit of ${options.maxUploadBytes / 1e6}MB`));
          }
          const size = fields.size ?? 'preview';
          if (!(size in SIZES)) return ctx.reply(400, errors('Invalid size', 'invalid_size'));
          const format = fields.format ?? 'auto';
          if (!['auto', 'png', 'jpg', 'webp', 'zip'].includes(format)) return ctx.reply(400, errors('Invalid format', 'invalid_format'));
          if (format !== 'auto' && format !== 'png') return ctx.reply(400, errors('This fake server renders PNG only', 'fake_png_only'));
          const channels = fields.channels ?? 'rgba';
          if (!['rgba', 'alpha'].includes(channels)) return ctx.reply(400, errors('Invalid channels', 'invalid_channels'));
          const type = fields.type ?? 'auto';
          if (!TYPES.includes(type)) return ctx.reply(400, errors('Invalid type', 'invalid_type'));
          const colour = fields.bg_color === undefined ? undefined : parseColour(fields.bg_color, { allowHash: false });
          if (fields.bg_color !== undefined && !colour) return ctx.reply(400, errors('Invalid bg_color', 'invalid_bg_color'));

          const kind = sniffImage(bytes);
          if (!kind || !['png', 'jpeg', 'webp'].includes(kind)) {
            return ctx.reply(400, errors('Invalid file type', 'invalid_file_type', `Expected jpg/png/webp, received ${kind ?? 'unknown'}`));
          }
          const input = kind === 'png' ? decodePng(bytes) : undefined;
          if (!input) return ctx.reply(400, errors('Failed to read image', 'failed_to_read_image'));
          const megapixels = (input.width * input.height) / 1e6;
          if (megapixels > options.maxInputMegapixels) {
            return ctx.reply(
              400,
              errors(
                'Resolution too high',
                'resolution_too_high',
                `Input image has ${Math.round(megapixels)} megapixels, maximum supported input resolution is ${options.maxInputMegapixels} megapixels`,
              ),
            );
          }

          // Rate limit counts megapixels; anything below 1 MP counts as one image.
          const verdict = ctx.rateLimit(ctx.key, Math.max(1, megapixels));
          const rateHeaders = {
            'X-RateLimit-Limit': verdict.limit,
            'X-RateLimit-Remaining': verdict.remaining,
            'X-RateLimit-Reset': verdict.resetAt,
          };
          if (!verdict.ok)
            return ctx.reply(429, errors('Rate limit exceeded'), { ...rateHeaders, 'Retry-After': verdict.retryAfterSeconds });

          const total = tidy(account.subscription + account.payg + account.enterprise);
          // 'auto' picks the best size the balance pays for.
          const effectiveSize = size === 'auto' && total < 1 ? 'preview' : size;
          const { pixels, cost } = SIZES[/** @type {keyof typeof SIZES} */ (effectiveSize)];
          if (total < cost) return ctx.reply(402, errors('Insufficient credits'), rateHeaders);
          const failure = ctx.takeFailure();
          if (failure) return ctx.reply(failure, errors('Internal server error'), rateHeaders);

          const cut = cutout(input);
          const foreground = alphaBox(cut) ?? { left: 0, top: 0, width: input.width, height: input.height };
          let result = fields.crop === 'true' ? crop(cut, foreground) : cut;
          result = limitPixels(result, pixels);
          if (channels === 'alpha') result = matte(result);
          else if (colour) result = flatten(result, colour);
          const png = encodePng(result, { matte: channels === 'alpha' });

          debit(account, cost);
          /** @type {Record<string, string | number>} */
          const headers = {
            'X-Credits-Charged': cost,
            'X-Width': result.width,
            'X-Height': result.height,
            'X-Foreground-Top': foreground.top,
            'X-Foreground-Left': foreground.left,
            'X-Foreground-Width': foreground.width,
            'X-Foreground-Height': foreground.height,
            ...rateHeaders,
          };
          if (fields.type_level !== 'none') headers['X-Type'] = type === 'auto' ? 'product' : type;
          if (String(ctx.req.headers.accept ?? '').includes('application/json')) {
            const data = {
              result_b64: png.toString('base64'),
              foreground_top: foreground.top,
              foreground_left: foreground.left,
              foreground_width: foreground.width,
              foreground_height: foreground.height,
            };
            return ctx.success(Buffer.from(JSON.stringify({ data })), { ...headers, 'content-type': 'application/json; charset=utf-8' });
          }
          ctx.success(png, { ...headers, 'content-type': 'image/png' });
        },
      },
      {
        method: 'GET',
        path: '/v1.0/account',
        handle(ctx) {
          const account = authenticate(ctx);
          if (!account) return;
          const { subscription, payg, enterprise, freeCalls } = account;
          ctx.reply(200, {
            data: {
              attributes: {
                credits: { total: tidy(subscription + payg + enterprise), subscription, payg, enterprise },
                api: { free_calls: freeCalls, sizes: 'all' },
              },
            },
          });
        },
      },
    ],
  });

  /** @param {any} ctx */
  function authenticate(ctx) {
    if (options.closed === 403) {
      ctx.reply(403, errors('API Key invalid', 'auth_failed'));
      return undefined;
    }
    if (options.closed === 404 || options.closed === 410) {
      ctx.reply(options.closed, errors(options.closed === 410 ? 'Gone' : 'Not Found'));
      return undefined;
    }
    if (ctx.key === undefined) {
      ctx.reply(403, errors('Missing API Key', 'auth_failed'));
      return undefined;
    }
    const account = fake.accounts.get(ctx.key);
    if (!account) ctx.reply(403, errors('API Key invalid', 'auth_failed'));
    return account;
  }

  return {
    ...fake,
    /** Subscription credits first, as the likeliest order (not documented). @param {string} key @param {number} credits */
    setBalance(key, credits) {
      const account = fake.account(key);
      account.subscription = credits;
      account.payg = 0;
      account.enterprise = 0;
    },
    /** @param {string} key @param {{ subscription?: number, payg?: number, enterprise?: number, freeCalls?: number }} parts */
    setCredits(key, parts) {
      Object.assign(fake.account(key), parts);
    },
    /** @param {string} key @returns {number | undefined} */
    balance(key) {
      const account = fake.accounts.get(key);
      return account ? tidy(account.subscription + account.payg + account.enterprise) : undefined;
    },
  };
}

/** @param {any} account @param {number} cost */
function debit(account, cost) {
  let left = cost;
  for (const part of ['subscription', 'payg', 'enterprise']) {
    const take = Math.min(account[part], left);
    account[part] = tidy(account[part] - take);
    left = tidy(left - take);
  }
}
