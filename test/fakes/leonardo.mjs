// Fake Leonardo.Ai (cloud.leonardo.ai/api/rest): the Sync API with `model: "remove-bg"`, `GET /v1/me`
// and the presigned result links, following research/leonardo-api.md §10 (the cheat sheet): its
// validation order, its two error families (REST `{error,path,code}` for auth and v1; GraphQL
// `errors[]` for v2, switchable between HTTP 200 with `errors[]`, a bare array, and the status in the
// HTTP line), the 500 its authorization hook answers for a malformed key, balance debited only on a
// 200 with a result. Where the research marks a fact unverified, the switch defaults to the documented
// or the more awkward reading. Not modelled: the async endpoints and the init-image upload flow
// (Cutwise uses neither).
import { randomUUID, createHmac } from 'node:crypto';
import { startServer, tidy } from './core.mjs';
import { cutout, decodePng, encodePng, limitPixels, matte, sniffImage } from './raster.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARAMETERS = new Set([
  'size',
  'type',
  'type_level',
  'format',
  'channels',
  'bg_color',
  'crop',
  'crop_margin',
  'roi',
  'scale',
  'position',
  'shadow_type',
  'shadow_opacity',
  'semitransparency',
  'quantity',
  'guidances',
]);
const ENUMS = {
  size: ['auto', 'preview', 'full', '50MP'],
  type: ['auto', 'person', 'product', 'car', 'animal', 'graphic', 'transportation', 'other'],
  format: ['png', 'jpg', 'webp'],
  channels: ['rgba', 'alpha'],
  shadow_type: ['none', 'drop', '3d', 'car'],
  type_level: ['none', '1', '2', 'latest'],
};
/** Output caps in pixels: preview 0.25 MP, full/auto 25, 50MP 50; PNG is capped at 10 MP whatever the size. */
const SIZE_PIXELS = { preview: 250_000, full: 25_000_000, auto: 25_000_000, '50MP': 50_000_000 };
const PNG_PIXELS = 10_000_000;
const REST_UNAUTHORIZED = { error: 'Authentication hook unauthorized this request', path: '$', code: 'access-denied' };
const REST_MALFORMED_KEY = { error: 'Invalid response from authorization hook', path: '$', code: 'unexpected' };

/** @param {Record<string, any>} [overrides] */
export async function startLeonardo(overrides = {}) {
  const options = {
    // Unknown for the real host (§6, §11.1): a switch, so both readings are tested.
    allowOrigin: true,
    // Every value the adapter needs is in the JSON body; nothing has to be exposed.
    exposeHeaders: true,
    /** 'graphql-200' (the migration guide), 'array-200' (third-party clients) or 'status' (statusCode in the HTTP line). */
    v2ErrorMode: 'graphql-200',
    /** 'v2' (an error envelope) or 'rest-400' (a plain HTTP 400 `{error,path,code}`, as v1 clients report). */
    balanceErrorMode: 'v2',
    /** The authorization hook's answer to a key that is not a UUID: 500 by Hasura's code, 401 by switch. */
    malformedKeyStatus: 500,
    /** Wrap the documented sync answer as `{ generateSync: … }` (one third party's reading). */
    envelope: undefined,
    /** Answer with a download link even when `base64: true` was asked (a service that ignores it). */
    ignoreBase64: false,
    /** Withhold the next result by moderation: `blockedCount: 1, results: []` (billed: unknown; not billed here). */
    blockNext: 0,
    /** Leave `cost` out of the answer (it is "present for Production API users" only). */
    omitCost: false,
    /** DOLLARS: the flat price; the balance is held in dollars and /me reports it ×1000 (an assumption until a live call). */
    priceUsd: 0.1047,
    tokensPerUsd: 1000,
    /** CREDITS mode (legacy subscription accounts): the price in API credits. */
    priceCredits: 5,
    /** Gateway limits inferred from the docs (§1b): a request body over ~10 MB, an inline result over ~7.45 MiB. */
    maxRequestBytes: 10_000_000,
    maxInlineResultBytes: 7_811_891,
    rateLimit: { limit: 100, windowMs: 60_000 },
    sendRetryAfter: false,
    /** The result links' lifetime (ephemeral: 30 minutes). */
    resultLifetimeMs: 1_800_000,
    ...overrides,
  };
  const secret = randomUUID();
  /** @type {Map<string, { bytes: Buffer, contentType: string, expiresAt: number }>} */
  const results = new Map();
  /** Every sync call's body, the image data replaced by its length. @type {any[]} */
  const calls = [];
  let hangs = 0;

  /** @param {any} ctx @param {string} message @param {number} [statusCode] @param {string} [code] */
  function v2Error(ctx, message, statusCode = 400, code = 'BAD_REQUEST') {
    if (options.v2ErrorMode === 'array-200') {
      return ctx.reply(200, [{ message, extensions: { code, details: { message } } }]);
    }
    const body = { errors: [{ message, extensions: { code, statusCode, path: '$' } }] };
    return ctx.reply(options.v2ErrorMode === 'status' ? statusCode : 200, body);
  }

  /** The account behind `Authorization: Bearer <uuid>`, or the hook's refusal. @param {any} ctx */
  function authenticate(ctx) {
    const header = ctx.key ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match) {
      ctx.reply(401, REST_UNAUTHORIZED);
      return undefined;
    }
    const key = match[1].trim();
    if (!UUID.test(key)) {
      ctx.reply(options.malformedKeyStatus, options.malformedKeyStatus === 401 ? REST_UNAUTHORIZED : REST_MALFORMED_KEY);
      return undefined;
    }
    const account = fake.accounts.get(key);
    if (!account) ctx.reply(401, REST_UNAUTHORIZED);
    return account ? { key, account } : undefined;
  }

  /** @param {any} ctx @param {string} key */
  function admitRate(ctx, key) {
    const verdict = ctx.rateLimit(key, 1);
    if (verdict.ok) return true;
    ctx.reply(
      429,
      { error: 'Too many requests', path: '$', code: 'rate-limited' },
      options.sendRetryAfter ? { 'Retry-After': verdict.retryAfterSeconds } : {},
    );
    return false;
  }

  const fake = await startServer({
    authHeader: 'authorization',
    exposedHeaders: ['Retry-After'],
    options,
    newAccount: () => ({
      userId: randomUUID(),
      username: 'cutwise-fake',
      mode: 'DOLLARS',
      balanceUsd: 0,
      apiPaidTokens: 0,
      apiSubscriptionTokens: 0,
      apiConcurrencySlots: 10,
    }),
    notFound: (ctx) => ctx.reply(404, { error: 'no such endpoint', path: '$', code: 'not-found' }),
    routes: [
      {
        method: 'POST',
        path: '/api/rest/v2/generationssync',
        handle(ctx) {
          if (ctx.body.length > options.maxRequestBytes) return ctx.reply(413, { message: 'Request Too Large' });
          const auth = authenticate(ctx);
          if (!auth) return;
          if (!admitRate(ctx, auth.key)) return;
          const { account } = auth;
          const body = ctx.json;
          if (!body || typeof body !== 'object' || Array.isArray(body)) return v2Error(ctx, 'invalid JSON body');
          calls.push(redact(body));
          if (body.model !== 'remove-bg') return v2Error(ctx, `unexpected value for model: ${String(body.model)}`);
          const parameters = body.parameters;
          if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters)) return v2Error(ctx, 'parameters is required');
          for (const name of Object.keys(parameters)) if (!PARAMETERS.has(name)) return v2Error(ctx, `Unknown key "${name}" in parameters`);
          for (const [name, values] of Object.entries(ENUMS)) {
            if (parameters[name] !== undefined && !values.includes(parameters[name]))
              return v2Error(ctx, `invalid value for ${name}: ${String(parameters[name])}`);
          }
          const opacity = parameters.shadow_opacity;
          if (opacity !== undefined && !(Number.isInteger(opacity) && opacity >= 0 && opacity <= 100))
            return v2Error(ctx, 'shadow_opacity must be an integer from 0 to 100');
          if (parameters.quantity !== undefined && parameters.quantity !== 1) return v2Error(ctx, 'quantity must be 1');
          for (const value of [parameters.crop, parameters.semitransparency, body.ephemeral, body.base64, body.public]) {
            if (value !== undefined && typeof value !== 'boolean')
              return v2Error(ctx, `expected a boolean for type 'Boolean', but found a ${typeof value}`, 400, 'validation-failed');
          }
          const references = parameters.guidances?.image_reference;
          if (!Array.isArray(references) || references.length !== 1 || typeof references[0]?.image !== 'object') {
            return v2Error(ctx, 'guidances.image_reference must hold exactly one image');
          }
          const image = references[0].image;
          if (!['UPLOADED', 'GENERATED', 'VARIATION', 'URL', 'BASE64'].includes(image.type))
            return v2Error(ctx, `invalid image type: ${String(image.type)}`);
          const sources = ['id', 'url', 'data'].filter((field) => image[field] !== undefined);
          const expected = image.type === 'BASE64' ? 'data' : image.type === 'URL' ? 'url' : 'id';
          if (sources.length !== 1 || sources[0] !== expected)
            return v2Error(ctx, `image of type ${image.type} needs exactly its ${expected}`);
          if (image.type !== 'BASE64') return v2Error(ctx, 'this fake server takes BASE64 images only');
          if (typeof image.data !== 'string' || image.data.startsWith('data:'))
            return v2Error(ctx, 'image data must be raw base64, without a data: prefix');
          const bytes = Buffer.from(image.data, 'base64');
          if (bytes.length === 0 || bytes.length > 25_000_000) return v2Error(ctx, 'image data is empty or over 25MB');
          const kind = sniffImage(bytes);
          if (!kind || !['png', 'jpeg', 'webp'].includes(kind)) return v2Error(ctx, `unsupported image format: ${kind ?? 'unknown'}`);
          const background = parameters.guidances.background_image_reference;
          if (background !== undefined && (!Array.isArray(background) || background.length !== 1))
            return v2Error(ctx, 'background_image_reference must hold exactly one image');

          // The balance gate: nothing is taken from an account that cannot pay.
          const price = account.mode === 'CREDITS' ? options.priceCredits : options.priceUsd;
          const left = account.mode === 'CREDITS' ? account.apiSubscriptionTokens + account.apiPaidTokens : account.balanceUsd;
          if (left < price) {
            const message = `not enough api tokens userId: ${account.userId}`;
            if (options.balanceErrorMode === 'rest-400') return ctx.reply(400, { error: message, path: '$', code: 'unexpected' });
            return v2Error(ctx, message);
          }
          const failure = ctx.takeFailure();
          if (failure) return ctx.reply(failure, { error: 'Service Error', path: '$', code: 'unexpected' });

          const input = kind === 'png' ? decodePng(bytes) : undefined;
          if (!input) return v2Error(ctx, 'this fake server renders PNG inputs only');
          const format = parameters.format ?? 'png';
          if (format !== 'png') return v2Error(ctx, 'this fake server renders PNG only');
          const size = parameters.size ?? 'full';
          let result = limitPixels(cutout(input), Math.min(SIZE_PIXELS[/** @type {keyof typeof SIZE_PIXELS} */ (size)], PNG_PIXELS));
          if (parameters.channels === 'alpha') result = matte(result);
          const png = encodePng(result, { matte: parameters.channels === 'alpha' });

          if (options.blockNext > 0) {
            options.blockNext--;
            return ctx.success(Buffer.from(JSON.stringify(wrap({ id: randomUUID(), blockedCount: 1, results: [] }))), {
              'content-type': 'application/json; charset=utf-8',
            });
          }
          const inline = body.base64 === true && !options.ignoreBase64;
          if (inline && Math.ceil(png.length / 3) * 4 > options.maxInlineResultBytes) return v2Error(ctx, 'response payload too large');

          // Billed: the work is done. (A hang or a cut connection from here on is still billed.)
          if (account.mode === 'CREDITS') {
            const fromSubscription = Math.min(account.apiSubscriptionTokens, price);
            account.apiSubscriptionTokens -= fromSubscription;
            account.apiPaidTokens -= price - fromSubscription;
          } else {
            account.balanceUsd = tidy(account.balanceUsd - price);
          }
          if (hangs > 0) {
            hangs--;
            return; // never answers; the client times out
          }
          /** @type {Record<string, any>} */
          const entry = { contentType: 'image/png', width: result.width, height: result.height };
          if (inline) entry.dataB64 = png.toString('base64');
          else entry.url = storeResult(png, 'image/png');
          const answer = { id: randomUUID(), blockedCount: 0, results: [entry] };
          if (!options.omitCost) {
            answer.cost =
              account.mode === 'CREDITS' ? { amount: String(price), unit: 'CREDITS' } : { amount: String(price), unit: 'DOLLARS' };
          }
          ctx.success(Buffer.from(JSON.stringify(wrap(answer))), { 'content-type': 'application/json; charset=utf-8' });
        },
      },
      {
        method: 'GET',
        path: '/api/rest/v1/me',
        handle(ctx) {
          const auth = authenticate(ctx);
          if (!auth) return;
          if (!admitRate(ctx, auth.key)) return;
          const { account } = auth;
          const tokens = tokensOf(account);
          ctx.reply(200, {
            user_details: [
              {
                user: { id: account.userId, username: account.username },
                tokenRenewalDate: null,
                paidTokens: 0,
                subscriptionTokens: 0,
                subscriptionGptTokens: 0,
                subscriptionModelTokens: 0,
                apiConcurrencySlots: account.apiConcurrencySlots,
                apiPaidTokens: tokens.paid,
                apiSubscriptionTokens: tokens.subscription,
                apiPlanTokenRenewalDate: null,
              },
            ],
          });
        },
      },
      {
        method: 'GET',
        prefix: '/fake-s3/results/',
        handle(ctx) {
          // A presigned link: no key, the query exactly as issued, within its lifetime.
          if (ctx.req.headers.authorization)
            return ctx.reply(400, '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
          const token = ctx.url.pathname.slice('/fake-s3/results/'.length).replace(/\.png$/, '');
          const stored = results.get(token);
          const signature = ctx.url.searchParams.get('X-Amz-Signature');
          if (!stored || signature !== sign(token)) return ctx.reply(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>');
          if (ctx.now() > stored.expiresAt)
            return ctx.reply(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
          ctx.success(stored.bytes, { 'content-type': stored.contentType });
        },
      },
    ],
  });

  /** @param {Buffer} bytes @param {string} contentType */
  function storeResult(bytes, contentType) {
    const token = randomUUID();
    results.set(token, { bytes, contentType, expiresAt: fake.now() + options.resultLifetimeMs });
    return `${fake.url}/fake-s3/results/${token}.png?X-Amz-Expires=${Math.round(options.resultLifetimeMs / 1000)}&X-Amz-Signature=${sign(token)}`;
  }

  /** @param {string} token */
  function sign(token) {
    return createHmac('sha256', secret).update(token).digest('hex').slice(0, 32);
  }

  /** @param {Record<string, any>} answer */
  function wrap(answer) {
    return options.envelope === 'generateSync' ? { generateSync: answer } : answer;
  }

  /** /me's integers: in DOLLARS mode the dollar balance scaled by tokensPerUsd (the unverified reading). @param {any} account */
  function tokensOf(account) {
    if (account.mode === 'CREDITS') return { paid: account.apiPaidTokens, subscription: account.apiSubscriptionTokens };
    return { paid: Math.round(account.balanceUsd * options.tokensPerUsd), subscription: 0 };
  }

  return {
    ...fake,
    calls,
    /** A pay-as-you-go account holding `usd` dollars. @param {string} key @param {number} usd */
    setBalanceUsd(key, usd) {
      Object.assign(fake.account(key), { mode: 'DOLLARS', balanceUsd: usd });
    },
    /** A legacy account counting API credits. @param {string} key @param {{ paid?: number, subscription?: number }} credits */
    setCredits(key, credits) {
      Object.assign(fake.account(key), {
        mode: 'CREDITS',
        apiPaidTokens: credits.paid ?? 0,
        apiSubscriptionTokens: credits.subscription ?? 0,
      });
    },
    /** The balance as /me reports it (API credits). @param {string} key */
    balance(key) {
      const account = fake.accounts.get(key);
      if (!account) return undefined;
      const tokens = tokensOf(account);
      return tokens.paid + tokens.subscription;
    },
    /** The dollars left on a pay-as-you-go account. @param {string} key */
    balanceUsd(key) {
      return fake.accounts.get(key)?.balanceUsd;
    },
    /** The next `times` billed calls never answer. @param {number} [times] */
    hangNext(times = 1) {
      hangs += times;
    },
  };
}

/** The body as logged: the image's base64 replaced by its length, so logs stay small and never hold images. @param {any} body */
function redact(body) {
  const copy = JSON.parse(JSON.stringify(body));
  const image = copy?.parameters?.guidances?.image_reference?.[0]?.image;
  if (image && typeof image.data === 'string') image.data = `<${image.data.length} base64 characters>`;
  return copy;
}
