/**
 * PhotoRoom: Remove Background API (`POST /v1/segment`, sdk host) and Image Editing API
 * (`POST /v2/edit`, image-api host), balance from `/v2/account` with `/v1/account` as fallback.
 */
import { ProviderError } from './errors.ts';
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
} from './http.ts';
import type { CallContext } from './http.ts';
import type { AccountBalance, InputLimits, OperationSpec, PlanSpec, ProcessResult, ProviderAdapter, RateLimitSpec, TransportOptions } from './types.ts';

export const PHOTOROOM_SEGMENT_BASE = 'https://sdk.photoroom.com';
export const PHOTOROOM_IMAGE_API_BASE = 'https://image-api.photoroom.com';
export const PHOTOROOM_SANDBOX_PREFIX = 'sandbox_';

export interface PhotoRoomSegmentRequest {
  op: 'segment';
  image: Blob;
  fileName?: string;
  format?: 'png' | 'jpg' | 'webp';
  channels?: 'rgba' | 'alpha';
  /** Hex (with or without `#`) or an HTML colour name; absent = transparent. */
  bgColor?: string;
  size?: 'preview' | 'medium' | 'hd' | 'full';
  crop?: boolean;
  despill?: boolean;
}

export type PhotoRoomShadowMode =
  | 'ai.soft'
  | 'ai.hard'
  | 'ai.floating'
  | 'ai.preset-soft'
  | 'ai.preset-hard'
  | 'ai.auto-with-overrides';

export interface PhotoRoomEditRequest {
  op: 'edit';
  image: Blob;
  fileName?: string;
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

const OPERATIONS: readonly OperationSpec[] = [
  { op: 'segment', label: 'Remove Background', noun: 'a background removal', unit: 'image', cost: { byPlan: { basic: 1, plus: 0.2 }, chargedOn: 'success' } },
  { op: 'edit', label: 'Image Editing', noun: 'an AI edit', unit: 'image', cost: { byPlan: { basic: 5, plus: 1 }, chargedOn: 'success' } },
];

/** List prices from photoroom.com/api/pricing (seen through a third-party summary, 2026-06). */
const PLANS: readonly PlanSpec[] = [
  { id: 'basic', label: 'Basic', usdPerUnit: 0.02 },
  { id: 'plus', label: 'Plus', usdPerUnit: 0.1 },
];

const RATE_LIMIT: RateLimitSpec = {
  limit: 500,
  windowSeconds: 60,
  unit: 'requests',
  note: 'The FAQ says 500 images per minute; a PhotoRoom moderator later said 60 per minute.',
};

const INPUT_LIMITS: InputLimits = {
  // Documented for /v2/edit; /v1/segment documents no byte limit, so the same is assumed.
  maxBytes: 30_000_000,
  maxMegapixels: 25,
  acceptedTypes: ['image/png', 'image/jpeg', 'image/webp', 'image/heic'],
};

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
  readonly displayName = 'PhotoRoom';
  readonly operations = OPERATIONS;
  readonly plans = PLANS;
  readonly rateLimit = RATE_LIMIT;
  readonly inputLimits = INPUT_LIMITS;
  private readonly segmentBase: string;
  private readonly imageApiBase: string;
  private readonly context: CallContext;

  constructor(private readonly options: PhotoRoomOptions = {}) {
    this.segmentBase = options.segmentBase ?? PHOTOROOM_SEGMENT_BASE;
    this.imageApiBase = options.imageApiBase ?? PHOTOROOM_IMAGE_API_BASE;
    this.context = {
      provider: 'photoroom',
      options,
      fallbackRetrySeconds: Math.ceil(RATE_LIMIT.windowSeconds / RATE_LIMIT.limit) * 2,
    };
  }

  estimateCost(request: PhotoRoomRequest, plan?: string): number | undefined {
    return costFor(request.op, plan);
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
    checkInput('photoroom', request.image, INPUT_LIMITS);
    const url =
      request.op === 'segment' ? joinUrl(this.segmentBase, '/v1/segment') : joinUrl(this.imageApiBase, '/v2/edit');
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
    const cost = costFor(request.op, balance.plan) ?? 1;
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
  if (plan === undefined) return undefined;
  return OPERATIONS.find((operation) => operation.op === op)?.cost.byPlan?.[plan.toLowerCase()];
}

function segmentForm(request: PhotoRoomSegmentRequest): FormData {
  const form = new FormData();
  form.append('image_file', request.image, request.fileName ?? 'image');
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
  form.append('imageFile', request.image, request.fileName ?? 'image');
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
