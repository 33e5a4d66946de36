/**
 * Leonardo.Ai's `remove-bg` model through the Sync API (`POST /api/rest/v2/generationssync`) and the
 * balance from `GET /api/rest/v1/me`. The contract and what is unverified: research/leonardo-api.md.
 *
 * What this adapter does about each unverified point (the closing note of the issue lists them):
 * - The answer may be the documented `{id, results, cost, blockedCount}` or wrapped in `generateSync`: both are read.
 * - Errors may come as HTTP 200 with `errors[]`, as a bare JSON array, as `{error, path, code}`, or with
 *   the status in `extensions.statusCode`: the body is read before the status is trusted.
 * - A malformed key is answered with a 500 from the authorization hook: that is a rejected key.
 * - Insufficient balance is a 400 (or a 200 with `errors[]`) saying "not enough api tokens": out of credits.
 * - The result comes inline (`dataB64`, asked for) or as a download link (`url`), whichever the answer carries.
 * - `cost` in DOLLARS cannot be taken from a balance reported in API credits; it is recorded as
 *   reported and the next balance check tells what the call took. `cost` in CREDITS is debited as is.
 * - The sync call has no idempotency key: a timeout, a gateway 504 or a lost answer may have been billed (ambiguous).
 */
import { ProviderError, parseErrorBody, redactKeys } from '../errors.ts';
import type { ParsedErrorBody, ProviderErrorKind } from '../errors.ts';
import {
  assertUsableKey,
  base64ToBlob,
  blobToBase64,
  call,
  checkInput,
  errorFromAnswer,
  joinUrl,
  jsonNumber,
  jsonRecord,
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
import { SNIFF_BYTES, sniffImage } from '../../shared/image/sniff.ts';
import { LEONARDO_BASE, leonardoMeta } from './meta.ts';

export { LEONARDO_BASE };

export const SYNC_PATH = '/api/rest/v2/generationssync';
export const ME_PATH = '/api/rest/v1/me';

/** PNG results are capped at 10 MP by the service; WebP keeps transparency up to 25 MP. */
const PNG_MAX_MEGAPIXELS = 10;

export interface LeonardoRemoveBgRequest {
  op: 'remove-bg';
  image: Blob;
  /** `preview` ≤ 0.25 MP, `full`/`auto` ≤ 25 MP, `50MP`. Sent explicitly: the documented default is disputed. */
  size: 'preview' | 'full' | 'auto' | '50MP';
  /** Absent: PNG, or WebP when the photo is over 10 MP (PNG is capped there). */
  format?: 'png' | 'jpg' | 'webp';
  channels?: 'rgba' | 'alpha';
  type?: 'auto' | 'person' | 'product' | 'car' | 'animal' | 'graphic' | 'transportation' | 'other';
  /** Hex (the `#` is dropped: the documented examples carry none) or a colour name. */
  bgColor?: string;
  crop?: boolean;
}

export interface LeonardoOptions extends TransportOptions {
  base?: string;
}

export class LeonardoAdapter implements ProviderAdapter<LeonardoRemoveBgRequest> {
  readonly id = 'leonardo' as const;
  readonly meta: ProviderMeta = leonardoMeta;
  readonly displayName = leonardoMeta.displayName;
  readonly operations: readonly OperationSpec[] = leonardoMeta.operations;
  readonly plans: readonly PlanSpec[] = leonardoMeta.plans;
  readonly rateLimit: RateLimitSpec = leonardoMeta.rateLimit;
  readonly inputLimits: InputLimits = leonardoMeta.inputLimits;
  private readonly base: string;
  private readonly context: CallContext;

  constructor(options: LeonardoOptions = {}) {
    this.base = options.base ?? LEONARDO_BASE;
    this.context = { provider: 'leonardo', meta: leonardoMeta, options, classify: classifyLeonardo };
  }

  /** In balance units: unknown (the price is in dollars, the balance in API credits). */
  estimateCost(request: LeonardoRemoveBgRequest): number | undefined {
    return declaredCost(leonardoMeta.operations, request.op, {});
  }

  hdRequest(image: Blob): LeonardoRemoveBgRequest {
    return { op: 'remove-bg', image, size: 'full' };
  }

  async fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance> {
    const usableKey = assertUsableKey('leonardo', key);
    const { response, body } = await call(
      this.context,
      joinUrl(this.base, ME_PATH),
      { method: 'GET', headers: { authorization: `Bearer ${usableKey}`, accept: 'application/json' } },
      signal,
    );
    const json = await this.readAnswer(response.status, body, 'unavailable', usableKey);
    const details = Array.isArray(json['user_details']) ? (json['user_details'] as unknown[])[0] : undefined;
    const user = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined;
    const paid = tokens(user, 'apiPaidTokens');
    const subscription = tokens(user, 'apiSubscriptionTokens');
    if (user === undefined || (paid === undefined && subscription === undefined)) {
      throw new ProviderError({ kind: 'unavailable', provider: 'leonardo', hint: 'Its account endpoint returned no API balance.' });
    }
    // Its docs: "Remaining Credits … will be a combination of apiPaidTokens and apiSubscriptionTokens".
    return { provider: 'leonardo', unit: 'token', available: (paid ?? 0) + (subscription ?? 0), source: ME_PATH };
  }

  async process(request: LeonardoRemoveBgRequest, key: string, signal?: AbortSignal): Promise<ProcessResult> {
    const usableKey = assertUsableKey('leonardo', key);
    checkInput('leonardo', request.image, leonardoMeta.inputLimits);
    const header = sniffImage(new Uint8Array(await request.image.slice(0, SNIFF_BYTES).arrayBuffer()));
    if (header.kind !== 'image' || !['png', 'jpeg', 'webp'].includes(header.format)) {
      throw new ProviderError({
        kind: 'bad-input',
        provider: 'leonardo',
        hint: `It takes PNG, JPEG or WebP; this file is ${header.kind === 'unknown' ? 'not one of them' : `a ${header.label}`}. Nothing was sent.`,
      });
    }
    const megapixels = header.width !== undefined && header.height !== undefined ? (header.width * header.height) / 1e6 : 0;
    const format = request.format ?? (megapixels > PNG_MAX_MEGAPIXELS ? 'webp' : 'png');

    const parameters: Record<string, unknown> = {
      size: request.size,
      type: request.type ?? 'auto',
      format,
      channels: request.channels ?? 'rgba',
      crop: request.crop ?? false,
      guidances: { image_reference: [{ image: { type: 'BASE64', data: await blobToBase64(request.image) } }] },
    };
    if (request.bgColor) parameters['bg_color'] = request.bgColor.replace(/^#/, '');
    const body = JSON.stringify({ model: 'remove-bg', public: false, ephemeral: true, base64: true, parameters });

    const { response, body: answer } = await call(
      this.context,
      joinUrl(this.base, SYNC_PATH),
      {
        method: 'POST',
        headers: { authorization: `Bearer ${usableKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body,
      },
      signal,
    );
    // From here on the service answered 2xx: it may have done (and billed) the work.
    const json = await this.readAnswer(response.status, answer, 'ambiguous', usableKey);
    const results = Array.isArray(json['results']) ? (json['results'] as unknown[]) : undefined;
    const first = results?.[0];
    if (typeof first !== 'object' || first === null) {
      const blocked = jsonNumber(json, 'blockedCount') ?? 0;
      throw new ProviderError({
        kind: 'ambiguous',
        ambiguity: 'no-image',
        provider: 'leonardo',
        status: response.status,
        hint: blocked > 0 ? 'Leonardo.Ai withheld the result (its moderation blocked it).' : 'The answer carried no result.',
      });
    }
    const result = first as Record<string, unknown>;
    const contentType = typeof result['contentType'] === 'string' ? result['contentType'] : `image/${format === 'jpg' ? 'jpeg' : format}`;
    const image = await this.resultImage(result, contentType, response.status, signal);

    const meta: Record<string, string> = { 'content-type': contentType };
    if (typeof json['id'] === 'string') meta['generation-id'] = json['id'];
    for (const name of ['width', 'height'] as const) {
      const value = jsonNumber(result, name);
      if (value !== undefined) meta[name] = String(value);
    }
    const processed: ProcessResult = { image, output: request.channels === 'alpha' ? 'matte' : 'cutout', watermarked: false, meta };
    const cost = reportedCost(json);
    if (cost) {
      // Credits are the balance's own unit; dollars are not, and are kept as the provider said them.
      if (/^credits?$/i.test(cost.unit)) processed.charged = cost.amount;
      else processed.reportedCost = cost;
    }
    return processed;
  }

  /**
   * The JSON answer of a 2xx, unwrapped from `generateSync` when it comes that way; an error envelope
   * inside it becomes the error it describes. An unreadable body is `unreadable` (ambiguous after a
   * paid call: it may have been billed).
   */
  private async readAnswer(
    status: number,
    body: Blob,
    unreadable: 'ambiguous' | 'unavailable',
    secret: string,
  ): Promise<Record<string, unknown>> {
    const unreadableAnswer = (cause?: unknown): ProviderError =>
      new ProviderError({
        kind: unreadable,
        ambiguity: 'no-image',
        provider: 'leonardo',
        status,
        hint: 'Its answer could not be read.',
        ...(cause === undefined ? {} : { cause }),
      });
    let text: string;
    let json: unknown;
    try {
      text = await body.text();
      json = JSON.parse(text);
    } catch (error) {
      throw unreadableAnswer(error);
    }
    const envelopeError = Array.isArray(json) || (isRecord(json) && Array.isArray(json['errors']) && json['errors'].length > 0);
    if (envelopeError) {
      const parsed = parseErrorBody(redactKeys(text, [secret]));
      // "Do not rely on HTTP 4xx alone": the status the envelope states wins over the 200.
      throw errorFromAnswer(this.context, parsed.status ?? 400, parsed);
    }
    if (!isRecord(json)) throw unreadableAnswer();
    const wrapped = jsonRecord(json, 'generateSync');
    return wrapped ?? json;
  }

  private async resultImage(result: Record<string, unknown>, contentType: string, status: number, signal?: AbortSignal): Promise<Blob> {
    const inline = result['dataB64'];
    if (typeof inline === 'string' && inline !== '') {
      try {
        return base64ToBlob(inline, contentType);
      } catch (error) {
        throw new ProviderError({
          kind: 'ambiguous',
          ambiguity: 'no-image',
          provider: 'leonardo',
          status,
          hint: 'The image in the answer was damaged.',
          cause: error,
        });
      }
    }
    const url = result['url'];
    if (typeof url !== 'string' || url === '') {
      throw new ProviderError({
        kind: 'ambiguous',
        ambiguity: 'no-image',
        provider: 'leonardo',
        status,
        hint: 'The answer carried no image.',
      });
    }
    // A presigned link: fetched exactly as given (its signature covers the query) and without the key.
    try {
      const download = await fetch(url, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal: signal ?? null });
      if (!download.ok) throw new Error(`HTTP ${download.status}`);
      return new Blob([await download.arrayBuffer()], { type: download.headers.get('content-type') ?? contentType });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ProviderError({
        kind: 'ambiguous',
        ambiguity: 'no-image',
        provider: 'leonardo',
        status,
        hint: 'The result was made but its download link could not be read from this page.',
        cause: error,
      });
    }
  }
}

/**
 * Leonardo.Ai's errors by what they say, before their status (research/leonardo-api.md §1d): its
 * authorization hook answers a malformed key with a 500, an empty balance is a 400 "not enough api
 * tokens", and a gateway timeout may come after the work was done.
 */
export function classifyLeonardo(status: number, parsed: ParsedErrorBody): ProviderErrorKind | undefined {
  const text = parsed.message ?? '';
  const code = parsed.code ?? '';
  if (code === 'access-denied' || /authori[sz]ation hook|authentication hook/i.test(text)) return 'key-rejected';
  if (status === 402 || /not enough api tokens|insufficient|balance|credit/i.test(text)) return 'out-of-credits';
  if (status === 429 || code === 'rate-limited' || /too many requests/i.test(text)) return 'rate-limited';
  if (status === 504) return 'ambiguous';
  if (/^(validation-failed|bad-request|bad_request)$/i.test(code) || status === 400 || status === 413 || status === 422) return 'bad-input';
  return undefined;
}

function reportedCost(json: Record<string, unknown>): { amount: number; unit: string } | undefined {
  const cost = jsonRecord(json, 'cost');
  const amount = cost?.['amount'];
  const unit = cost?.['unit'];
  const value = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : Number.NaN;
  if (!Number.isFinite(value) || value < 0 || typeof unit !== 'string') return undefined;
  return { amount: value, unit };
}

function tokens(user: Record<string, unknown> | undefined, name: string): number | undefined {
  const value = user?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
