/**
 * The credit model: one account per API key (identified by the key store's opaque keyId, never the
 * secret) and a ledger of every paid call and every balance correction. Types only.
 */
import type { BalanceUnit, ProviderId, ReportedCost } from '../../providers/types.ts';
import type { RetirementEvidence } from '../../providers/retirement.ts';

/** How the charged amount of an entry is known. */
export type LedgerSource = 'header' | 'price-table' | 'account-refresh';

/**
 * in-flight: sent, no answer yet (its cost is reserved, not debited).
 * success: answered; debited. error: refused; nothing debited.
 * pending: the connection broke after upload; may or may not have been charged, a refresh decides.
 * unpriced: answered, but what it took from the balance cannot be known from the answer (Leonardo.Ai
 *   prices in dollars and reports the balance in API credits); the next refresh settles it.
 * settled: a pending call or a balance correction, decided by an account refresh.
 */
export type LedgerOutcome = 'in-flight' | 'success' | 'error' | 'pending' | 'unpriced' | 'settled';

export interface LedgerEntry {
  id: string;
  keyId: string;
  provider: ProviderId;
  /** 'call': a paid call; 'correction': the server's figure differed from ours; 'opening': first balance seen. */
  kind: 'call' | 'correction' | 'opening';
  /** When the call started or the refresh happened (ms since epoch, UTC). */
  at: number;
  finishedAt?: number;
  /** The adapter's `op` ('segment', 'edit', 'removebg', 'cutout', 'alpha'); empty for corrections. */
  operation: string;
  /** The requested output size where it can change the price. */
  size?: string;
  plan?: string;
  unit: BalanceUnit;
  /** The price-table cost when the call started (0 for sandbox calls, and when only a money price is known). */
  expectedCost: number;
  /** The balance-unit cost was not known when the call started (a price in dollars only). */
  costUnknown?: boolean;
  /** What the provider said the call cost, in its own terms, when not in the balance's unit. */
  reportedCost?: ReportedCost;
  /**
   * What this entry took from the balance. Calls: 0 until success or settlement. Corrections: the
   * difference the provider reported, positive when it took more than counted, negative when it added.
   */
  charged: number;
  source?: LedgerSource;
  outcome: LedgerOutcome;
  /** Links the entry to the result it paid for. */
  resultId?: string;
  /** ProviderError kind, for failed calls. */
  errorKind?: string;
  status?: number;
  sandbox?: boolean;
  /** Our balance figure right after this entry took effect. */
  balanceAfter?: number;
  /** A sentence for the ledger view. */
  note?: string;
}

/** The balance exactly as the provider's account endpoint reported it. */
export interface ReportedBalance {
  unit: BalanceUnit;
  available: number;
  subscription?: number;
  plan?: string;
  payg?: number;
  enterprise?: number;
  freeCalls?: number;
  /** ISO 8601, UTC (withoutBG). */
  expiresAt?: string;
  /** The endpoint, for diagnostics. */
  source: string;
  /** When it was received. */
  at: number;
}

export type RefreshReason = 'key-added' | 'app-start' | 'after-refusal' | 'user' | 'stale' | 'ambiguous' | 'unpriced' | 'verify';

export interface RequestMark {
  at: number;
  /** 1 per request; remove.bg weighs processing calls by megapixels (at least 1). */
  weight: number;
}

export interface KeyAccount {
  keyId: string;
  provider: ProviderId;
  /** The plan that prices calls: reported by the provider when it says, else set by the user. */
  plan?: string;
  unit: BalanceUnit;
  /** Our figure: the last reported balance minus what was debited since. Undefined until first checked. */
  available?: number;
  reported?: ReportedBalance;
  lastRefreshedAt?: number;
  lastRefreshAttemptAt?: number;
  /** Every request sent with this key (processing and account) inside the provider's rate window. */
  requests: RequestMark[];
  /** A 429 said to wait until then. */
  rateLimitedUntil?: number;
  /** When that 429 arrived: the local lock is capped from there (see policy.ts). */
  rateLimitedAt?: number;
  /** When the last paid call of this key ended (a provider whose balance lags is not asked before its delay). */
  lastCallAt?: number;
  /** Ledger ids of the paid calls since the last balance check, to put a difference on the one call. */
  callsSinceRefresh?: string[];
  /** A refresh that was due but could not run yet (calls in flight, rate limit, 45 s gap). */
  refreshWanted?: RefreshReason;
  /** remove.bg: subscription credits left, reported and then lowered by local debits. */
  subscriptionLeft?: number;
  /** remove.bg reports credits left, not the allowance: the largest subscription figure seen this cycle. */
  subscriptionPeak?: number;
  /** Alert when the balance falls to this or below; undefined = no low-balance alert. */
  lowBalanceThreshold?: number;
  /** The last refresh that failed, for the usage view ("could not check: key rejected"). */
  lastRefreshError?: { kind: string; message: string; at: number };
  /** Alert ids the user dismissed. */
  dismissedAlerts: string[];
  /** The provider's host said its API is gone, or refused this key after it had worked (see providers/retirement.ts). */
  retirement?: RetirementEvidence;
}

export interface Clock {
  now(): number;
}
