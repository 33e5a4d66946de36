/**
 * withoutBG cloud API: cutout and alpha matte, each as multipart or base64 JSON, and
 * `GET /available-credit`. Its docs advise against calling it from browsers; CORS is untested.
 */
import { ProviderError } from '../errors.ts';
import { declaredCost } from '../pricing.ts';
import {
  assertUsableKey,
  base64ToBlob,
  blobToBase64,
  call,
  checkInput,
  joinUrl,
  jsonNumber,
  pickHeaders,
  readJson,
  uploadName,
} from '../http.ts';
import type { CallContext } from '../http.ts';
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
import { WITHOUTBG_BASE, withoutbgMeta } from './meta.ts';

export { WITHOUTBG_BASE };

export interface WithoutBgRequest {
  /** 'cutout': RGBA image without background; 'alpha': greyscale matte. */
  op: 'cutout' | 'alpha';
  image: Blob;
  /** 'base64' sends JSON instead of multipart; the result is the same PNG. */
  transport?: 'multipart' | 'base64';
}

export interface WithoutBgOptions extends TransportOptions {
  base?: string;
}

const PATHS = {
  cutout: { multipart: '/v1.0/image-without-background', base64: '/v1.0/image-without-background-base64' },
  alpha: { multipart: '/v1.0/alpha-channel', base64: '/v1.0/alpha-channel-base64' },
} as const;

const BASE64_RESULT_FIELD = { cutout: 'img_without_background_base64', alpha: 'alpha_base64' } as const;

/** None are documented; kept in case the host sends the common ones. */
const META_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;

export class WithoutBgAdapter implements ProviderAdapter<WithoutBgRequest> {
  readonly id = 'withoutbg' as const;
  readonly meta: ProviderMeta = withoutbgMeta;
  readonly displayName = withoutbgMeta.displayName;
  readonly operations: readonly OperationSpec[] = withoutbgMeta.operations;
  readonly plans: readonly PlanSpec[] = withoutbgMeta.plans;
  readonly rateLimit: RateLimitSpec = withoutbgMeta.rateLimit;
  readonly inputLimits: InputLimits = withoutbgMeta.inputLimits;
  private readonly base: string;
  private readonly context: CallContext;

  constructor(options: WithoutBgOptions = {}) {
    this.base = options.base ?? WITHOUTBG_BASE;
    this.context = {
      provider: 'withoutbg',
      meta: withoutbgMeta,
      options,
      // withoutBG answers 403 for frozen (expired) credits; a wrong key is 401.
      classify: (status) => (status === 403 ? 'credits-expired' : undefined),
    };
  }

  estimateCost(request: WithoutBgRequest): number | undefined {
    return declaredCost(withoutbgMeta.operations, request.op, {});
  }

  hdRequest(image: Blob): WithoutBgRequest {
    return { op: 'cutout', image };
  }

  async fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance> {
    const usableKey = assertUsableKey('withoutbg', key);
    const { body } = await call(
      this.context,
      joinUrl(this.base, '/available-credit'),
      { method: 'GET', headers: { 'X-API-Key': usableKey, accept: 'application/json' } },
      signal,
    );
    const json = await readJson(body);
    const credit = jsonNumber(json, 'credit');
    if (credit === undefined) {
      throw new ProviderError({ kind: 'unavailable', provider: 'withoutbg', hint: 'Its credit endpoint returned no balance.' });
    }
    const balance: AccountBalance = { provider: 'withoutbg', unit: 'credit', available: credit, source: '/available-credit' };
    const expiration = json?.['expiration_date'];
    const expiresAt = typeof expiration === 'string' ? parseExpirationDate(expiration) : undefined;
    if (expiresAt) balance.expiresAt = expiresAt;
    return balance;
  }

  async process(request: WithoutBgRequest, key: string, signal?: AbortSignal): Promise<ProcessResult> {
    const usableKey = assertUsableKey('withoutbg', key);
    checkInput('withoutbg', request.image, withoutbgMeta.inputLimits);
    const transport = request.transport ?? 'multipart';
    const url = joinUrl(this.base, PATHS[request.op][transport]);
    const output = request.op === 'alpha' ? 'matte' : 'cutout';

    if (transport === 'multipart') {
      const form = new FormData();
      form.append('file', request.image, uploadName(request.image));
      const { response, body } = await call(this.context, url, { method: 'POST', headers: { 'X-API-Key': usableKey }, body: form }, signal);
      return { image: body, output, watermarked: false, meta: pickHeaders(response.headers, META_HEADERS) };
    }

    const { response, body } = await call(
      this.context,
      url,
      {
        method: 'POST',
        headers: { 'X-API-Key': usableKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ image_base64: await blobToBase64(request.image) }),
      },
      signal,
    );
    const encoded = (await readJson(body))?.[BASE64_RESULT_FIELD[request.op]];
    if (typeof encoded !== 'string') {
      // Success was answered (and billed), but the image is missing from the reply.
      throw new ProviderError({
        kind: 'ambiguous',
        ambiguity: 'no-image',
        provider: 'withoutbg',
        status: response.status,
        hint: 'The reply had no image in it.',
      });
    }
    let image: Blob;
    try {
      image = base64ToBlob(encoded, 'image/png');
    } catch (error) {
      throw new ProviderError({
        kind: 'ambiguous',
        ambiguity: 'no-image',
        provider: 'withoutbg',
        status: response.status,
        hint: 'The image in the reply was damaged.',
        cause: error,
      });
    }
    return { image, output, watermarked: false, meta: pickHeaders(response.headers, META_HEADERS) };
  }
}

/**
 * `YYYY-MM-DD HH:MM:SS` (docs) or `YYYY-MM-DD` (SDK fixture), both UTC; a bare date means the end
 * of that day, matching the documented example's 23:59:59.
 */
export function parseExpirationDate(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hours = '23', minutes = '59', seconds = '59'] = match;
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds));
  return Number.isNaN(time) ? undefined : new Date(time);
}
