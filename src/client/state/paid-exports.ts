/**
 * What a paid provider can make of the current image, what it costs on the user's plan, and the
 * actions that ask for it (main thread). Results go through editor.runRemote, so they land in the
 * same compare view and downloads as on-device cutouts.
 */
import { createMemo, type Accessor } from 'solid-js';
import { PROVIDER_NAMES } from '../../providers/index.ts';
import { aiEditRequest, costInWords, HD_OPERATION, hdRequest, type AiEditChoices } from '../../providers/offers.ts';
import type { AdapterSet } from '../../providers/endpoints.ts';
import type { ProcessResult, ProviderId } from '../../providers/types.ts';
import { PROVIDER_IDS, type Accounts } from './accounts.ts';
import type { Editor } from './editor.ts';

export interface PaidOffer {
  provider: ProviderId;
  label: string;
  /** e.g. "1 image (Basic plan) · 83 images left". */
  cost: string;
}

export function createPaidExports(editor: Editor, accounts: Accounts) {
  function costOf(provider: ProviderId, op: string, size?: string): string {
    const operation = accounts.adapters()[provider].operations.find((candidate) => candidate.op === op);
    const account = accounts.state.accounts[provider];
    if (!operation) return 'cost unknown';
    return costInWords(operation, {
      sandbox: account?.key.sandbox,
      plan: account?.balance?.plan,
      available: account?.balance?.available,
      size,
    });
  }

  const hdOffers: Accessor<PaidOffer[]> = createMemo(() =>
    PROVIDER_IDS.filter((provider) => accounts.state.accounts[provider]).map((provider) => {
      const { op, size } = HD_OPERATION[provider];
      return { provider, label: `HD via ${PROVIDER_NAMES[provider]}`, cost: costOf(provider, op, size) };
    }),
  );

  const aiEditCost = createMemo(() => (accounts.state.accounts.photoroom ? costOf('photoroom', 'edit') : undefined));

  function paidCall(
    provider: ProviderId,
    madeBy: string,
    run: (file: File, secret: string, adapters: AdapterSet, signal: AbortSignal) => Promise<ProcessResult>,
  ): Promise<boolean> {
    const label = `Sending to ${PROVIDER_NAMES[provider]}… (charged only if it succeeds)`;
    return editor.runRemote(label, async (file, signal) => {
      const result = await accounts.withKey(provider, (secret, adapters) => run(file, secret, adapters, signal));
      void accounts.refresh(provider);
      return { image: result.image, providerName: PROVIDER_NAMES[provider], madeBy, watermarked: result.watermarked };
    });
  }

  function exportHd(provider: ProviderId): Promise<boolean> {
    return paidCall(provider, `${PROVIDER_NAMES[provider]} HD`, (file, secret, adapters, signal) => {
      switch (provider) {
        case 'photoroom':
          return adapters.photoroom.process(hdRequest('photoroom', file, file.name), secret, signal);
        case 'removebg':
          return adapters.removebg.process(hdRequest('removebg', file, file.name), secret, signal);
        case 'withoutbg':
          return adapters.withoutbg.process(hdRequest('withoutbg', file, file.name), secret, signal);
      }
    });
  }

  function aiEdit(choices: AiEditChoices): Promise<boolean> {
    return paidCall('photoroom', 'PhotoRoom AI edit', (file, secret, adapters, signal) =>
      adapters.photoroom.process(aiEditRequest(file, file.name, choices), secret, signal),
    );
  }

  return { hdOffers, aiEditCost, exportHd, aiEdit };
}

export type PaidExports = ReturnType<typeof createPaidExports>;
