import { createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { useApp, useEditor } from '../services.ts';
import { DEFAULT_AI_EDIT, type AiEditChoices } from '../../providers/offers.ts';
import { PreflightNotice } from './usage/PreflightNotice.tsx';
import { routeAdvice } from '../format/credits.ts';

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

function AiEditForm() {
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
        <button type="submit" data-testid="ai-edit-run" disabled={Boolean(editor.job()) || !paid.online()}>
          Run AI edit — {paid.aiEditCost()}
        </button>
      </form>
    </details>
  );
}

/** "On-device (free)" is what is shown; each saved key adds "HD via <provider>" with its cost. */
export function PaidExports() {
  const editor = useEditor();
  const { keys, paid } = useApp();
  const busy = () => Boolean(editor.job()) || !editor.result()?.png;
  return (
    <section class="paid" aria-label="Cutout source" data-testid="paid-exports">
      <span class="made-by" data-testid="made-by">
        {editor.result()?.madeBy === 'on-device' ? 'On-device (free)' : editor.result()?.madeBy}
        <Show when={editor.result()?.watermarked}> — watermarked</Show>
      </span>
      <For each={paid.hdOffers()} fallback={<span class="hint">Add a {paid.offeredProviders()} key in Keys for HD cutouts.</span>}>
        {(offer) => (
          <button
            type="button"
            disabled={busy() || !paid.online()}
            classList={{ suggested: paid.hdRoute()?.pick?.provider === offer.provider }}
            data-testid={`hd-${offer.provider}`}
            onClick={() => void paid.exportHd(offer.provider)}
          >
            {offer.label} <span class="cost">— {offer.cost}</span>
          </button>
        )}
      </For>
      <Show when={paid.hdRoute()}>
        {(route) => (
          <span class="hint route" data-testid="route-advice" data-pick={route().pick?.provider ?? 'on-device'}>
            {routeAdvice(route())}
          </span>
        )}
      </Show>
      <Show when={paid.pending()}>
        {(action) => (
          <div class="preflight" aria-label={action().title}>
            <strong>{action().title}</strong>
            <PreflightNotice
              preflight={action().preflight}
              now={Date.now()}
              busy={Boolean(editor.job())}
              onPay={() => void action().pay()}
              onDevice={() => paid.dismiss()}
            />
          </div>
        )}
      </Show>
      <Show when={keys.state.saved.photoroom}>
        <AiEditForm />
      </Show>
    </section>
  );
}
