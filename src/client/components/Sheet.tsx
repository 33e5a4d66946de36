import { createEffect, createUniqueId, onCleanup, type JSX } from 'solid-js';

/**
 * A side sheet on a native modal `<dialog>`: the browser makes the rest of the page inert (focus
 * stays inside), Escape closes it, and it never reflows the page under the person. Focus goes back
 * to what had it before (the button that opened it) when it closes, whichever way it closes.
 */
export function Sheet(props: {
  open: boolean;
  title: string;
  testId: string;
  onClose: () => void;
  /** Called each time it opens, e.g. to read fresh figures. */
  onOpen?: () => void;
  children: JSX.Element;
}) {
  const titleId = createUniqueId();
  let dialog: HTMLDialogElement | undefined;
  let returnFocusTo: Element | null = null;

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
      props.onOpen?.();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });
  onCleanup(() => dialog?.close());

  const restoreFocus = (): void => {
    // The close event comes a moment after the dialog closed: by then the person (or the browser's
    // own restoring) may have put the focus somewhere on purpose, which is left alone.
    const active = document.activeElement;
    const lost = active === null || active === document.body || (dialog?.contains(active) ?? false);
    if (lost && returnFocusTo instanceof HTMLElement && returnFocusTo.isConnected) returnFocusTo.focus();
    returnFocusTo = null;
  };

  return (
    <dialog
      ref={dialog}
      class="sheet"
      data-testid={props.testId}
      aria-labelledby={titleId}
      onClose={() => {
        restoreFocus();
        props.onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog box itself, outside its content) closes it.
        if (event.target === dialog) dialog.close();
      }}
    >
      <div class="sheet-body">
        <header class="sheet-head">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" class="icon-button" aria-label={`Close ${props.title}`} onClick={() => dialog?.close()}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
          </button>
        </header>
        {props.children}
      </div>
    </dialog>
  );
}
