import { createEffect, createSignal, createUniqueId, onCleanup, onMount, Show } from 'solid-js';
import type { Preflight } from '../../../credits/logic/preflight.ts';
import { describeAge, preflightWords } from '../../format/credits.ts';

export interface PreflightNoticeProps {
  /** "PhotoRoom's cutout", "PhotoRoom AI edit". */
  title: string;
  preflight: Preflight;
  now: number;
  onPay: () => void;
  /** Cancel, Escape: nothing is sent; the on-device result stays. */
  onCancel: () => void;
  /** Set when the balance is what blocks the call: check it again, then show the preflight anew. */
  onRecheck?: () => void;
  /** The provider's own top-up or pricing page, when the balance is what blocks the call. */
  topUpUrl?: string;
  /** The provider's name, for the top-up link's words. */
  providerName: string;
  /** "Check balance again" is running. */
  checking?: boolean;
  /** What the last balance check said. */
  note?: string;
  busy?: boolean;
}

/**
 * What a paid call will cost, before it runs, in a centred modal dialog (in view wherever the button
 * was): the sentence and Pay, or why it cannot run with Cancel and, when the balance is short, "Check
 * balance again" and the provider's top-up page. Focus starts on the main button; Escape cancels.
 * Renders props only; the choices are dispatched.
 */
export function PreflightNotice(props: PreflightNoticeProps) {
  const titleId = createUniqueId();
  const sentenceId = createUniqueId();
  const [pressed, setPressed] = createSignal(false);
  let dialog: HTMLDialogElement | undefined;
  let primary: HTMLButtonElement | undefined;
  let cancel: HTMLButtonElement | undefined;
  const blocked = () => props.preflight.status === 'blocked';

  onMount(() => {
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    (primary ?? cancel)?.focus();
  });
  // Closed because the question went away (paid, cancelled): not a second "cancel".
  let disposed = false;
  onCleanup(() => {
    disposed = true;
    if (dialog?.open) dialog.close();
  });
  // A fresh preflight (after "Check balance again") may change the main button: keep focus inside.
  createEffect(() => {
    void props.preflight;
    if (!props.checking && dialog?.open && !dialog.contains(document.activeElement)) (primary ?? cancel)?.focus();
  });

  return (
    <dialog
      ref={dialog}
      class="preflight-dialog"
      aria-labelledby={titleId}
      aria-describedby={sentenceId}
      data-testid="preflight"
      data-status={props.preflight.status}
      onClose={() => {
        // Escape (or any other way the browser closes it) is the person's Cancel.
        if (!disposed) props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p id={sentenceId} class={blocked() ? 'preflight-blocked' : 'preflight-cost'} data-testid="preflight-sentence">
        {preflightWords(props.preflight).sentence}
      </p>
      <Show when={props.preflight.stale && props.preflight.lastRefreshedAt !== undefined}>
        <p class="hint">
          Balance {describeAge(props.preflight.lastRefreshedAt, props.now)}; it is checked again first when the provider's limits allow.
        </p>
      </Show>
      <Show when={props.note}>
        {(note) => (
          <p class="hint" role="status" data-testid="preflight-note">
            {props.checking ? 'Checking…' : note()}
          </p>
        )}
      </Show>
      <Show when={blocked() && props.topUpUrl}>
        {(url) => (
          <p>
            <a href={url()} target="_blank" rel="noopener noreferrer" data-testid="preflight-top-up">
              Top up or see prices at {props.providerName}
            </a>{' '}
            <span class="hint">(opens {props.providerName}'s site)</span>
          </p>
        )}
      </Show>
      <div class="preflight-actions">
        <Show when={props.preflight.status === 'ok'}>
          <button
            type="button"
            class="primary"
            ref={primary}
            data-testid="preflight-pay"
            disabled={props.busy || pressed()}
            onClick={() => {
              // Once: the call is on its way; the dialog closes as it starts.
              if (pressed()) return;
              setPressed(true);
              props.onPay();
            }}
          >
            {props.preflight.cost === 0 ? 'Run (free)' : 'Pay and run'}
          </button>
        </Show>
        <Show when={blocked() && props.onRecheck}>
          {(recheck) => (
            // Not `disabled` while checking: a disabled button would drop the focus it holds.
            <button
              type="button"
              class="primary"
              ref={primary}
              data-testid="preflight-recheck"
              aria-disabled={props.checking ? 'true' : undefined}
              onClick={() => {
                if (!props.checking) recheck()();
              }}
            >
              {props.checking ? 'Checking…' : 'Check balance again'}
            </button>
          )}
        </Show>
        <button type="button" ref={cancel} data-testid="preflight-on-device" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
