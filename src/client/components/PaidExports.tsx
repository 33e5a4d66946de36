import { createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { useApp, useEditor } from '../services.ts';
import { DEFAULT_AI_EDIT, type AiEditChoices } from '../../providers/offers.ts';
import { PreflightNotice } from './usage/PreflightNotice.tsx';
import { routeAdvice } from '../format/credits.ts';
import { PROVIDER_NAMES } from '../../providers/catalog.ts';
import type { PendingPaidAction } from '../state/paid-actions.ts';
import './paid.css';

const SHADOWS: Array<{ value: AiEditChoices['shadow']; label: string }> = [
  { value: 'none', label: 'No shadow' },
  { value: 'ai.soft', label: 'Soft shadow' },
  { value: 'ai.hard', label: 'Hard shadow' },
  { value: 'ai.floating', label: 'Floating shadow' },
];

const OUTPUT_SIZES: Array<{ value: AiEditChoices['outputSize']; label: string }> = [
  { value: 'originalImage', label: 'Same as the photo' },
  { value: 'croppedSubject', label: 'Cropped to the subject' },
  { value: '1080x1080', label: 'Square 1080×1080' },
  { value: '1920x1080', label: 'Wide 1920×1080' },
];

function AiEditForm(props: { onAsk: (opener: HTMLElement | undefined) => void }) {
  const editor = useEditor();
  const { paid } = useApp();
  const [choices, setChoices] = createStore<AiEditChoices>({ ...DEFAULT_AI_EDIT });
  const [open, setOpen] = createSignal(false);
  return (
    <details class="ai-edit" open={open()} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>AI edit with PhotoRoom</summary>
      <form
        data-testid="ai-edit-form"
        onSubmit={(event) => {
          event.preventDefault();
          props.onAsk(event.submitter instanceof HTMLElement ? event.submitter : undefined);
          void paid.aiEdit({ ...choices });
        }}
      >
        <label>
          New background (describe it, or leave empty for transparent)
          <input
            type="text"
            maxLength={500}
            placeholder="e.g. on a marble kitchen counter, morning light"
            value={choices.backgroundPrompt}
            onInput={(event) => setChoices('backgroundPrompt', event.currentTarget.value)}
          />
        </label>
        <label>
          Shadow
          <select value={choices.shadow} onChange={(event) => setChoices('shadow', event.currentTarget.value as AiEditChoices['shadow'])}>
            <For each={SHADOWS}>{(shadow) => <option value={shadow.value}>{shadow.label}</option>}</For>
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" checked={choices.relight} onChange={(event) => setChoices('relight', event.currentTarget.checked)} />
          Relight the subject
        </label>
        <label>
          Padding: {choices.paddingPercent} %
          <input
            type="range"
            min="0"
            max="45"
            value={choices.paddingPercent}
            onInput={(event) => setChoices('paddingPercent', Number(event.currentTarget.value))}
          />
        </label>
        <label>
          Output size
          <select
            value={choices.outputSize}
            onChange={(event) => setChoices('outputSize', event.currentTarget.value as AiEditChoices['outputSize'])}
          >
            <For each={OUTPUT_SIZES}>{(size) => <option value={size.value}>{size.label}</option>}</For>
          </select>
        </label>
        <button type="submit" data-testid="ai-edit-run" disabled={Boolean(editor.job()) || !paid.online() || paid.paying()}>
          Run AI edit — {paid.aiEditCost()}
        </button>
      </form>
    </details>
  );
}

/**
 * What made the result ("On-device (free)"), and for each saved key the provider's own cutout with its
 * cost ("PhotoRoom's cutout — 1 image"). A press shows the preflight in a modal dialog; Pay runs it once.
 */
export function PaidExports() {
  const editor = useEditor();
  const { keys, paid } = useApp();
  const busy = () => Boolean(editor.job()) || !editor.result()?.png || paid.paying();
  /** The button that asked for the preflight: focus goes back to it when the person cancels. */
  let opener: HTMLElement | undefined;
  let madeBy: HTMLSpanElement | undefined;

  const cancel = (): void => {
    paid.dismiss();
    if (opener?.isConnected && !(opener as HTMLButtonElement).disabled) opener.focus();
    opener = undefined;
  };
  const pay = (action: PendingPaidAction): void => {
    void action.pay();
    opener = undefined;
    // The dialog and the pressed button give way to the progress over the image: focus stays on this
    // panel's "made by" line, which says what is being made and then what was made.
    madeBy?.focus();
  };

  return (
    <section class="paid" aria-label="A provider's cutout" data-testid="paid-exports">
      <span class="made-by" ref={madeBy} tabIndex={-1} data-testid="made-by">
        <Show when={paid.payingFor()} fallback={paid.madeByWords(editor.result()?.madeBy ?? 'on-device')}>
          {(making) => <>Waiting for {making()}…</>}
        </Show>
        <Show when={!paid.payingFor() && editor.result()?.watermarked}> — watermarked</Show>
      </span>
      <Show
        when={paid.hdOffers().length > 0}
        fallback={<p class="hint">For a paid provider's own cutout, add a {paid.offeredProviders()} key in Keys.</p>}
      >
        <p class="hint">Edges not right? A provider can cut the photo out instead, paid with your key:</p>
      </Show>
      <For each={paid.hdOffers()}>
        {(offer) => (
          <button
            type="button"
            disabled={busy() || !paid.online()}
            classList={{ suggested: paid.hdRoute()?.pick?.provider === offer.provider }}
            data-testid={`hd-${offer.provider}`}
            onClick={(event) => {
              opener = event.currentTarget;
              void paid.exportHd(offer.provider);
            }}
          >
            {offer.label} <span class="cost">— {offer.cost}</span>
          </button>
        )}
      </For>
      <Show when={paid.hdRoute()}>
        {(route) => (
          <p class="hint route" data-testid="route-advice" data-pick={route().pick?.provider ?? 'on-device'}>
            {routeAdvice(route())}
          </p>
        )}
      </Show>
      <Show when={paid.pending()}>
        {(action) => (
          <PreflightNotice
            title={action().title}
            providerName={PROVIDER_NAMES[action().provider]}
            preflight={action().preflight}
            now={Date.now()}
            busy={Boolean(editor.job())}
            checking={action().checking}
            note={action().note}
            topUpUrl={action().topUpUrl}
            onRecheck={action().recheck ? () => void action().recheck?.() : undefined}
            onPay={() => pay(action())}
            onCancel={cancel}
          />
        )}
      </Show>
      <Show when={keys.state.saved.photoroom}>
        <AiEditForm onAsk={(button) => (opener = button)} />
      </Show>
    </section>
  );
}
