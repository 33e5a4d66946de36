/**
 * What a paid provider can make of the current image, what it costs on the user's plan, and the
 * actions that ask for it (main thread). Every paid action first shows its preflight (cost and
 * balance in words, or why it cannot run); the call itself goes through the credits coordinator.
 * Results go through editor.runRemote, so they land in the same compare view and downloads.
 */
import { createMemo, createSignal, type Accessor } from 'solid-js';
import { PROVIDER_NAMES } from '../../providers/catalog.ts';
import { aiEditRequest, HD_OPERATION, type AiEditChoices } from '../../providers/offers.ts';
import { costInWords } from '../../credits/logic/prices.ts';
import type { ProviderAdapter, ProviderId } from '../../providers/types.ts';
import type { Preflight } from '../../credits/logic/preflight.ts';
import { chooseRoute, type RouteChoice } from '../../credits/logic/routing.ts';
import { PROVIDER_IDS, bindRequest, type Accounts, type PaidRequest } from './accounts.ts';
import type { Editor } from './editor.ts';

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

export function createPaidExports(editor: Editor, accounts: Accounts, online: Accessor<boolean> = () => navigator.onLine) {
  const [pending, setPending] = createSignal<PendingPaidAction>();

  /** Of the saved keys, the one that does an HD cutout for least on the user's plans and can pay. */
  const hdRoute: Accessor<RouteChoice | undefined> = createMemo(() => {
    const credits = accounts.credits();
    const candidates = PROVIDER_IDS.flatMap((provider) => {
      const account = accounts.state.accounts[provider];
      if (!account || accounts.status(provider).state === 'retired') return [];
      const keyId = account.key.id;
      return [
        {
          keyId,
          provider,
          prices: accounts.adapters()[provider],
          account: accounts.balanceOf(provider),
          open:
            credits?.state.ledger.filter(
              (entry) =>
                entry.keyId === keyId && (entry.outcome === 'pending' || entry.outcome === 'in-flight' || entry.outcome === 'unpriced'),
            ) ?? [],
          sandbox: account.key.sandbox,
        },
      ];
    });
    return candidates.length === 0 ? undefined : chooseRoute('cutout', candidates, { online: online(), now: accounts.now() });
  });

  function costOf(provider: ProviderId, op: string, size?: string): string {
    const balance = accounts.balanceOf(provider);
    return costInWords(accounts.adapters()[provider], op, {
      sandbox: accounts.state.accounts[provider]?.key.sandbox,
      plan: balance?.plan,
      available: balance?.available,
      size,
    });
  }

  // A retired provider is never offered: its key stays (history, forgetting), its HD button goes.
  const hdOffers: Accessor<PaidOffer[]> = createMemo(() =>
    PROVIDER_IDS.filter((provider) => accounts.state.accounts[provider] && accounts.status(provider).state === 'active').map((provider) => {
      const { op, size } = HD_OPERATION[provider];
      return { provider, label: `HD via ${PROVIDER_NAMES[provider]}`, cost: costOf(provider, op, size) };
    }),
  );

  /** "PhotoRoom, withoutBG or Leonardo.Ai": the providers a key can still be added for. */
  const offeredProviders = createMemo(() => {
    const names = PROVIDER_IDS.filter((provider) => accounts.status(provider).state === 'active').map(
      (provider) => PROVIDER_NAMES[provider],
    );
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  });

  const aiEditCost = createMemo(() => (accounts.state.accounts.photoroom ? costOf('photoroom', 'edit') : undefined));

  function run(provider: ProviderId, madeBy: string, build: (file: File) => PaidRequest): Promise<boolean> {
    const current = editor.result();
    const megapixels = current ? (current.width * current.height) / 1e6 : 1;
    const label = `Sending to ${PROVIDER_NAMES[provider]}… (charged only if it succeeds)`;
    return editor.runRemote(label, async (file, signal) => {
      const result = await accounts.paidCall(build(file), { signal, resultId: String(current?.id ?? ''), megapixels });
      return { image: result.image, providerName: PROVIDER_NAMES[provider], madeBy, watermarked: result.watermarked };
    });
  }

  /** Works out the preflight and waits for the person to pay or keep the on-device result. */
  async function propose(provider: ProviderId, title: string, madeBy: string, build: (file: File) => PaidRequest): Promise<void> {
    const file = editor.result()?.sourceFile;
    if (!file) return;
    try {
      const preflight = await accounts.preflight(build(file));
      setPending({
        title,
        preflight,
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
      const adapter: ProviderAdapter<{ op: string; image: Blob }> = accounts.adapters()[provider];
      return bindRequest(adapter, adapter.hdRequest(file, file.name));
    };
    return propose(provider, `HD via ${PROVIDER_NAMES[provider]}`, `${PROVIDER_NAMES[provider]} HD`, build);
  }

  function aiEdit(choices: AiEditChoices): Promise<void> {
    return propose('photoroom', 'AI edit with PhotoRoom', 'PhotoRoom AI edit', (file) =>
      bindRequest(accounts.adapters().photoroom, aiEditRequest(file, file.name, choices)),
    );
  }

  return { hdOffers, hdRoute, offeredProviders, online, aiEditCost, exportHd, aiEdit, pending, dismiss: () => setPending(undefined) };
}

export type PaidExports = ReturnType<typeof createPaidExports>;
