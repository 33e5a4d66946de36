/**
 * One paid call, in four steps: check the balance when it is due, reserve the cost (under the key's
 * lock, waiting for the rate window), send (outside the lock, so tabs work in parallel), settle (under
 * the lock, one transaction: debit on success, nothing on an error, pending when it may have been billed).
 */
import { isSandboxKey } from '../../providers/catalog.ts';
import { ProviderError } from '../../providers/errors.ts';
import { beginCall, finishCall } from '../logic/balance.ts';
import { outcomeOf, retirementShown, type SendResult } from '../logic/outcome.ts';
import { processingWait, requestWeight, type ProcessingWait } from '../logic/policy.ts';
import type { Preflight } from '../logic/preflight.ts';
import { requestSize } from '../logic/prices.ts';
import type { LedgerEntry } from '../logic/types.ts';
import { lockName } from '../tabs.ts';
import type { Kernel } from './kernel.ts';
import type { Refresher } from './refresh.ts';
import type { AnyRequest, PaidCallInput, PaidCallResult } from './types.ts';

type Blocked = Extract<PaidCallResult, { status: 'blocked' }>;
type Reserved = { entry: LedgerEntry; preflight: Preflight };
type Attempt =
  { kind: 'wait'; wait: ProcessingWait; preflight: Preflight } | { kind: 'blocked'; preflight: Preflight } | ({ kind: 'begun' } & Reserved);

export function createPaidCall(kernel: Kernel, refresher: Refresher) {
  /** A stale balance (or one a refusal or broken call left in doubt) is checked first, when allowed. */
  async function checkIfDue<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<Preflight> {
    let state = await kernel.load(input);
    const due = state.account.refreshWanted ?? (kernel.check(input, state.account, state.open).stale ? 'stale' : undefined);
    // Sandbox calls are free, and sandbox keys may get no balance at all: they are never held up by one.
    if (due && !isSandboxKey(input.provider, input.secret)) {
      await refresher.refresh(input, due);
      state = await kernel.load(input);
    }
    return kernel.check(input, state.account, state.open);
  }

  /** Reserves the cost as an in-flight entry once the rate window has room; waits at most maxRateWaitMs. */
  async function reserve<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<Reserved | Blocked> {
    const weight = requestWeight(input.adapter.rateLimit, input.megapixels);
    const started = kernel.clock.now();
    for (;;) {
      const attempt = await kernel.locks.withLock(lockName(input.keyId), () => tryBegin(input, weight));
      if (attempt.kind === 'begun') return attempt;
      // Another tab spent the balance between our check and our start.
      if (attempt.kind === 'blocked')
        return { status: 'blocked', reason: attempt.preflight.reason ?? 'cannot-pay', preflight: attempt.preflight };
      const retryAt = kernel.clock.now() + attempt.wait.ms;
      if (retryAt - started > kernel.maxRateWaitMs) {
        return { status: 'blocked', reason: 'rate-limit', retryAt, rateLimitBy: attempt.wait.cause, preflight: attempt.preflight };
      }
      await kernel.sleep(attempt.wait.ms, input.signal);
    }
  }

  function tryBegin<Request extends AnyRequest>(input: PaidCallInput<Request>, weight: number): Promise<Attempt> {
    return kernel.store.update<Attempt>(input.keyId, (stored, open) => {
      const now = kernel.clock.now();
      const account = kernel.ensure(stored, input);
      const decided = kernel.check(input, account, open);
      const wait = processingWait(account, now, input.adapter.rateLimit, weight);
      if (wait.ms > 0) return { value: { kind: 'wait', wait, preflight: decided } };
      // (The unit is undefined only for a sandbox call with no price: it is refused like any unpriced call.)
      if (decided.status === 'blocked' || decided.cost === undefined || decided.unit === undefined)
        return { value: { kind: 'blocked', preflight: decided } };
      const size = requestSize(input.request);
      const begun = beginCall(
        account,
        open,
        {
          entryId: kernel.newId(),
          operation: input.request.op,
          ...(size === undefined ? {} : { size }),
          ...(decided.quote?.plan ? { plan: decided.quote.plan.id } : {}),
          unit: decided.unit,
          expectedCost: decided.quote?.cost ?? decided.cost,
          costKnown: decided.quote?.exact ?? true,
          sandbox: decided.sandbox,
          ...(input.resultId === undefined ? {} : { resultId: input.resultId }),
          weight,
        },
        now,
        input.adapter.rateLimit,
      );
      if (!begun.ok) return { value: { kind: 'blocked', preflight: decided } };
      return { account: begun.account, entries: begun.entries, value: { kind: 'begun', entry: begun.entry, preflight: decided } };
    });
  }

  /** The provider call itself, every ending a value: nothing is thrown to reach a catch. */
  async function send<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<SendResult> {
    if (input.signal?.aborted) return { kind: 'cancelled-before-send', reason: input.signal.reason };
    try {
      return { kind: 'answered', result: await input.adapter.process(input.request, input.secret, input.signal) };
    } catch (error) {
      // A ProviderError is the provider's (or the network's) answer; anything else broke while the request was out.
      return error instanceof ProviderError ? { kind: 'refused', error } : { kind: 'broke', reason: error };
    }
  }

  /** Debits, records the error, or leaves the call pending, in one transaction; a closed provider is noted. */
  function settle<Request extends AnyRequest>(
    input: PaidCallInput<Request>,
    started: LedgerEntry,
    sent: SendResult,
  ): Promise<{ entry: LedgerEntry; sent: SendResult }> {
    return kernel.locks.withLock(lockName(input.keyId), () =>
      kernel.store.update(input.keyId, (stored, open) => {
        const live = open.find((candidate) => candidate.id === started.id);
        if (!stored || !live) return { value: { entry: started, sent } };
        const now = kernel.clock.now();
        const shown = sent.kind === 'refused' ? retirementShown(input.provider, stored, sent.error, now) : undefined;
        const final: SendResult = shown?.evidence && shown.error instanceof ProviderError ? { kind: 'refused', error: shown.error } : sent;
        const done = finishCall(stored, live, outcomeOf(final, input.resultId), now);
        const account = shown?.evidence ? { ...done.account, retirement: shown.evidence } : done.account;
        if (shown?.evidence) delete account.refreshWanted;
        return { account, entries: done.entries, value: { entry: done.entries[0] ?? live, sent: final } };
      }),
    );
  }

  return async function paidCall<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<PaidCallResult> {
    const checked = await checkIfDue(input);
    if (checked.status === 'blocked') return { status: 'blocked', reason: checked.reason ?? 'cannot-pay', preflight: checked };
    const reserved = await reserve(input);
    if ('status' in reserved) return reserved;
    await kernel.changed([input.keyId]);

    const { entry, sent } = await settle(input, reserved.entry, await send(input));
    await kernel.changed([input.keyId]);
    // After a refusal or a broken call, the account endpoint settles it once calls in flight are done.
    const after = await kernel.store.getAccount(input.keyId);
    if (after?.refreshWanted) await refresher.refresh(input, after.refreshWanted);

    switch (sent.kind) {
      case 'answered':
        return { status: 'done', result: sent.result, entry, preflight: reserved.preflight };
      case 'refused':
        return { status: 'failed', error: sent.error, entry, preflight: reserved.preflight };
      case 'cancelled-before-send':
      case 'broke':
        // Cancelled (or a bug): the caller hears why; the ledger already says what it may have cost.
        throw sent.reason;
    }
  };
}
