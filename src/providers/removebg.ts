/**
 * remove.bg: `POST /v1.0/removebg` and `GET /v1.0/account`.
 * The service announced its move to Leonardo.Ai for 1 December 2026; whether api.remove.bg keeps
 * answering after that is unknown, so a missing answer says so.
 */
import { ProviderError } from './errors.ts';
import {
  assertUsableKey,
  call,
  checkInput,
  formBoolean,
  joinUrl,
  jsonNumber,
  jsonRecord,
  parseNumberHeader,
  pickHeaders,
  readJson,
} from './http.ts';
import type { CallContext } from './http.ts';
import type { AccountBalance, InputLimits, OperationSpec, ProcessResult, ProviderAdapter, RateLimitSpec, TransportOptions } from './types.ts';

export const REMOVEBG_BASE = 'https://api.remove.bg';

export const REMOVEBG_SHUTDOWN_NOTICE =
  'remove.bg announced that its service moves to Leonardo.Ai on 1 December 2026; if that has happened, this API may no longer answer.';

export type RemoveBgSize = 'preview' | 'full' | '50MP' | 'auto' | 'medium' | 'hd';

export interface RemoveBgRequest {
  op: 'removebg';
  image: Blob;
  fileName?: string;
  /** Required here although the API defaults to `preview`: the size decides the price. */
  size: RemoveBgSize;
  type?: 'auto' | 'person' | 'product' | 'car' | 'animal' | 'graphic' | 'transportation';
  format?: 'auto' | 'png' | 'jpg' | 'webp' | 'zip';
  /** Hex (with or without `#`) or a colour name. */
  bgColor?: string;
  crop?: boolean;
  channels?: 'rgba' | 'alpha';
}

export interface RemoveBgOptions extends TransportOptions {
  base?: string;
}

const SIZE_COSTS: Readonly<Record<RemoveBgSize, number>> = {
  preview: 0.25,
  full: 1,
  '50MP': 1,
  medium: 1,
  hd: 1,
  // The API picks the size from the image and the balance; 1 is the most it can cost.
  auto: 1,
};

const OPERATIONS: readonly OperationSpec[] = [
  {
    op: 'removebg',
    label: 'Remove background',
    noun: 'a cutout',
    sizeNouns: {
      preview: 'a preview cutout (up to 0.25 MP)',
      full: 'a full-resolution cutout',
      '50MP': 'a 50 MP cutout',
      medium: 'a medium cutout (1.5 MP)',
      hd: 'an HD cutout (4 MP)',
      auto: 'a cutout at the best size',
    },
    unit: 'credit',
    cost: { bySize: SIZE_COSTS, chargedOn: 'success' },
  },
];

const RATE_LIMIT: RateLimitSpec = { limit: 500, windowSeconds: 60, unit: 'megapixel-images' };

const INPUT_LIMITS: InputLimits = {
  maxBytes: 22_000_000,
  maxMegapixels: 50,
  acceptedTypes: ['image/jpeg', 'image/png', 'image/webp'],
};

const META_HEADERS = [
  'X-Credits-Charged',
  'X-Width',
  'X-Height',
  'X-Type',
  'X-Foreground-Top',
  'X-Foreground-Left',
  'X-Foreground-Width',
  'X-Foreground-Height',
  'X-Max-Width',
  'X-Max-Height',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
] as const;

export class RemoveBgAdapter implements ProviderAdapter<RemoveBgRequest> {
  readonly id = 'removebg' as const;
  readonly displayName = 'remove.bg';
  readonly operations = OPERATIONS;
  /** Subscription and pay-as-you-go credits cost the same per call. */
  readonly plans = [] as const;
  readonly rateLimit = RATE_LIMIT;
  readonly inputLimits = INPUT_LIMITS;
  private readonly base: string;
  private readonly context: CallContext;

  constructor(options: RemoveBgOptions = {}) {
    this.base = options.base ?? REMOVEBG_BASE;
    this.context = {
      provider: 'removebg',
      options,
      fallbackRetrySeconds: 5,
      noAnswerHint: REMOVEBG_SHUTDOWN_NOTICE,
    };
  }

  estimateCost(request: RemoveBgRequest): number {
    return SIZE_COSTS[request.size];
  }

  async fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance> {
    const usableKey = assertUsableKey('removebg', key);
    const { body } = await call(
      this.context,
      joinUrl(this.base, '/v1.0/account'),
      { method: 'GET', headers: { 'X-Api-Key': usableKey, accept: 'application/json' } },
      signal,
    );
    const attributes = jsonRecord(jsonRecord(await readJson(body), 'data'), 'attributes');
    const credits = jsonRecord(attributes, 'credits');
    const total = jsonNumber(credits, 'total');
    if (total === undefined) {
      throw new ProviderError({ kind: 'unavailable', provider: 'removebg', hint: 'Its account endpoint returned no balance.' });
    }
    const balance: AccountBalance = { provider: 'removebg', unit: 'credit', available: total, source: '/v1.0/account' };
    const subscription = jsonNumber(credits, 'subscription');
    const payg = jsonNumber(credits, 'payg');
    const enterprise = jsonNumber(credits, 'enterprise');
    const freeCalls = jsonNumber(jsonRecord(attributes, 'api'), 'free_calls');
    if (subscription !== undefined) balance.subscription = subscription;
    if (payg !== undefined) balance.payg = payg;
    if (enterprise !== undefined) balance.enterprise = enterprise;
    if (freeCalls !== undefined) balance.freeCalls = freeCalls;
    return balance;
  }

  async process(request: RemoveBgRequest, key: string, signal?: AbortSignal): Promise<ProcessResult> {
    const usableKey = assertUsableKey('removebg', key);
    checkInput('removebg', request.image, INPUT_LIMITS);
    const form = new FormData();
    form.append('image_file', request.image, request.fileName ?? 'image');
    form.append('size', request.size);
    if (request.type) form.append('type', request.type);
    if (request.format) form.append('format', request.format);
    // Documented examples carry no `#`.
    if (request.bgColor) form.append('bg_color', request.bgColor.replace(/^#/, ''));
    if (request.crop !== undefined) form.append('crop', formBoolean(request.crop));
    if (request.channels) form.append('channels', request.channels);

    const { response, body } = await call(
      this.context,
      joinUrl(this.base, '/v1.0/removebg'),
      { method: 'POST', headers: { 'X-Api-Key': usableKey }, body: form },
      signal,
    );
    const meta = pickHeaders(response.headers, META_HEADERS);
    const result: ProcessResult = {
      image: body,
      output: request.channels === 'alpha' ? 'matte' : 'cutout',
      watermarked: false,
      meta,
    };
    // Readable only when the host lists it in Access-Control-Expose-Headers; otherwise the caller estimates.
    const charged = parseNumberHeader(meta['x-credits-charged']);
    if (charged !== undefined) result.charged = charged;
    return result;
  }
}
