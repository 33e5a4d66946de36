/**
 * The balance transitions, pure: a call begins (its cost reserved), ends (debited on success only),
 * breaks ambiguously (pending), and a refresh reconciles everything with the provider's figure.
 * Each returns the new account and the ledger entries to write, so the caller can store both in
 * one transaction.
 */
import { providerMeta } from '../../providers/catalog.ts';
import type { AccountBalance, BalanceUnit, ProviderId, RateLimitSpec, ReportedCost } from '../../providers/types.ts';
import { EPSILON, formatUnits, sum, tidy } from './amounts.ts';
import { pruneRequests } from './policy.ts';
import type { RefreshPolicy } from './policy.ts';
import type { KeyAccount, LedgerEntry, ReportedBalance } from './types.ts';

export interface Transition {
  account: KeyAccount;
  /** New or changed ledger entries. */
  entries: LedgerEntry[];
}

export function newAccount(keyId: string, provider: ProviderId, unit: BalanceUnit, plan?: string): KeyAccount {
  const account: KeyAccount = { keyId, provider, unit, requests: [], dismissedAlerts: [] };
  if (plan !== undefined) account.plan = plan.toLowerCase();
  return account;
}

/** Costs held back for calls on the wire and calls that may have been charged. */
export function reservedCost(open: readonly LedgerEntry[]): number {
  return sum(open.filter((entry) => entry.outcome === 'in-flight' || entry.outcome === 'pending').map((entry) => entry.expectedCost));
}

/** What a new call may spend: our balance minus everything reserved; undefined when never checked. */
export function spendable(account: KeyAccount, open: readonly LedgerEntry[]): number | undefined {
  return account.available === undefined ? undefined : tidy(account.available - reservedCost(open));
}

export interface BeginCall {
  entryId: string;
  operation: string;
  size?: string;
  plan?: string;
  unit: BalanceUnit;
  expectedCost: number;
  /** False when only a price in money is known: the call's balance-unit cost comes from the provider. */
  costKnown?: boolean;
  sandbox: boolean;
  resultId?: string;
  /** Rate-limit weight of this request. */
  weight: number;
}

export type BeginResult = (Transition & { ok: true; entry: LedgerEntry }) | { ok: false; reason: 'cannot-pay'; spendable: number };

/**
 * Reserves the call's cost and marks the request in the rate window. Refuses when the balance,
 * less what other calls (in any tab) have reserved, cannot pay: two tabs never overspend.
 */
export function beginCall(
  account: KeyAccount,
  open: readonly LedgerEntry[],
  call: BeginCall,
  now: number,
  spec: RateLimitSpec,
): BeginResult {
  const left = spendable(account, open);
  if (!call.sandbox && left !== undefined && left + EPSILON < call.expectedCost) {
    return { ok: false, reason: 'cannot-pay', spendable: left };
  }
  const entry: LedgerEntry = {
    id: call.entryId,
    keyId: account.keyId,
    provider: account.provider,
    kind: 'call',
    at: now,
    operation: call.operation,
    unit: call.unit,
    expectedCost: call.sandbox ? 0 : call.expectedCost,
    charged: 0,
    outcome: 'in-flight',
    sandbox: call.sandbox,
  };
  if (call.size !== undefined) entry.size = call.size;
  if (call.plan !== undefined) entry.plan = call.plan;
  if (call.costKnown === false && !call.sandbox) entry.costUnknown = true;
  if (call.resultId !== undefined) entry.resultId = call.resultId;
  const requests = [...pruneRequests(account.requests, now, spec), { at: now, weight: call.weight }];
  return { ok: true, account: { ...account, requests }, entries: [entry], entry };
}

export type CallOutcome =
  | { kind: 'success'; charged?: number; reportedCost?: ReportedCost; watermarked: boolean; resultId?: string }
  | { kind: 'error'; errorKind: string; status?: number; retryAfterSeconds?: number }
  | { kind: 'ambiguous'; status?: number };

/** Errors after which only the account endpoint can say what is left. */
const REFUSALS: ReadonlySet<string> = new Set(['out-of-credits', 'credits-expired']);

export function finishCall(account: KeyAccount, entry: LedgerEntry, outcome: CallOutcome, now: number): Transition {
  if (entry.outcome !== 'in-flight') {
    // Already settled elsewhere (e.g. declared stale by another tab and settled by a refresh).
    return { account, entries: [] };
  }
  const done: LedgerEntry = { ...entry, finishedAt: now };
  // Any answered or broken call may have moved the balance: the delay a provider needs before its
  // figure shows a call (remove.bg: several seconds) counts from here.
  let next: KeyAccount = { ...account, lastCallAt: now };

  if (outcome.kind === 'success') {
    const free = entry.sandbox === true || outcome.watermarked;
    if (outcome.reportedCost !== undefined) done.reportedCost = outcome.reportedCost;
    if (outcome.resultId !== undefined) done.resultId = outcome.resultId;
    if (!free && outcome.charged === undefined && entry.costUnknown) {
      // Done, and billed in money: what it took from the balance is read at the next balance check.
      done.outcome = 'unpriced';
      done.charged = 0;
      done.note = `Done${reportedWords(outcome.reportedCost)}; what it took from the balance is settled by the next balance check.`;
      if (next.available !== undefined) done.balanceAfter = next.available;
      return { account: { ...next, refreshWanted: next.refreshWanted ?? 'unpriced' }, entries: [done] };
    }
    const charged = free ? 0 : (outcome.charged ?? entry.expectedCost);
    done.outcome = 'success';
    done.charged = tidy(charged);
    done.source = !free && outcome.charged !== undefined ? 'header' : 'price-table';
    if (free) done.note = 'Sandbox key: watermarked, free.';
    if (next.available !== undefined) {
      next.available = tidy(next.available - done.charged);
      done.balanceAfter = next.available;
    }
    if (next.subscriptionLeft !== undefined) {
      // remove.bg spends subscription credits before pay-as-you-go (the likeliest order; not documented).
      next.subscriptionLeft = tidy(Math.max(0, next.subscriptionLeft - done.charged));
    }
    if (!free) {
      // Verified by the next balance check: a request the browser sent twice is charged twice, and only
      // the balance shows it.
      next.callsSinceRefresh = [...(next.callsSinceRefresh ?? []), done.id];
      next.refreshWanted = next.refreshWanted ?? 'verify';
    }
    return { account: next, entries: [done] };
  }

  if (outcome.kind === 'error') {
    done.outcome = 'error';
    done.charged = 0;
    done.errorKind = outcome.errorKind;
    if (outcome.status !== undefined) done.status = outcome.status;
    done.note = 'Failed: nothing charged.';
    if (next.available !== undefined) done.balanceAfter = next.available;
    if (outcome.errorKind === 'rate-limited') {
      next.rateLimitedUntil = now + (outcome.retryAfterSeconds ?? 60) * 1000;
      next.rateLimitedAt = now;
    }
    if (REFUSALS.has(outcome.errorKind) || (outcome.errorKind === 'key-rejected' && outcome.status !== undefined)) {
      next.refreshWanted = 'after-refusal';
    }
    return { account: next, entries: [done] };
  }

  done.outcome = 'pending';
  done.charged = 0;
  if (outcome.status !== undefined) done.status = outcome.status;
  done.note = 'The connection broke after upload: may have been charged. The next balance check settles it.';
  next = { ...next, refreshWanted: next.refreshWanted ?? 'ambiguous' };
  return { account: next, entries: [done] };
}

/** In-flight entries of a tab that closed or hung become pending, so a refresh can settle them. */
export function expireStaleCalls(
  account: KeyAccount,
  open: readonly LedgerEntry[],
  now: number,
  policy: Pick<RefreshPolicy, 'inFlightStaleMs'>,
): Transition {
  const stale = open.filter((entry) => entry.outcome === 'in-flight' && now - entry.at >= policy.inFlightStaleMs);
  if (stale.length === 0) return { account, entries: [] };
  return {
    account: { ...account, refreshWanted: account.refreshWanted ?? 'ambiguous' },
    entries: stale.map((entry) => ({
      ...entry,
      outcome: 'pending' as const,
      note: 'No answer was recorded (the tab closed or stopped): may have been charged. The next balance check settles it.',
    })),
  };
}

export function reportedFrom(balance: AccountBalance, now: number): ReportedBalance {
  const reported: ReportedBalance = { unit: balance.unit, available: balance.available, source: balance.source, at: now };
  if (balance.subscription !== undefined) reported.subscription = balance.subscription;
  if (balance.plan !== undefined) reported.plan = balance.plan.toLowerCase();
  if (balance.payg !== undefined) reported.payg = balance.payg;
  if (balance.enterprise !== undefined) reported.enterprise = balance.enterprise;
  if (balance.freeCalls !== undefined) reported.freeCalls = balance.freeCalls;
  if (balance.expiresAt !== undefined) reported.expiresAt = balance.expiresAt.toISOString();
  return reported;
}

/** Marks an account call in the rate window and the 45-second gap, whether or not it succeeds. */
export function markRefreshAttempt(account: KeyAccount, now: number, spec: RateLimitSpec): KeyAccount {
  return { ...account, lastRefreshAttemptAt: now, requests: [...pruneRequests(account.requests, now, spec), { at: now, weight: 1 }] };
}

export function markRateLimited(account: KeyAccount, now: number, retryAfterSeconds: number | undefined): KeyAccount {
  return { ...account, rateLimitedUntil: now + (retryAfterSeconds ?? 60) * 1000, rateLimitedAt: now };
}

export interface RefreshIds {
  /** Id for a correction or opening entry, if one is needed. */
  newEntryId: string;
}

/**
 * The server's figure wins. The difference between it and ours first settles pending calls, oldest
 * first (charged when the balance fell by at least their cost), then unpriced calls (they took what
 * is left of the fall), and whatever remains is written as a visible correction entry. Never called
 * while a call is in flight (see decideRefresh).
 */
export function applyRefresh(
  account: KeyAccount,
  open: readonly LedgerEntry[],
  reported: ReportedBalance,
  ids: RefreshIds,
  now: number,
  /** Calls finished since the last check, when the caller has them: a difference can then be put on the one call. */
  recent: readonly LedgerEntry[] = [],
): Transition {
  const next = refreshedAccount(account, reported, now);
  if (account.available === undefined) return { account: next, entries: openingEntries(account, open, reported, ids, now) };

  // Positive: the provider took this much more than we counted.
  const fall = { unexplained: tidy(account.available - tidy(reported.available)), running: account.available };
  const entries = [...settlePending(open, fall), ...settleUnpriced(open, fall, reported.unit)];
  if (Math.abs(fall.unexplained) > EPSILON)
    entries.push(correctionEntry(account, fall.unexplained, reported, ids, now, soleCall(account, recent)));
  return { account: next, entries };
}

/** The account as the provider reports it now; remove.bg-style subscription figures tracked per cycle. */
function refreshedAccount(account: KeyAccount, reported: ReportedBalance, now: number): KeyAccount {
  const next: KeyAccount = { ...account, unit: reported.unit, available: tidy(reported.available), reported, lastRefreshedAt: now };
  delete next.refreshWanted;
  delete next.callsSinceRefresh;
  if (reported.plan !== undefined) next.plan = reported.plan;
  // Where the subscription figure is what is *left* of it, the allowance is the largest seen this cycle.
  if (providerMeta(account.provider).balance.subscription === 'part-of-total' && reported.subscription !== undefined) {
    next.subscriptionLeft = reported.subscription;
    const previousLeft = account.subscriptionLeft;
    // A renewal raises the subscription credits: start a new cycle's peak.
    const renewed = previousLeft !== undefined && reported.subscription > previousLeft + EPSILON;
    next.subscriptionPeak = renewed ? reported.subscription : Math.max(account.subscriptionPeak ?? 0, reported.subscription);
  }
  return next;
}

/** The first balance seen; calls that broke or were not priced before it cannot be told apart from earlier spending. */
function openingEntries(
  account: KeyAccount,
  open: readonly LedgerEntry[],
  reported: ReportedBalance,
  ids: RefreshIds,
  now: number,
): LedgerEntry[] {
  const server = tidy(reported.available);
  const opening: LedgerEntry = {
    id: ids.newEntryId,
    keyId: account.keyId,
    provider: account.provider,
    kind: 'opening',
    at: now,
    operation: '',
    unit: reported.unit,
    expectedCost: 0,
    charged: 0,
    source: 'account-refresh',
    outcome: 'settled',
    balanceAfter: server,
    note: `First balance check: ${formatUnits(server, reported.unit)}.`,
  };
  const before = (outcome: 'pending' | 'unpriced', note: string, settled: LedgerEntry['outcome']) =>
    open
      .filter((entry) => entry.outcome === outcome)
      .map((entry) => ({ ...entry, outcome: settled, charged: 0, source: 'account-refresh' as const, note }));
  return [
    opening,
    ...before('pending', 'Broke before the first balance check; included in the opening balance.', 'settled'),
    ...before('unpriced', 'Done before the first balance check; what it took is included in the opening balance.', 'success'),
  ];
}

/** What the refresh still has to explain as it settles entries (updated as they take their part). */
interface Fall {
  unexplained: number;
  running: number;
}

/** Pending calls, oldest first: charged when the balance fell by at least their cost. */
function settlePending(open: readonly LedgerEntry[], fall: Fall): LedgerEntry[] {
  return open
    .filter((entry) => entry.outcome === 'pending' && !entry.costUnknown)
    .sort((a, b) => a.at - b.at)
    .map((entry) => {
      const charged = fall.unexplained + EPSILON >= entry.expectedCost && entry.expectedCost > 0;
      const amount = charged ? entry.expectedCost : 0;
      fall.unexplained = tidy(fall.unexplained - amount);
      fall.running = tidy(fall.running - amount);
      return {
        ...entry,
        outcome: 'settled' as const,
        charged: amount,
        source: 'account-refresh' as const,
        balanceAfter: fall.running,
        note: charged
          ? 'Charged although the result did not arrive (confirmed by the balance).'
          : 'Not charged (confirmed by the balance).',
      };
    });
}

/**
 * Calls without a balance-unit price (succeeded, or broken after sending) took whatever the balance fell
 * by beyond that, in equal shares: a broken one that took nothing was not charged.
 */
function settleUnpriced(open: readonly LedgerEntry[], fall: Fall, unit: BalanceUnit): LedgerEntry[] {
  // Broken calls whose price was known only in money are settled the same way: they took what is left.
  const unpriced = open
    .filter((entry) => entry.outcome === 'unpriced' || (entry.outcome === 'pending' && entry.costUnknown))
    .sort((a, b) => a.at - b.at);
  if (unpriced.length === 0) return [];
  const share = fall.unexplained > EPSILON ? tidy(fall.unexplained / unpriced.length) : 0;
  const settled = unpriced.map((entry, index) => {
    // The last one takes the rounding remainder, so the shares add up to the fall exactly.
    const amount = share === 0 ? 0 : index === unpriced.length - 1 ? tidy(fall.unexplained - share * (unpriced.length - 1)) : share;
    fall.running = tidy(fall.running - amount);
    if (entry.outcome === 'pending') {
      const note =
        amount > 0
          ? `Charged ${formatUnits(amount, unit)} although the result did not arrive (read from the balance).`
          : 'Not charged (confirmed by the balance).';
      return {
        ...entry,
        outcome: 'settled' as const,
        charged: amount,
        source: 'account-refresh' as const,
        balanceAfter: fall.running,
        note,
      };
    }
    return {
      ...entry,
      outcome: 'success' as const,
      charged: amount,
      source: 'account-refresh' as const,
      balanceAfter: fall.running,
      note: `Done${reportedWords(entry.reportedCost)}; took ${formatUnits(amount, unit)} (read from the balance).`,
    };
  });
  if (share !== 0) fall.unexplained = 0;
  return settled;
}

/** The one paid call since the last check, if there was exactly one: a difference is then its doing. */
function soleCall(account: KeyAccount, recent: readonly LedgerEntry[]): LedgerEntry | undefined {
  const ids = account.callsSinceRefresh ?? [];
  return ids.length === 1 ? recent.find((entry) => entry.id === ids[0]) : undefined;
}

/** The rest of the difference, visible: positive when the provider took more than counted. */
function correctionEntry(
  account: KeyAccount,
  unexplained: number,
  reported: ReportedBalance,
  ids: RefreshIds,
  now: number,
  call: LedgerEntry | undefined,
): LedgerEntry {
  const name = providerMeta(account.provider).displayName;
  const more = (amount: number) => formatUnits(amount, reported.unit);
  const note =
    unexplained > 0 && call
      ? `${name} charged ${more(tidy(call.charged + unexplained))} for the call at ${new Date(call.at).toISOString().slice(11, 16)} UTC, not ${more(call.charged)}: ` +
        'the browser sends a request again by itself when its connection breaks, and each is charged (unless the key was used elsewhere meanwhile).'
      : unexplained > 0
        ? `The provider reports ${more(unexplained)} less than counted here (used elsewhere, or charged differently).`
        : `The provider reports ${more(-unexplained)} more than counted here (top-up, renewal or refund).`;
  return {
    id: ids.newEntryId,
    keyId: account.keyId,
    provider: account.provider,
    kind: 'correction',
    at: now,
    operation: '',
    unit: reported.unit,
    expectedCost: 0,
    charged: unexplained,
    source: 'account-refresh',
    outcome: 'settled',
    balanceAfter: tidy(reported.available),
    ...(call ? { resultId: call.resultId } : {}),
    note,
  };
}

function reportedWords(cost: ReportedCost | undefined): string {
  if (cost === undefined) return '';
  return /^dollars?$|^usd$/i.test(cost.unit)
    ? ` (the provider reported $${cost.amount})`
    : ` (the provider reported ${cost.amount} ${cost.unit.toLowerCase()})`;
}
