/**
 * PhotoRoom: Remove Background API (`POST /v1/segment`, sdk host) and Image Editing API
 * (`POST /v2/edit`, image-api host), balance from `/v2/account` with `/v1/account` as fallback.
 */
import { ProviderError } from '../errors.ts';
import {
  assertUsableKey,
  call,
  checkInput,
  formBoolean,
  isOnline,
  joinUrl,
  jsonNumber as numberField,
  jsonRecord as record,
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
import { PHOTOROOM_IMAGE_API_BASE, PHOTOROOM_SEGMENT_BASE, photoroomMeta } from './meta.ts';

export { PHOTOROOM_IMAGE_API_BASE, PHOTOROOM_SEGMENT_BASE };
export const PHOTOROOM_SANDBOX_PREFIX = photoroomMeta.sandbox.keyPrefix;

export interface PhotoRoomSegmentRequest {
  op: 'segment';
  image: Blob;
  format?: 'png' | 'jpg' | 'webp';
  channels?: 'rgba' | 'alpha';
  /** Hex (with or without `#`) or an HTML colour name; absent = transparent. */
  bgColor?: string;
  size?: 'preview' | 'medium' | 'hd' | 'full';
  crop?: boolean;
  despill?: boolean;
}

export type PhotoRoomShadowMode = 'ai.soft' | 'ai.hard' | 'ai.floating' | 'ai.preset-soft' | 'ai.preset-hard' | 'ai.auto-with-overrides';

export interface PhotoRoomEditRequest {
  op: 'edit';
  image: Blob;
  removeBackground?: boolean;
  background?: {
    /** Hex (with or without `#`) or a colour name. */
    color?: string;
    prompt?: string;
    seed?: number;
  };
  shadowMode?: PhotoRoomShadowMode;
  lightingMode?: 'ai.auto' | 'ai.preserve-hue-and-saturation' | 'ai.optimize-portrait';
  /** 0–0.49, "30%" or "100px". */
  padding?: number | string;
  margin?: number | string;
  outputSize?: 'auto' | 'originalImage' | 'croppedSubject' | `${number}x${number}`;
  referenceBox?: 'subjectBox' | 'originalImage';
  exportFormat?: 'png' | 'jpeg' | 'jpg' | 'webp' | 'avif';
  /** Further documented parameters in dot notation (e.g. `shadow.softnessOverride`), sent as given. */
  extraFields?: Readonly<Record<string, string>>;
}

export type PhotoRoomRequest = PhotoRoomSegmentRequest | PhotoRoomEditRequest;

export interface PhotoRoomOptions extends TransportOptions {
  segmentBase?: string;
  imageApiBase?: string;
}

const META_HEADERS = [
  'x-uncertainty-score',
  'pr-ai-background-seed',
  'pr-texts-detected',
  'pr-unsupported-attributes',
  'pr-edit-further-url',
] as const;

export function isPhotoRoomSandboxKey(key: string): boolean {
  return key.trim().startsWith(PHOTOROOM_SANDBOX_PREFIX);
}

export class PhotoRoomAdapter implements ProviderAdapter<PhotoRoomRequest> {
  readonly id = 'photoroom' as const;
  readonly meta: ProviderMeta = photoroomMeta;
  readonly displayName = photoroomMeta.displayName;
  readonly operations: readonly OperationSpec[] = photoroomMeta.operations;
  readonly plans: readonly PlanSpec[] = photoroomMeta.plans;
  readonly rateLimit: RateLimitSpec = photoroomMeta.rateLimit;
  readonly inputLimits: InputLimits = photoroomMeta.inputLimits;
  private readonly segmentBase: string;
  private readonly imageApiBase: string;
  private readonly context: CallContext;

  constructor(private readonly options: PhotoRoomOptions = {}) {
    this.segmentBase = options.segmentBase ?? PHOTOROOM_SEGMENT_BASE;
    this.imageApiBase = options.imageApiBase ?? PHOTOROOM_IMAGE_API_BASE;
    this.context = { provider: 'photoroom', meta: photoroomMeta, options };
  }

  estimateCost(request: PhotoRoomRequest, plan?: string): number | undefined {
    return costFor(request.op, plan);
  }

  hdRequest(image: Blob): PhotoRoomSegmentRequest {
    return { op: 'segment', image, size: 'full', format: 'png' };
  }

  async fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance> {
    const usableKey = assertUsableKey('photoroom', key);
    const headers = { 'x-api-key': usableKey, accept: 'application/json' };
    const v2 = await this.getJson('/v2/account', headers, signal);
    if (v2 !== undefined) {
      const images = record(v2, 'images');
      const available = numberField(images, 'available');
      if (available !== undefined) {
        const balance: AccountBalance = { provider: 'photoroom', unit: 'image', available, source: '/v2/account' };
        const subscription = numberField(images, 'subscription');
        if (subscription !== undefined) balance.subscription = subscription;
        const plan = v2['plan'];
        if (typeof plan === 'string') balance.plan = plan;
        return balance;
      }
    }
    // Older accounts and older deployments only answer the legacy endpoint.
    const v1 = await this.getJson('/v1/account', headers, signal);
    const credits = v1 === undefined ? undefined : record(v1, 'credits');
    const available = numberField(credits, 'available');
    if (available === undefined) {
      throw new ProviderError({ kind: 'unavailable', provider: 'photoroom', hint: 'Its account endpoints returned no balance.' });
    }
    const balance: AccountBalance = { provider: 'photoroom', unit: 'credit', available, source: '/v1/account' };
    const subscription = numberField(credits, 'subscription');
    if (subscription !== undefined) balance.subscription = subscription;
    return balance;
  }

  async process(request: PhotoRoomRequest, key: string, signal?: AbortSignal): Promise<ProcessResult> {
    const usableKey = assertUsableKey('photoroom', key);
    checkInput('photoroom', request.image, photoroomMeta.inputLimits);
    const url = request.op === 'segment' ? joinUrl(this.segmentBase, '/v1/segment') : joinUrl(this.imageApiBase, '/v2/edit');
    const body = request.op === 'segment' ? segmentForm(request) : editForm(request);
    const sandbox = isPhotoRoomSandboxKey(usableKey);
    try {
      const { response, body: image } = await call(
        this.context,
        url,
        { method: 'POST', headers: { 'x-api-key': usableKey }, body },
        signal,
      );
      const result: ProcessResult = {
        image,
        output: request.op === 'segment' && request.channels === 'alpha' ? 'matte' : 'cutout',
        watermarked: sandbox,
        meta: pickHeaders(response.headers, META_HEADERS),
      };
      // PhotoRoom sends no charge header; sandbox calls are free by definition.
      if (sandbox) result.charged = 0;
      return result;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'key-rejected' && error.status !== undefined) {
        throw await this.explainRejection(error, request, usableKey, signal);
      }
      throw error;
    }
  }

  /**
   * PhotoRoom answers "Unauthorized" both for a wrong key and for an exhausted balance, so the
   * account endpoint decides which one it was.
   */
  private async explainRejection(
    rejection: ProviderError,
    request: PhotoRoomRequest,
    key: string,
    signal?: AbortSignal,
  ): Promise<ProviderError> {
    if (!isOnline(this.options)) return rejection;
    let balance: AccountBalance;
    try {
      balance = await this.fetchAccount(key, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return new ProviderError({
        kind: 'key-rejected',
        provider: 'photoroom',
        status: rejection.status,
        providerMessage: rejection.providerMessage,
        hint: 'PhotoRoom gives the same answer when the balance is zero, so check your balance in the PhotoRoom API dashboard too.',
        cause: error,
      });
    }
    // An unknown plan name is priced by the dearer known rule, as the preflight does.
    const cost = costFor(request.op, balance.plan) ?? dearestCost(request.op);
    if (balance.available < cost) {
      return new ProviderError({
        kind: 'out-of-credits',
        provider: 'photoroom',
        status: rejection.status,
        providerMessage: rejection.providerMessage,
        hint: `${formatAmount(balance.available)} ${balance.unit === 'image' ? 'images' : 'credits'} left; this call needs ${formatAmount(cost)}.`,
        cause: rejection,
      });
    }
    return rejection;
  }

  /** The parsed JSON body; undefined when the endpoint does not exist here (404/405). */
  private async getJson(path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Record<string, unknown> | undefined> {
    try {
      const { body } = await call(this.context, joinUrl(this.imageApiBase, path), { method: 'GET', headers }, signal);
      return await readJson(body);
    } catch (error) {
      if (error instanceof ProviderError && (error.status === 404 || error.status === 405)) return undefined;
      throw error;
    }
  }
}

function costFor(op: PhotoRoomRequest['op'], plan: string | undefined): number | undefined {
  return declaredCost(photoroomMeta.operations, op, { plan });
}

function dearestCost(op: PhotoRoomRequest['op']): number {
  return Math.max(...photoroomMeta.plans.map((plan) => costFor(op, plan.id) ?? 1));
}

function segmentForm(request: PhotoRoomSegmentRequest): FormData {
  const form = new FormData();
  form.append('image_file', request.image, uploadName(request.image));
  if (request.format) form.append('format', request.format);
  if (request.channels) form.append('channels', request.channels);
  // The segment endpoint documents hex *with* `#`.
  if (request.bgColor) form.append('bg_color', isBareHex(request.bgColor) ? `#${request.bgColor}` : request.bgColor);
  if (request.size) form.append('size', request.size);
  if (request.crop !== undefined) form.append('crop', formBoolean(request.crop));
  if (request.despill !== undefined) form.append('despill', formBoolean(request.despill));
  return form;
}

function editForm(request: PhotoRoomEditRequest): FormData {
  const form = new FormData();
  form.append('imageFile', request.image, uploadName(request.image));
  if (request.removeBackground !== undefined) form.append('removeBackground', formBoolean(request.removeBackground));
  const background = request.background;
  // The edit endpoint documents hex *without* `#`.
  if (background?.color) form.append('background.color', background.color.replace(/^#/, ''));
  if (background?.prompt) form.append('background.prompt', background.prompt);
  if (background?.seed !== undefined) form.append('background.seed', String(background.seed));
  if (request.shadowMode) form.append('shadow.mode', request.shadowMode);
  if (request.lightingMode) form.append('lighting.mode', request.lightingMode);
  if (request.padding !== undefined) form.append('padding', String(request.padding));
  if (request.margin !== undefined) form.append('margin', String(request.margin));
  if (request.outputSize) form.append('outputSize', request.outputSize);
  if (request.referenceBox) form.append('referenceBox', request.referenceBox);
  if (request.exportFormat) form.append('export.format', request.exportFormat);
  for (const [name, value] of Object.entries(request.extraFields ?? {})) form.append(name, value);
  return form;
}

function isBareHex(color: string): boolean {
  return /^([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(color);
}

function formatAmount(value: number): string {
  return String(Math.round(value * 100) / 100);
}
