/**
 * When a balance refresh may run, and whether a request fits the provider's rate limit. Every
 * request sent with a key (processing and account alike) is marked in a sliding window, because
 * the providers count them together (withoutBG: 7 requests per minute across all endpoints).
 */
import { providerMeta } from '../../providers/catalog.ts';
import type { RateLimitSpec } from '../../providers/types.ts';
import type { KeyAccount, LedgerEntry, RefreshReason, RequestMark } from './types.ts';

/**
 * A provider's Retry-After is obeyed locally only up to these caps: a server asking for a day must not
 * lock the app for a day (its next call may well be answered), and balance checks stay possible.
 */
export const MAX_PROCESSING_LOCK_MS = 15 * 60_000;
export const MAX_REFRESH_LOCK_MS = 60_000;

export interface RefreshPolicy {
  /** Never two account calls for one key closer than this. */
  minGapMs: number;
  /** A balance older than this is stale: refreshed on start and before a paid call when allowed. */
  staleAfterMs: number;
  /** An in-flight call older than this belongs to a tab that closed or hung; it becomes pending. */
  inFlightStaleMs: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicy = {
  minGapMs: 45_000,
  staleAfterMs: 60_000,
  // Adapters give up after 120 s; a little more so a slow but live call is never taken for dead.
  inFlightStaleMs: 180_000,
};

/** Refreshes that must not wait behind processing: nothing can be processed until they ran. */
const URGENT: ReadonlySet<RefreshReason> = new Set(['key-added', 'after-refusal']);

export function windowMs(spec: RateLimitSpec): number {
  return spec.windowSeconds * 1000;
}

/** Slots kept free for processing: a routine refresh never takes the last of them. */
export function processingReserve(spec: RateLimitSpec): number {
  return Math.max(1, Math.floor(spec.limit / 5));
}

/** The weight of one processing call: remove.bg counts megapixels, below 1 MP as 1. */
export function requestWeight(spec: RateLimitSpec, megapixels: number | undefined): number {
  if (spec.unit !== 'megapixel-images') return 1;
  return Math.max(1, megapixels ?? 1);
}

export function pruneRequests(requests: readonly RequestMark[], now: number, spec: RateLimitSpec): RequestMark[] {
  const span = windowMs(spec);
  return requests.filter((mark) => now - mark.at < span && mark.at <= now);
}

export function windowUsage(requests: readonly RequestMark[], now: number, spec: RateLimitSpec): number {
  return pruneRequests(requests, now, spec).reduce((total, mark) => total + mark.weight, 0);
}

/**
 * Milliseconds until a request of `weight` fits with `reserve` units left over; 0 when it fits now.
 * Infinity when it can never fit (heavier than the whole limit).
 */
export function waitForSlot(requests: readonly RequestMark[], now: number, spec: RateLimitSpec, weight: number, reserve = 0): number {
  const capacity = spec.limit - reserve;
  if (weight > capacity) return Number.POSITIVE_INFINITY;
  const recent = pruneRequests(requests, now, spec).sort((a, b) => a.at - b.at);
  let used = recent.reduce((total, mark) => total + mark.weight, 0);
  if (used + weight <= capacity) return 0;
  for (const mark of recent) {
    used -= mark.weight;
    if (used + weight <= capacity) return mark.at + windowMs(spec) - now;
  }
  return windowMs(spec);
}

export type RefreshDecision =
  { run: true } | { run: false; why: 'fresh' | 'too-soon' | 'rate-limit' | 'in-flight' | 'retired'; retryAt?: number };

/** Whether a refresh for `reason` may call the account endpoint now. */
export function decideRefresh(
  account: KeyAccount,
  open: readonly LedgerEntry[],
  reason: RefreshReason,
  now: number,
  spec: RateLimitSpec,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): RefreshDecision {
  if ((reason === 'app-start' || reason === 'stale') && account.lastRefreshedAt !== undefined) {
    if (now - account.lastRefreshedAt < policy.staleAfterMs) return { run: false, why: 'fresh' };
  }
  // A snapshot taken while a call is on the wire cannot tell whether it includes that call.
  const inFlight = open.filter((entry) => entry.outcome === 'in-flight' && now - entry.at < policy.inFlightStaleMs);
  if (inFlight.length > 0) {
    const oldest = Math.min(...inFlight.map((entry) => entry.at));
    return { run: false, why: 'in-flight', retryAt: oldest + policy.inFlightStaleMs };
  }
  // A figure asked for too soon after a call may not show it yet (it would settle the call as not charged).
  const settleDelay = (providerMeta(account.provider).balance.settleDelaySeconds ?? 0) * 1000;
  if (account.lastCallAt !== undefined && now - account.lastCallAt < settleDelay) {
    return { run: false, why: 'too-soon', retryAt: account.lastCallAt + settleDelay };
  }
  if (account.lastRefreshAttemptAt !== undefined && now - account.lastRefreshAttemptAt < policy.minGapMs) {
    return { run: false, why: 'too-soon', retryAt: account.lastRefreshAttemptAt + policy.minGapMs };
  }
  const serverLock = lockedUntil(account, MAX_REFRESH_LOCK_MS);
  if (serverLock !== undefined && now < serverLock) return { run: false, why: 'rate-limit', retryAt: serverLock };
  const reserve = URGENT.has(reason) ? 0 : processingReserve(spec);
  const wait = waitForSlot(account.requests, now, spec, 1, reserve);
  if (wait > 0) return { run: false, why: 'rate-limit', retryAt: now + (Number.isFinite(wait) ? wait : windowMs(spec)) };
  return { run: true };
}

/** The server's Retry-After, capped (from the moment it was received) at `cap`. */
function lockedUntil(account: KeyAccount, cap: number): number | undefined {
  if (account.rateLimitedUntil === undefined) return undefined;
  const received = account.rateLimitedAt ?? account.rateLimitedUntil;
  return Math.min(account.rateLimitedUntil, received + cap);
}

export interface ProcessingWait {
  /** 0 = send now. */
  ms: number;
  /** 'server': the provider asked to wait (Retry-After); 'window': our own count of its documented limit. */
  cause: 'server' | 'window';
}

/** How long a processing call must wait for the rate limit, and whose limit it is. */
export function processingWait(account: KeyAccount, now: number, spec: RateLimitSpec, weight: number): ProcessingWait {
  const serverLock = lockedUntil(account, MAX_PROCESSING_LOCK_MS);
  const server = serverLock !== undefined && now < serverLock ? serverLock - now : 0;
  const window = waitForSlot(account.requests, now, spec, weight, 0);
  return server >= window ? { ms: server, cause: 'server' } : { ms: window, cause: 'window' };
}

export function isStale(account: KeyAccount, now: number, policy: RefreshPolicy = DEFAULT_REFRESH_POLICY): boolean {
  return account.lastRefreshedAt === undefined || now - account.lastRefreshedAt >= policy.staleAfterMs;
}
