/**
 * What a paid provider can make of the current image, what it costs on the user's plan, and the
 * actions that ask for it (main thread). Every paid action first shows its preflight (cost and
 * balance in words, or why it cannot run); the call itself goes through the credits coordinator.
 * Results go through editor.runRemote, so they land in the same compare view and downloads.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { PROVIDER_IDS, PROVIDER_NAMES } from '../../providers/catalog.ts';
import { aiEditRequest, HD_OPERATION, type AiEditChoices } from '../../providers/offers.ts';
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
  label: string;
  /** e.g. "1 image (Basic plan) · 83 images left". */
  cost: string;
}

/** A paid action waiting for the person to confirm what its preflight says. */
export interface PendingPaidAction {
  title: string;
  preflight: Preflight;
  /** Runs the call; only offered when the preflight allows it. */
  pay: () => Promise<boolean>;
}

export function createPaidActions({ editor, keys, endpoints, online, now }: PaidActionsDeps) {
  const [pending, setPending] = createSignal<PendingPaidAction>();

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

  /** Of the saved keys, the one that does an HD cutout for least on the user's plans and can pay. */
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

  // A retired provider is never offered: its key stays (history, forgetting), its HD button goes.
  const hdOffers: Accessor<PaidOffer[]> = createMemo(() =>
    PROVIDER_IDS.filter((provider) => keys.state.saved[provider] && keys.status(provider).state === 'active').map((provider) => {
      const { op, size } = HD_OPERATION[provider];
      return { provider, label: `HD via ${PROVIDER_NAMES[provider]}`, cost: costOf(provider, op, size) };
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
    if (!file) return;
    try {
      const checked = await preflight(build(file));
      setPending({
        title,
        preflight: checked,
        pay: () => {
          setPending(undefined);
          return run(provider, madeBy, build);
        },
      });
    } catch (error) {
      editor.showMessage({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  }

  function exportHd(provider: ProviderId): Promise<void> {
    const build = (file: File): PaidRequest => {
      // Held by its interface: the request it builds is the one it takes.
      const adapter: ProviderAdapter<{ op: string; image: Blob }> = endpoints.adapters()[provider];
      return bindRequest(adapter, adapter.hdRequest(file));
    };
    return propose(provider, `HD via ${PROVIDER_NAMES[provider]}`, `${PROVIDER_NAMES[provider]} HD`, build);
  }

  function aiEdit(choices: AiEditChoices): Promise<void> {
    return propose('photoroom', 'AI edit with PhotoRoom', 'PhotoRoom AI edit', (file) =>
      bindRequest(endpoints.adapters().photoroom, aiEditRequest(file, choices)),
    );
  }

  return { hdOffers, hdRoute, offeredProviders, online, aiEditCost, exportHd, aiEdit, pending, dismiss: () => setPending(undefined) };
}

export type PaidActions = ReturnType<typeof createPaidActions>;
