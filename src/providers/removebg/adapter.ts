/**
 * remove.bg: `POST /v1.0/removebg` and `GET /v1.0/account`.
 * The service announced its move to Leonardo.Ai for 1 December 2026 (meta.ts `retirement`); what
 * api.remove.bg answers after that is unknown, so a host that says "gone" (404/410) counts as retired
 * (http.ts) and a missing answer mentions the announcement (errors.ts).
 */
import { ProviderError } from '../errors.ts';
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
  uploadName,
} from '../http.ts';
import type { CallContext } from '../http.ts';
import { declaredCost } from '../pricing.ts';
import type {
  AccountBalance,
  InputLimits,
  OperationSpec,
  PlanSpec,
  ProcessResult,
  ProviderAdapter,
  ProviderMeta,
  RateLimitSpec,
  TransportOptions,
} from '../types.ts';
import { REMOVEBG_BASE, removebgMeta } from './meta.ts';

export { REMOVEBG_BASE };

export type RemoveBgSize = 'preview' | 'full' | '50MP' | 'auto' | 'medium' | 'hd';

export interface RemoveBgRequest {
  op: 'removebg';
  image: Blob;
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
  readonly meta: ProviderMeta = removebgMeta;
  readonly displayName = removebgMeta.displayName;
  readonly operations: readonly OperationSpec[] = removebgMeta.operations;
  readonly plans: readonly PlanSpec[] = removebgMeta.plans;
  readonly rateLimit: RateLimitSpec = removebgMeta.rateLimit;
  readonly inputLimits: InputLimits = removebgMeta.inputLimits;
  private readonly base: string;
  private readonly context: CallContext;

  constructor(options: RemoveBgOptions = {}) {
    this.base = options.base ?? REMOVEBG_BASE;
    this.context = { provider: 'removebg', meta: removebgMeta, options };
  }

  estimateCost(request: RemoveBgRequest): number | undefined {
    return declaredCost(removebgMeta.operations, request.op, { size: request.size });
  }

  hdRequest(image: Blob): RemoveBgRequest {
    return { op: 'removebg', image, size: 'full', format: 'png' };
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
    checkInput('removebg', request.image, removebgMeta.inputLimits);
    const form = new FormData();
    form.append('image_file', request.image, uploadName(request.image));
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
