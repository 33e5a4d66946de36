import { createSignal, Show } from 'solid-js';
import { usePwa } from '../services.ts';
import { formatBytes } from '../../shared/format.ts';

/** "Make available offline": the chosen model in the browser's storage, with progress and removal. */
export function OfflinePanel() {
  const { offlineModel, update, connectivity } = usePwa();
  const state = offlineModel.state;
  const complete = () => state.cached !== undefined && state.cached.total > 0 && state.cached.loaded === state.cached.total;
  const statusText = (): string => {
    const cached = state.cached;
    if (!cached) return 'Checking the downloaded model…';
    if (complete()) return `The ${cached.model} model is on this device (${formatBytes(cached.total)}): cutouts work offline.`;
    if (cached.loaded > 0) return `${formatBytes(cached.loaded)} of ${formatBytes(cached.total)} of the ${cached.model} model downloaded.`;
    return `The ${cached.model} model (${formatBytes(cached.total)}) is not downloaded yet.`;
  };
  const percent = (part: { loaded: number; total: number }) => (part.total > 0 ? Math.floor((part.loaded / part.total) * 100) : 0);
  /** Removal asks first: the model is a large download to get back. */
  const [confirmingRemove, setConfirmingRemove] = createSignal(false);
  let removeButton: HTMLButtonElement | undefined;
  let keepButton: HTMLButtonElement | undefined;
  const canRemove = () => state.downloading === undefined && !offlineModel.removing() && (state.cached?.loaded ?? 0) > 0;
  return (
    <div class="panel offline-panel">
      <p data-testid="offline-model-status" data-complete={complete() ? 'yes' : 'no'}>
        {statusText()}
      </p>
      <Show when={state.downloading}>
        {(progress) => (
          <div class="progress" data-testid="offline-progress">
            <span>
              {formatBytes(progress().loaded)} of {formatBytes(progress().total)} ({percent(progress())} %)
            </span>
            <progress max={100} value={percent(progress())} aria-label="Model download" />
          </div>
        )}
      </Show>
      <Show when={state.error}>
        {(error) => (
          <p class="message error" role="alert" data-testid="offline-error">
            {error()}
          </p>
        )}
      </Show>
      <div class="export">
        <button
          type="button"
          data-testid="make-offline"
          disabled={!update.state.active || !connectivity.online() || state.downloading !== undefined || complete()}
          onClick={() => void offlineModel.download()}
        >
          Make available offline
        </button>
        <button
          type="button"
          ref={removeButton}
          data-testid="remove-model"
          disabled={!canRemove() || confirmingRemove()}
          onClick={() => {
            setConfirmingRemove(true);
            keepButton?.focus();
          }}
        >
          Remove downloaded model
        </button>
      </div>
      <Show when={confirmingRemove() && state.cached}>
        {(cached) => (
          <div class="export" role="group" aria-label="Remove the downloaded model?" data-testid="remove-model-ask">
            <span>
              Remove the {formatBytes(cached().loaded)} of the {cached().model} model from this device? Cutouts then need the network until
              it is downloaded again.
            </span>
            <button
              type="button"
              class="danger"
              data-testid="remove-model-confirm"
              disabled={!canRemove()}
              onClick={() => {
                setConfirmingRemove(false);
                void offlineModel.remove();
                removeButton?.focus();
              }}
            >
              Remove
            </button>
            <button
              type="button"
              ref={keepButton}
              data-testid="remove-model-keep"
              onClick={() => {
                setConfirmingRemove(false);
                removeButton?.focus();
              }}
            >
              Keep
            </button>
          </div>
        )}
      </Show>
      <Show when={!connectivity.online() && !complete()}>
        <p class="hint">The download needs the network.</p>
      </Show>
      <Show when={!update.state.active}>
        <p class="hint">Offline use needs the app's service worker, which starts after the first load.</p>
      </Show>
      <p class="hint" data-testid="storage-used">
        <Show when={state.storage} fallback="Storage use unknown.">
          {(storage) => (
            <>
              This site uses {formatBytes(storage().usage)} of {formatBytes(storage().quota)} available to it.
            </>
          )}
        </Show>
        {state.persisted === true
          ? ' Kept even when space runs low.'
          : state.persisted === false
            ? ' The browser may clear it when space runs low.'
            : ''}
      </p>
    </div>
  );
}
