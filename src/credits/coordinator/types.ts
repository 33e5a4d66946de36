/** The credits coordinator's contract: what the app passes in and gets back. Types only. */
import type { ProviderError } from '../../providers/errors.ts';
import type { ProcessResult, ProviderAdapter, ProviderBase, ProviderId } from '../../providers/types.ts';
import type { RefreshDecision, RefreshPolicy } from '../logic/policy.ts';
import type { BlockReason, Preflight } from '../logic/preflight.ts';
import type { Clock, KeyAccount, LedgerEntry, RefreshReason } from '../logic/types.ts';
import type { CreditsStore } from '../persistence/store.ts';
import type { ChangeChannel, LockProvider } from '../tabs.ts';

export type AnyRequest = { op: string; image: Blob };
/**
 * Held as its base, an adapter can report prices and balances but cannot be handed a request:
 * paid calls take a ProviderAdapter<Request> instead.
 */
export type AnyAdapter = ProviderBase;

export interface KeyRef {
  keyId: string;
  provider: ProviderId;
  /** The plan the key store knows (PhotoRoom); the provider's reported plan wins once known. */
  plan?: string;
  /** Used for this call only. */
  secret: string;
  adapter: AnyAdapter;
}

export interface PaidCallInput<Request extends AnyRequest> extends KeyRef {
  adapter: ProviderAdapter<Request>;
  request: Request;
  /** Links the ledger entry to the result it pays for. */
  resultId?: string;
  /** remove.bg's rate limit weighs calls by megapixels. */
  megapixels?: number;
  signal?: AbortSignal;
}

/** What a preflight needs: no secret (a key is decrypted only for a call or a wanted refresh), its sandbox flag instead. */
export type PreflightInput<Request extends AnyRequest> = Omit<PaidCallInput<Request>, 'secret' | 'signal' | 'resultId' | 'megapixels'> & {
  sandbox?: boolean;
};

export type PaidCallResult =
  | { status: 'done'; result: ProcessResult; entry: LedgerEntry; preflight: Preflight }
  | { status: 'failed'; error: ProviderError; entry: LedgerEntry; preflight: Preflight }
  | {
      status: 'blocked';
      reason: BlockReason | 'rate-limit';
      preflight: Preflight;
      /** For 'rate-limit': when the next call fits, and whether the provider asked for the wait or our count of its limit. */
      retryAt?: number;
      rateLimitBy?: 'server' | 'window';
    };

export type RefreshOutcome =
  | { status: 'refreshed'; account: KeyAccount }
  | { status: 'skipped'; decision: Exclude<RefreshDecision, { run: true }> }
  | { status: 'failed'; error: unknown; /** The balance check's own words (it charged nothing). */ message: string };

export interface CreditsView {
  accounts: KeyAccount[];
  /** Every ledger entry, oldest first. */
  ledger: LedgerEntry[];
}

export interface CoordinatorDeps {
  store: CreditsStore;
  locks: LockProvider;
  channel: ChangeChannel;
  clock?: Clock;
  policy?: RefreshPolicy;
  newId?: () => string;
  /** Waits for the rate limit; rejects when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A paid call waits this long at most for a rate-limit slot, then is refused with the wait. */
  maxRateWaitMs?: number;
  /** The account endpoint gets this long before the refresh counts as failed. */
  accountTimeoutMs?: number;
  /**
   * Gives a key's secret for a refresh that comes due later (after the 45 s gap, after calls in
   * flight). Without it, such a refresh runs at the next paid call or refresh of that key.
   */
  secretFor?: (keyId: string) => Promise<{ secret: string; adapter: AnyAdapter } | undefined>;
  setTimer?: (callback: () => void, ms: number) => () => void;
}

export interface CreditsCoordinator {
  /** The current accounts and ledger; listeners hear every change, from this tab or another. */
  view(): CreditsView;
  subscribe(listener: (view: CreditsView) => void): () => void;
  /** Reloads from IndexedDB (done automatically on start and on every change). */
  reload(): Promise<CreditsView>;
  /** What a call would cost and whether it can run, without sending anything. */
  preflight<Request extends AnyRequest>(input: PreflightInput<Request>): Promise<Preflight>;
  paidCall<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<PaidCallResult>;
  /** A refresh for `reason`, when the policy allows it now; otherwise remembered for later. */
  refresh(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome>;
  /** On a key being added: registers it and checks its balance at once. */
  addKey(key: KeyRef): Promise<RefreshOutcome>;
  /** On app start: refreshes keys whose balance is older than 60 s. */
  refreshStale(keys: readonly KeyRef[]): Promise<RefreshOutcome[]>;
  setLowBalanceThreshold(keyId: string, threshold: number | undefined): Promise<void>;
  setPlan(keyId: string, plan: string | undefined): Promise<void>;
  dismissAlert(keyId: string, alertId: string): Promise<void>;
  forgetKey(keyId: string, options?: { dropLedger?: boolean }): Promise<void>;
  exportCsv(labelFor?: (keyId: string) => string): string;
  dispose(): void;
}
