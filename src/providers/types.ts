/**
 * The contract every paid background-removal provider implements, and the declarative description
 * each one gives of itself (`<id>/meta.ts`). Types only. The researched contracts and their
 * certainty are in the project's research notes (providers.md, research/provider-audit.md,
 * research/leonardo-api.md); each meta.ts cites what it relies on.
 */
import type { ProviderId } from './catalog.ts';

export type { ProviderId };

/**
 * PhotoRoom counts "images", remove.bg and withoutBG count "credits", Leonardo.Ai's account endpoint
 * reports "API credits" (its tokens) while it prices calls in US dollars.
 */
export type BalanceUnit = 'image' | 'credit' | 'token';

export interface OperationCost {
  /** Cost of one successful call, by plan name (PhotoRoom's price depends on the subscription). */
  byPlan?: Readonly<Record<string, number>>;
  /** Cost of one successful call, by requested output size (remove.bg). */
  bySize?: Readonly<Record<string, number>>;
  /** Cost when neither plan nor size changes the price. */
  flat?: number;
  /**
   * The published price of one call in US dollars, where the provider bills in money and its
   * account endpoint does not report money (Leonardo.Ai): the balance-unit cost of such a call is
   * known only from the provider's answer or the next balance check.
   */
  usd?: number;
  /** Errors never cost anything at any provider. */
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
  /** Seconds to wait after a 429 whose Retry-After the page cannot read (or that sends none). */
  fallbackRetrySeconds: number;
  /** The least a 429 makes us wait, whatever Retry-After says (withoutBG: "at least 60 seconds"). */
  minimumRetrySeconds?: number;
}

export interface InputLimits {
  maxBytes: number;
  /** Undefined where the provider scales large inputs down itself. */
  maxMegapixels?: number;
  acceptedTypes: readonly string[];
}

/** What a person can ask a provider for, independent of provider. */
export type Intent = 'cutout' | 'cutout-preview' | 'matte' | 'ai-edit';

export interface IntentRequest {
  op: string;
  size?: string;
  channels?: 'alpha';
}

/** One configurable base URL of a provider: a CORS relay, a company gateway, the local fakes in tests. */
export interface EndpointSpec {
  /** The adapter option that takes it. */
  field: string;
  label: string;
  defaultUrl: string;
}

/** How the provider's account endpoint reads, so the views and alerts need no provider branches. */
export interface BalanceSpec {
  unit: BalanceUnit;
  /**
   * What the reported `subscription` figure means: PhotoRoom's is the allowance at the start of the
   * cycle (used = allowance − available); remove.bg's is the subscription credits *left*, one part of
   * the total (the allowance is the largest figure seen this cycle).
   */
  subscription?: 'allowance' | 'part-of-total';
  /** Further parts of the total the account endpoint reports (remove.bg). */
  parts?: ReadonlyArray<'payg' | 'enterprise'>;
  /** remove.bg reports free calls per month (preview size only, shown as "free previews"), which are not priced here. */
  freeCalls?: boolean;
  /** withoutBG: the credits freeze at a reported instant (UTC). */
  expires?: boolean;
  /** Said under the balance where the figure's unit needs explaining (Leonardo.Ai). */
  note?: string;
  /** Seconds the account endpoint may take to show a call (remove.bg: "may be delayed by several seconds"). */
  settleDelaySeconds?: number;
}

export interface RetirementSpec {
  /** ISO 8601 instant (UTC) from which the provider no longer serves self-serve API keys. */
  at: string;
  /** The id of the provider the retiring one sends its users to (a catalog id; checked by a unit test). */
  successor: string;
  /** The announcement in one sentence, as the provider made it. */
  announcement: string;
}

/**
 * Everything the app needs to know about a provider besides how to talk HTTP to it: the registry
 * (catalog.ts) derives the CSP origins, endpoint settings, offers, plan labels, balance views,
 * alerts and routing from these descriptions. Pure data.
 */
export interface ProviderMeta {
  id: string;
  displayName: string;
  /** The request header that carries the key, as the provider documents it. */
  authHeader: string;
  /** Where a person gets a key, for the Keys panel. */
  keySource: string;
  /**
   * The provider's own page where a person tops up the balance or sees its prices, offered when a paid
   * call is blocked for want of balance. Only the provider's own domain.
   */
  topUpUrl: string;
  /** A key of another shape is refused before anything is sent (Leonardo.Ai keys are UUIDs). */
  keyPattern?: { regex: RegExp; description: string };
  endpoints: readonly EndpointSpec[];
  /** Origins results may be downloaded from besides the endpoints (Leonardo.Ai's CDN). */
  resultOrigins?: readonly string[];
  operations: readonly OperationSpec[];
  /** Plans that change prices; empty where every account pays the same. */
  plans: readonly PlanSpec[];
  rateLimit: RateLimitSpec;
  inputLimits: InputLimits;
  balance: BalanceSpec;
  /**
   * How this provider does what a person asks for, as the operation (and size, where it decides the
   * price) of its own requests: `cutout` is the provider's own full-resolution cutout ("PhotoRoom's cutout").
   */
  intents: { readonly cutout: IntentRequest } & Readonly<Partial<Record<Exclude<Intent, 'cutout'>, IntentRequest>>>;
  /** PhotoRoom's `sandbox_` keys: free, watermarked results. */
  sandbox?: { keyPrefix: string };
  /**
   * Whether the provider is known to answer web pages (CORS): 'refuses' where its own docs say to
   * call it from a server only (withoutBG), so the app says up front that a relay may be needed.
   */
  browserAccess: 'allowed' | 'unknown' | 'refuses';
  /** A provider that closes its self-serve API on a date (remove.bg). */
  retirement?: RetirementSpec;
}

export interface AccountBalance {
  provider: ProviderId;
  unit: BalanceUnit;
  /** What can be spent now. */
  available: number;
  /** The subscription figure the provider reports (see BalanceSpec.subscription for its meaning). */
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

/** What the provider says a call cost, in its own terms (Leonardo.Ai: `{ amount: "0.1047", unit: "DOLLARS" }`). */
export interface ReportedCost {
  amount: number;
  /** The provider's unit word as sent ("DOLLARS", "CREDITS"). */
  unit: string;
}

export interface ProcessResult {
  image: Blob;
  /** 'matte' when the provider returned a greyscale alpha channel instead of a cutout. */
  output: 'cutout' | 'matte';
  /** What the call took from the balance, in the balance's unit, when the provider says so readably. */
  charged?: number;
  /** The provider's own statement of the cost when it is not in the balance's unit (dollars). */
  reportedCost?: ReportedCost;
  /** PhotoRoom sandbox keys return watermarked results at no cost. */
  watermarked: boolean;
  /** Provider response headers or fields worth keeping, lower-case names; only those that were readable. */
  meta: Readonly<Record<string, string>>;
}

/**
 * What every adapter is, whatever requests it takes: its description and its balance. Code that only
 * prices calls and checks balances (the credits coordinator) holds adapters as this.
 */
export interface ProviderBase {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly meta: ProviderMeta;
  readonly operations: readonly OperationSpec[];
  readonly plans: readonly PlanSpec[];
  readonly rateLimit: RateLimitSpec;
  readonly inputLimits: InputLimits;
  fetchAccount(key: string, signal?: AbortSignal): Promise<AccountBalance>;
}

export interface ProviderAdapter<Request extends { op: string; image: Blob }> extends ProviderBase {
  /** The documented cost of this request; undefined when it depends on a plan not given. */
  estimateCost(request: Request, plan?: string): number | undefined;
  /** The request for a full-resolution transparent cutout of this image (`meta.hd` prices it). */
  hdRequest(image: Blob): Request;
  process(request: Request, key: string, signal?: AbortSignal): Promise<ProcessResult>;
}

/** Settings every adapter shares; base URLs are per adapter. */
export interface TransportOptions {
  /** Gives up on a call that has not finished after this long. */
  timeoutMs?: number;
  /** Injected so tests and non-browser hosts can say whether the device is online. */
  isOnline?: () => boolean;
}
