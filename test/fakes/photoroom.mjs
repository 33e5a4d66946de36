// Fake PhotoRoom: both hosts on one server (sdk.photoroom.com's /v1/segment and
// image-api.photoroom.com's /v2/edit, /v1/account, /v2/account), sharing one balance per key as
// the real account does. Bodies follow the OpenAPI file; where it documents none (403, 429) the
// fake sends the plain status text.
import { startServer, tidy } from './core.mjs';
import {
  alphaBox,
  crop,
  cutout,
  decodePng,
  encodePng,
  flatten,
  limitPixels,
  matte,
  parseColour,
  place,
  resize,
  sniffImage,
  softShare,
  watermark,
} from './raster.mjs';

export const PHOTOROOM_COSTS = { segment: { basic: 1, plus: 0.2 }, edit: { basic: 5, plus: 1 } };
const SEGMENT_SIZES = { preview: 250_000, medium: 1_500_000, hd: 4_000_000, full: 36_000_000 };
const EXHAUSTED = 'API credits exhausted. Visit https://app.photoroom.com/api-dashboard to purchase more API credits';
const SANDBOX_PREFIX = 'sandbox_';

const EDIT_FIELDS = new Set([
  'imageFile',
  'removeBackground',
  'background.color',
  'background.prompt',
  'background.seed',
  'background.negativePrompt',
  'shadow.mode',
  'lighting.mode',
  'padding',
  'margin',
  'outputSize',
  'referenceBox',
  'export.format',
]);
const SHADOW_MODES = ['ai.soft', 'ai.hard', 'ai.floating', 'ai.preset-soft', 'ai.preset-hard', 'ai.auto-with-overrides'];
const LIGHTING_MODES = ['ai.auto', 'ai.preserve-hue-and-saturation', 'ai.optimize-portrait'];

/** @param {Record<string, any>} [overrides] */
export async function startPhotoRoom(overrides = {}) {
  const options = {
    allowOrigin: true,
    exposeHeaders: true,
    // The FAQ's figure; a moderator said 60/min. Tests lower it.
    rateLimit: { limit: 500, windowMs: 60_000 },
    // Not documented for PhotoRoom; off by default so adapters cope without it.
    sendRetryAfter: false,
    /** '402' (documented) or 'unauthorized' (the troubleshooting page: "Unauthorized" at zero balance). */
    zeroBalanceAnswer: '402',
    /** false: /v2/account answers 404, as on a deployment without it. */
    accountV2: true,
    /**
     * 'refused': the account endpoints answer sandbox keys 403 (a third-party SDK warns they "may not be
     * available with sandbox keys"); 'shared': they report the real key's account. Undocumented either way.
     */
    sandboxAccount: 'shared',
    ...overrides,
  };

  /** @param {any} ctx @returns {{ account: any, sandbox: boolean, realKey: string } | undefined} */
  function authenticate(ctx) {
    const key = ctx.key;
    const sandbox = typeof key === 'string' && key.startsWith(SANDBOX_PREFIX);
    const realKey = sandbox ? key.slice(SANDBOX_PREFIX.length) : key;
    const account = realKey === undefined ? undefined : ctx.account(realKey);
    if (!account) {
      ctx.reply(403, 'Forbidden');
      return undefined;
    }
    return { account, sandbox, realKey };
  }

  /** @param {any} ctx @param {string} realKey @param {(status: number, message: string) => unknown} body */
  function limited(ctx, realKey, body) {
    const verdict = ctx.rateLimit(realKey, 1);
    if (verdict.ok) return false;
    ctx.reply(429, body(429, 'Too Many Requests'), options.sendRetryAfter ? { 'retry-after': verdict.retryAfterSeconds } : {});
    return true;
  }

  /** @param {any} ctx @param {any} account @param {number} cost @param {unknown} paymentBody */
  function short(ctx, account, cost, paymentBody) {
    if (account.balance >= cost) return false;
    if (options.zeroBalanceAnswer === 'unauthorized') ctx.reply(401, 'Unauthorized');
    else ctx.reply(402, paymentBody);
    return true;
  }

  /** @param {any} ctx @param {(message: string) => unknown} badRequest @returns {import('./raster.mjs').Raster | undefined} */
  function readImage(ctx, file, badRequest) {
    const kind = sniffImage(file.data);
    const raster = kind === 'png' ? decodePng(file.data) : undefined;
    if (!raster) {
      ctx.reply(
        400,
        badRequest(kind ? `Could not decode the ${kind} image (this fake decodes PNG only).` : 'The file is not a supported image.'),
      );
      return undefined;
    }
    return raster;
  }

  const segmentError = (/** @type {number} */ status, /** @type {string} */ detail, type = 'invalid_parameter') => ({
    detail,
    status_code: status,
    type,
  });
  const editError = (/** @type {string} */ message) => ({ error: { message } });

  const fake = await startServer({
    authHeader: 'x-api-key',
    exposedHeaders: [
      'x-uncertainty-score',
      'pr-ai-background-seed',
      'pr-texts-detected',
      'pr-unsupported-attributes',
      'pr-edit-further-url',
      'retry-after',
    ],
    options,
    newAccount: () => ({ balance: 0, subscription: 0, plan: 'basic' }),
    notFound: (ctx) => ctx.reply(404, { detail: 'Not Found' }),
    routes: [
      {
        method: 'POST',
        path: '/v1/segment',
        handle(ctx) {
          const auth = authenticate(ctx);
          if (!auth) return;
          if (limited(ctx, auth.realKey, (status, text) => segmentError(status, text, 'rate_limited'))) return;
          const fields = ctx.form?.fields ?? {};
          const file = ctx.form?.files['image_file'];
          if (!file) return ctx.reply(400, segmentError(400, 'Please provide an image.', 'missing_image'));
          const format = fields.format ?? 'png';
          const channels = fields.channels ?? 'rgba';
          const size = fields.size ?? 'full';
          for (const [name, value, allowed] of /** @type {const} */ ([
            ['format', format, ['png', 'jpg', 'webp']],
            ['channels', channels, ['rgba', 'alpha']],
            ['size', size, Object.keys(SEGMENT_SIZES)],
            ['crop', fields.crop ?? 'false', ['true', 'false']],
            ['despill', fields.despill ?? 'false', ['true', 'false']],
          ])) {
            if (!allowed.includes(value)) return ctx.reply(400, segmentError(400, `${name} must be one of ${allowed.join(', ')}`));
          }
          if (format !== 'png') return ctx.reply(400, segmentError(400, 'This fake server renders PNG only.', 'fake_png_only'));
          const colour = fields.bg_color === undefined ? undefined : parseColour(fields.bg_color, { allowHash: true, requireHash: true });
          if (fields.bg_color !== undefined && !colour) return ctx.reply(400, segmentError(400, `Invalid bg_color: ${fields.bg_color}`));
          const input = readImage(ctx, file, (message) => segmentError(400, message, 'invalid_image'));
          if (!input) return;
          const cost = PHOTOROOM_COSTS.segment[/** @type {'basic' | 'plus'} */ (auth.account.plan)] ?? 1;
          if (!auth.sandbox && short(ctx, auth.account, cost, segmentError(402, EXHAUSTED, 'unknown_error'))) return;
          const failure = ctx.takeFailure();
          if (failure) return ctx.reply(failure, segmentError(failure, 'Internal Server Error', 'unknown_error'));

          let result = cutout(input);
          const uncertainty = softShare(result);
          if (fields.crop === 'true')
            result = crop(result, alphaBox(result) ?? { left: 0, top: 0, width: result.width, height: result.height });
          result = limitPixels(result, SEGMENT_SIZES[/** @type {keyof typeof SEGMENT_SIZES} */ (size)]);
          if (channels === 'alpha') result = matte(result);
          else if (colour) result = flatten(result, colour);
          if (auth.sandbox) result = watermark(result);
          const png = encodePng(result, { matte: channels === 'alpha' });

          if (!auth.sandbox) auth.account.balance = tidy(auth.account.balance - cost);
          const headers = { 'x-uncertainty-score': uncertainty.toFixed(2) };
          if (String(ctx.req.headers.accept ?? '').includes('application/json')) {
            return ctx.success(Buffer.from(JSON.stringify({ base64img: png.toString('base64') })), {
              ...headers,
              'content-type': 'application/json',
            });
          }
          ctx.success(png, { ...headers, 'content-type': 'image/png' });
        },
      },
      {
        method: 'POST',
        path: '/v2/edit',
        handle(ctx) {
          const auth = authenticate(ctx);
          if (!auth) return;
          if (limited(ctx, auth.realKey, (_status, text) => editError(text))) return;
          const fields = ctx.form?.fields ?? {};
          const file = ctx.form?.files['imageFile'];
          if (!file) return ctx.reply(400, editError('imageFile: Required'));
          const removeBackground = fields.removeBackground ?? 'true';
          if (removeBackground !== 'true' && removeBackground !== 'false')
            return ctx.reply(400, editError('removeBackground must be boolean'));
          const colourText = fields['background.color'];
          // Documented without '#'; the docs' own example has one, so both are taken.
          const colour = colourText === undefined ? undefined : parseColour(colourText, { allowHash: true });
          if (colourText !== undefined && !colour) return ctx.reply(400, editError(`background.color is invalid: ${colourText}`));
          if (fields['shadow.mode'] !== undefined && !SHADOW_MODES.includes(fields['shadow.mode']))
            return ctx.reply(400, editError('shadow.mode is invalid'));
          if (fields['lighting.mode'] !== undefined && !LIGHTING_MODES.includes(fields['lighting.mode']))
            return ctx.reply(400, editError('lighting.mode is invalid'));
          const referenceBox = fields.referenceBox ?? 'subjectBox';
          if (!['subjectBox', 'originalImage'].includes(referenceBox)) return ctx.reply(400, editError('referenceBox is invalid'));
          if (fields.referenceBox !== undefined && removeBackground === 'false')
            return ctx.reply(400, editError('referenceBox is not allowed when removeBackground is false'));
          const exportFormat = fields['export.format'] ?? 'png';
          if (!['png', 'jpeg', 'jpg', 'webp', 'avif'].includes(exportFormat)) return ctx.reply(400, editError('export.format is invalid'));
          if (exportFormat !== 'png') return ctx.reply(400, editError('This fake server renders PNG only.'));
          const outputSize = fields.outputSize ?? 'auto';
          const fixedSize = /^(\d+)x(\d+)$/.exec(outputSize);
          if (!fixedSize && !['auto', 'originalImage', 'croppedSubject'].includes(outputSize))
            return ctx.reply(400, editError('outputSize is invalid'));
          const padding = parseSpacing(fields.padding);
          const margin = parseSpacing(fields.margin);
          if (padding === undefined) return ctx.reply(400, editError('padding is invalid'));
          if (margin === undefined) return ctx.reply(400, editError('margin is invalid'));
          const seedText = fields['background.seed'];
          if (seedText !== undefined && !/^\d+$/.test(seedText)) return ctx.reply(400, editError('background.seed must be a number'));

          const input = readImage(ctx, file, editError);
          if (!input) return;
          const cost = PHOTOROOM_COSTS.edit[/** @type {'basic' | 'plus'} */ (auth.account.plan)] ?? 5;
          if (!auth.sandbox && short(ctx, auth.account, cost, { error: { detail: EXHAUSTED } })) return;
          const failure = ctx.takeFailure();
          if (failure) return ctx.reply(failure, editError('An unexpected error occurred. Please try again later or contact support.'));

          const base = removeBackground === 'true' ? cutout(input) : input;
          const subject =
            removeBackground === 'true' && referenceBox === 'subjectBox'
              ? crop(base, alphaBox(base) ?? { left: 0, top: 0, width: base.width, height: base.height })
              : base;
          const width = fixedSize ? Number(fixedSize[1]) : outputSize === 'croppedSubject' ? subject.width : input.width;
          const height = fixedSize ? Number(fixedSize[2]) : outputSize === 'croppedSubject' ? subject.height : input.height;
          const spaceX = padding.fraction * width + padding.pixels + margin.fraction * width + margin.pixels;
          const spaceY = padding.fraction * height + padding.pixels + margin.fraction * height + margin.pixels;
          const innerWidth = Math.max(1, width - 2 * spaceX);
          const innerHeight = Math.max(1, height - 2 * spaceY);
          const scale = Math.min(innerWidth / subject.width, innerHeight / subject.height);
          let result = place(
            resize(subject, Math.max(1, Math.round(subject.width * scale)), Math.max(1, Math.round(subject.height * scale))),
            width,
            height,
          );

          /** @type {Record<string, string>} */
          const headers = { 'content-type': 'image/png', 'x-uncertainty-score': softShare(result).toFixed(2) };
          const prompt = fields['background.prompt'];
          if (prompt !== undefined) {
            const seed = seedText === undefined ? Math.floor(Math.random() * 1e9) : Number(seedText);
            headers['pr-ai-background-seed'] = String(seed);
            result = flatten(result, colourFromText(`${prompt}#${seed}`));
          } else if (colour) {
            result = flatten(result, colour);
          }
          if (auth.sandbox) result = watermark(result);
          const unsupported = Object.keys(fields).filter((name) => !EDIT_FIELDS.has(name));
          if (unsupported.length) headers['pr-unsupported-attributes'] = `Unsupported attributes: ${unsupported.join(', ')}`;
          headers['pr-edit-further-url'] = `https://app.photoroom.com/create?fake-template=${fake.requests.length}`;

          if (!auth.sandbox) auth.account.balance = tidy(auth.account.balance - cost);
          ctx.success(encodePng(result), headers);
        },
      },
      ...['/v1/account', '/v2/account'].map((path) => ({
        method: 'GET',
        path,
        /** @param {any} ctx */
        handle(ctx) {
          if (path === '/v2/account' && !options.accountV2) return ctx.reply(404, { detail: 'Not Found' });
          if (ctx.key === undefined) return ctx.reply(400, editError('apiKey: Required'));
          const auth = authenticate(ctx);
          if (!auth) return;
          if (auth.sandbox && options.sandboxAccount === 'refused') return ctx.reply(403, 'Forbidden');
          const { balance, subscription, plan } = auth.account;
          ctx.reply(
            200,
            path === '/v2/account'
              ? { images: { available: balance, subscription }, plan }
              : { credits: { available: balance, subscription } },
          );
        },
      })),
    ],
  });

  return {
    ...fake,
    /** @param {string} key @param {number} images */
    setBalance(key, images) {
      const account = fake.account(key);
      account.balance = images;
      account.subscription = Math.max(account.subscription, images);
    },
    /** @param {string} key @returns {number | undefined} */
    balance: (key) => fake.accounts.get(key)?.balance,
    /** Any name the account endpoint should report; the fake charges unknown ones Basic prices. @param {string} key @param {string} plan */
    setPlan(key, plan) {
      fake.account(key).plan = plan;
    },
  };
}

/** @param {string | undefined} value @returns {{ fraction: number, pixels: number } | undefined} */
function parseSpacing(value) {
  if (value === undefined) return { fraction: 0, pixels: 0 };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent) return Number(percent[1]) <= 49 ? { fraction: Number(percent[1]) / 100, pixels: 0 } : undefined;
  const pixels = /^(\d+)px$/.exec(value);
  if (pixels) return { fraction: 0, pixels: Number(pixels[1]) };
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) && number >= 0 && number <= 0.49 ? { fraction: number, pixels: 0 } : undefined;
}

/** A stable colour per prompt and seed, standing in for a generated background. @param {string} text @returns {[number, number, number]} */
function colourFromText(text) {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return [hash & 0xff, (hash >>> 8) & 0xff, (hash >>> 16) & 0xff];
}
