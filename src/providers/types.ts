/**
 * The contract every paid background-removal provider adapter implements. Types only.
 * Contracts and their certainty are documented in the research notes (providers.md).
 */

export type ProviderId = 'photoroom' | 'removebg' | 'withoutbg';

/** PhotoRoom counts "images", remove.bg and withoutBG count "credits". */
export type BalanceUnit = 'image' | 'credit';

export interface OperationCost {
  /** Cost of one successful call, by plan name (PhotoRoom's price depends on the subscription). */
  byPlan?: Readonly<Record<string, number>>;
  /** Cost of one successful call, by requested output size (remove.bg). */
  bySize?: Readonly<Record<string, number>>;
  /** Cost when neither plan nor size changes the price. */
  flat?: number;
  /** Errors never cost anything at any of the three providers. */
  chargedOn: 'success';
}

export interface OperationSpec {
  /** Matches `op` of the request this adapter takes. */
  op: string;
  label: string;
  /** How a person names one call in a sentence: "an AI edit costs 5". */
  noun: string;
  /** A sharper noun where the requested size changes what is bought (remove.bg). */
  sizeNouns?: Readonly<Record<string, string>>;
  unit: BalanceUnit;
  cost: OperationCost;
}

/** A subscription plan whose name changes prices (PhotoRoom's Basic and Plus). */
export interface PlanSpec {
  /** As the account endpoint reports it, lower case. */
  id: string;
  label: string;
  /** The published list price of one unit on this plan, where the provider publishes one. */
  usdPerUnit?: number;
}

export interface RateLimitSpec {
  /** How many units fit in one window. */
  limit: number;
  windowSeconds: number;
  /** remove.bg weighs each call by its megapixels (below 1 MP counts as 1). */
  unit: 'requests' | 'megapixel-images';
  /** Where the documented figure is disputed, say so. */
  note?: string;
}

export interface InputLimits {
  maxBytes: number;
  /** Undefined where the provider scales large inputs down itself. */
  maxMegapixels?: number;
  acceptedTypes: readonly string[];
}

export interface AccountBalance {
  provider: ProviderId;
  unit: BalanceUnit;
  /** What can be spent now. */
  available: number;
  /** The monthly subscription allowance, where the provider reports one. */
  subscription?: number;
  /** PhotoRoom's plan name, e.g. "basic". */
  plan?: string;
  /** remove.bg's pay-as-you-go and enterprise parts of the total. */
  payg?: number;
  enterprise?: number;
  /** remove.bg's free API calls left this month. */
  freeCalls?: number;
  /** withoutBG: the moment the credits freeze (UTC). */
  expiresAt?: Date;
  /** The endpoint the figures came from, for diagnostics. */
  source: string;
}

export interface ProcessResult {
  image: Blob;
  /** 'matte' when the provider returned a greyscale alpha channel instead of a cutout. */
  output: 'cutout' | 'matte';
  /** What the provider says it charged, when it says so in a header the browser lets us read. */
  charged?: number;
  /** PhotoRoom sandbox keys return watermarked results at no cost. */
  watermarked: boolean;
  /** Provider response headers worth keeping, lower-case names; only those that were readable. */
  meta: Readonly<Record<string, string>>;
}

export interface ProviderAdapter<Request extends { op: string; image: Blob }> {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly operations: readonly OperationSpec[];
  /** Plans that change prices; empty where every account pays the same. */
  readonly plans: readonly PlanSpec[];
  readonly rateLimit: RateLimitSpec;
  readonly inputLimits: InputLimits;
  /** The documented cost of this request; undefined when it depends on a plan not given. */
  estimateCost(request: Request, plan?: string): number | undefined;
  fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance>;
  process(request: Request, key: string, signal?: AbortSignal): Promise<ProcessResult>;
}

/** Settings every adapter shares; base URLs are per adapter. */
export interface TransportOptions {
  /** Gives up on a call that has not finished after this long. */
  timeoutMs?: number;
  /** Injected so tests and non-browser hosts can say whether the device is online. */
  isOnline?: () => boolean;
}
