/**
 * What a paid provider can make of the current image, what it costs on the user's plan, and the
 * actions that ask for it (main thread). Every paid action first shows its preflight (cost and
 * balance in words, or why it cannot run); the call itself goes through the credits coordinator.
 * Results go through editor.runRemote, so they land in the same compare view and downloads.
 */
import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import { PROVIDER_IDS, PROVIDER_NAMES, providerMeta } from '../../providers/catalog.ts';
import { aiEditRequest, HD_OPERATION, providerCutoutName, type AiEditChoices } from '../../providers/offers.ts';
import { costInWords } from '../../credits/logic/prices.ts';
import { formatUnits } from '../../credits/logic/amounts.ts';
import type { LedgerEntry } from '../../credits/logic/types.ts';
import type { ProcessResult, ProviderAdapter, ProviderId } from '../../providers/types.ts';
import type { Preflight } from '../../credits/logic/preflight.ts';
import { chooseRoute, type RouteChoice } from '../../credits/logic/routing.ts';
import { blockedCallWords } from '../format/credits.ts';
import type { Editor } from './editor.ts';
import type { Endpoints } from './endpoints.ts';
import type { Keys } from './keys.ts';

type AnyRequest = { op: string; image: Blob };

/**
 * A request bound to the adapter that takes it: built by `bindRequest`, where the compiler checks
 * that they belong together, and passed on without a union of every provider's request type.
 */
export interface PaidRequest {
  provider: ProviderId;
  adapter: ProviderAdapter<AnyRequest>;
  request: AnyRequest;
}

export function bindRequest<Request extends AnyRequest>(adapter: ProviderAdapter<Request>, request: Request): PaidRequest {
  // Sound: the pair is checked here, and PaidRequest is only ever used as a pair.
  return { provider: adapter.id, adapter: adapter as unknown as ProviderAdapter<AnyRequest>, request };
}

/** What a successful call was charged, in words ("1 image", "$0.10"); undefined when it was free. */
function chargedWords(entry: LedgerEntry): string | undefined {
  if (entry.outcome === 'unpriced')
    return entry.reportedCost ? `${entry.reportedCost.amount} ${entry.reportedCost.unit.toLowerCase()}` : 'its price';
  return entry.charged > 0 ? formatUnits(entry.charged, entry.unit) : undefined;
}

export interface PaidActionsDeps {
  editor: Editor;
  keys: Keys;
  endpoints: Endpoints;
  online: Accessor<boolean>;
  /** The app's ticking clock (a provider's retirement). */
  now: Accessor<number>;
}

export interface PaidOffer {
  provider: ProviderId;
  /** "PhotoRoom's cutout": the one name of the offer (button, preflight title, route advice). */
  label: string;
  /** e.g. "1 image (Basic plan) · 83 images left". */
  cost: string;
}

/** A paid action waiting for the person to confirm what its preflight says. */
export interface PendingPaidAction {
  provider: ProviderId;
  title: string;
  preflight: Preflight;
  /** Runs the call; only offered when the preflight allows it. Runs at most once. */
  pay: () => Promise<boolean>;
  /**
   * Set when the balance is what blocks the call: checks the provider's balance now (within its
   * limits), then works the preflight out again.
   */
  recheck?: () => Promise<void>;
  /** The provider's own page to top up or see prices, when the balance is what blocks the call. */
  topUpUrl?: string;
  /** True while "Check balance again" runs. */
  checking?: boolean;
  /** What the last balance check said ("Balance checked just now."). */
  note?: string;
}

export function createPaidActions({ editor, keys, endpoints, online, now }: PaidActionsDeps) {
  const [pending, setPending] = createSignal<PendingPaidAction>();
  /** From "Pay" until the call ends, what is being made ("PhotoRoom's cutout"): nothing else is proposed or paid meanwhile. */
  const [payingFor, setPayingFor] = createSignal<string>();
  const paying = () => payingFor() !== undefined;
  let proposing = false;
  /** Works the question on screen out again from the balance as it is now (nothing is sent). */
  let reprice: (() => Promise<void>) | undefined;

  // A question blocked by the balance stays current: when a balance check lands (the one "Check
  // balance again" asked for once the provider's limits allowed it, or any other), it is worked out again.
  createEffect(
    on(
      () => {
        const shown = pending();
        return shown?.recheck && !shown.checking ? keys.balanceOf(shown.provider)?.lastRefreshedAt : undefined;
      },
      (at, previous) => {
        if (at !== undefined && previous !== undefined && at !== previous) void reprice?.();
      },
    ),
  );

  /** What this call would cost and whether the balance can pay, before anything is sent. */
  async function preflight(paid: PaidRequest): Promise<Preflight> {
    const coordinator = await keys.coordinator();
    const saved = keys.state.saved[paid.provider];
    if (!saved) throw new Error(`No ${PROVIDER_NAMES[paid.provider]} key is saved. Add one in Keys.`);
    // Only what the key store knows about the key: it is not decrypted to price a call.
    return coordinator.preflight({
      keyId: saved.key.id,
      provider: paid.provider,
      sandbox: saved.key.sandbox,
      adapter: paid.adapter,
      request: paid.request,
    });
  }

  /** One paid call through the credits coordinator: debited on success only, never on an error. */
  async function paidCall(
    paid: PaidRequest,
    options: { signal: AbortSignal; resultId: string; megapixels: number },
  ): Promise<{ result: ProcessResult; charged?: string }> {
    const coordinator = await keys.coordinator();
    const ref = await keys.keyRef(paid.provider);
    const outcome = await coordinator.paidCall({ ...ref, adapter: paid.adapter, request: paid.request, ...options });
    if (outcome.status === 'done') {
      const charged = chargedWords(outcome.entry);
      return charged === undefined ? { result: outcome.result } : { result: outcome.result, charged };
    }
    if (outcome.status === 'failed') {
      if (outcome.error.kind === 'ambiguous' || options.signal.aborted) options.signal.throwIfAborted();
      throw outcome.error;
    }
    throw new Error(blockedCallWords(outcome, Date.now()));
  }

  /** Of the saved keys, the one whose provider's cutout costs least on the user's plans and can pay. */
  const hdRoute: Accessor<RouteChoice | undefined> = createMemo(() => {
    const credits = keys.credits();
    const candidates = PROVIDER_IDS.flatMap((provider) => {
      const account = keys.state.saved[provider];
      if (!account || keys.status(provider).state === 'retired') return [];
      const keyId = account.key.id;
      return [
        {
          keyId,
          provider,
          prices: endpoints.adapters()[provider],
          account: keys.balanceOf(provider),
          open:
            credits?.state.ledger.filter(
              (entry) =>
                entry.keyId === keyId && (entry.outcome === 'pending' || entry.outcome === 'in-flight' || entry.outcome === 'unpriced'),
            ) ?? [],
          sandbox: account.key.sandbox,
        },
      ];
    });
    return candidates.length === 0 ? undefined : chooseRoute('cutout', candidates, { online: online(), now: now() });
  });

  function costOf(provider: ProviderId, op: string, size?: string): string {
    const balance = keys.balanceOf(provider);
    return costInWords(endpoints.adapters()[provider], op, {
      sandbox: keys.state.saved[provider]?.key.sandbox,
      plan: balance?.plan,
      available: balance?.available,
      size,
    });
  }

  // A retired provider is never offered: its key stays (history, forgetting), its offer goes.
  const hdOffers: Accessor<PaidOffer[]> = createMemo(() =>
    PROVIDER_IDS.filter((provider) => keys.state.saved[provider] && keys.status(provider).state === 'active').map((provider) => {
      const { op, size } = HD_OPERATION[provider];
      return { provider, label: providerCutoutName(provider), cost: costOf(provider, op, size) };
    }),
  );

  /** "PhotoRoom, withoutBG or Leonardo.Ai": the providers a key can still be added for. */
  const offeredProviders = createMemo(() => {
    const names = PROVIDER_IDS.filter((provider) => keys.status(provider).state === 'active').map((provider) => PROVIDER_NAMES[provider]);
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  });

  const aiEditCost = createMemo(() => (keys.state.saved.photoroom ? costOf('photoroom', 'edit') : undefined));

  function run(provider: ProviderId, madeBy: string, build: (file: File) => PaidRequest): Promise<boolean> {
    const current = editor.result();
    const megapixels = current ? (current.width * current.height) / 1e6 : 1;
    const label = `Sending to ${PROVIDER_NAMES[provider]}… (charged only if it succeeds)`;
    return editor.runRemote(label, async (file, signal) => {
      const { result, charged } = await paidCall(build(file), { signal, resultId: String(current?.id ?? ''), megapixels });
      return {
        image: result.image,
        providerName: PROVIDER_NAMES[provider],
        madeBy,
        watermarked: result.watermarked,
        ...(charged ? { charged } : {}),
      };
    });
  }

  /** Works out the preflight and waits for the person to pay or keep the on-device result. */
  async function propose(provider: ProviderId, title: string, madeBy: string, build: (file: File) => PaidRequest): Promise<void> {
    const file = editor.result()?.sourceFile;
    // One question at a time: a second press while the first is worked out, shown or paid does nothing.
    if (!file || proposing || pending() || paying()) return;
    proposing = true;

    function pay(): Promise<boolean> {
      if (paying() || !pending()) return Promise.resolve(false);
      setPayingFor(title);
      setPending(undefined);
      return run(provider, madeBy, build).finally(() => setPayingFor(undefined));
    }

    /** The preflight as shown, with the balance help when the balance is what blocks it. */
    function shown(checked: Preflight, extra: Pick<PendingPaidAction, 'note'> = {}): PendingPaidAction {
      const action: PendingPaidAction = { provider, title, preflight: checked, pay, ...extra };
      if (checked.reason !== 'cannot-pay') return action;
      return { ...action, recheck, topUpUrl: providerMeta(provider).topUpUrl };
    }

    async function recheck(): Promise<void> {
      const before = pending();
      if (!before || before.checking || !file) return;
      const checking: PendingPaidAction = { ...before, checking: true };
      setPending(checking);
      const keyId = keys.state.saved[provider]?.key.id;
      let next: PendingPaidAction;
      try {
        await keys.refresh(provider);
        const note = keyId === undefined ? undefined : keys.credits()?.state.refreshNote[keyId];
        next = shown(await preflight(build(file)), note ? { note } : {});
      } catch (error) {
        next = { ...before, note: error instanceof Error ? error.message : String(error) };
      }
      // Dismissed (or paid) meanwhile: nothing to show.
      if (pending() === checking) setPending(next);
    }

    reprice = async () => {
      const before = pending();
      if (!before || before.checking || !file) return;
      const checked = await preflight(build(file));
      if (pending() === before) setPending(shown(checked, { note: 'Balance checked just now.' }));
    };

    try {
      setPending(shown(await preflight(build(file))));
    } catch (error) {
      editor.showMessage({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      proposing = false;
    }
  }

  function exportHd(provider: ProviderId): Promise<void> {
    const build = (file: File): PaidRequest => {
      // Held by its interface: the request it builds is the one it takes.
      const adapter: ProviderAdapter<{ op: string; image: Blob }> = endpoints.adapters()[provider];
      return bindRequest(adapter, adapter.hdRequest(file));
    };
    // madeBy is the provider's name: "PhotoRoom cutout ready" and, beside the image, "PhotoRoom's cutout".
    return propose(provider, providerCutoutName(provider), PROVIDER_NAMES[provider], build);
  }

  function aiEdit(choices: AiEditChoices): Promise<void> {
    return propose('photoroom', 'PhotoRoom AI edit', 'PhotoRoom AI edit', (file) =>
      bindRequest(endpoints.adapters().photoroom, aiEditRequest(file, choices)),
    );
  }

  /** What made the result on screen, in the offer's words: "On-device (free)", "PhotoRoom's cutout", "PhotoRoom AI edit". */
  function madeByWords(madeBy: string): string {
    if (madeBy === 'on-device') return 'On-device (free)';
    const provider = PROVIDER_IDS.find((id) => PROVIDER_NAMES[id] === madeBy);
    return provider ? providerCutoutName(provider) : madeBy;
  }

  return {
    hdOffers,
    hdRoute,
    offeredProviders,
    online,
    aiEditCost,
    exportHd,
    aiEdit,
    pending,
    paying,
    payingFor: payingFor as Accessor<string | undefined>,
    madeByWords,
    dismiss: () => setPending(undefined),
  };
}

export type PaidActions = ReturnType<typeof createPaidActions>;
