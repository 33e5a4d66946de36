import { createSignal, For, Show } from 'solid-js';
import { useRecents } from '../services.ts';
import { formatBytes } from '../../shared/format.ts';

const when = (savedAt: number): string =>
  new Date(savedAt).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** The cutouts kept on this device: open one to edit it again, delete one, or all. */
export function RecentCutouts(props: { onOpened: () => void }) {
  const flow = useRecents();
  const recents = flow.recents;
  const [confirmClear, setConfirmClear] = createSignal(false);
  return (
    <div class="panel recents" data-testid="recents">
      <p class="hint">
        The last cutouts you made, with their photo and settings, kept in this browser only. Open one to change its background, frame or
        format again, also offline.
      </p>
      <Show when={recents.problem()}>
        {(text) => (
          <p class="problem" role="alert" data-testid="recents-problem">
            {text()}
          </p>
        )}
      </Show>
      <Show when={recents.entries().length > 0} fallback={<p data-testid="recents-empty">No recent cutouts yet.</p>}>
        <p data-testid="recents-usage">
          {recents.entries().length} kept, {formatBytes(recents.bytesUsed())} on this device.
        </p>
        <ul class="recent-list">
          <For each={recents.entries()}>
            {(entry) => (
              <li class="recent" data-testid="recent">
                <img src={entry.thumbnailUrl} alt="" width="80" height="80" />
                <span class="recent-words">
                  <strong>{entry.fileName}</strong>
                  <span class="hint">
                    {entry.madeBy === 'on-device' ? 'On this device' : entry.madeBy} · {entry.width}×{entry.height} · {when(entry.savedAt)}
                  </span>
                </span>
                <span class="recent-actions">
                  <button
                    type="button"
                    data-testid="recent-open"
                    aria-label={`Open ${entry.fileName}`}
                    onClick={() => void flow.open(entry.id).then((opened) => opened && props.onOpened())}
                  >
                    Open
                  </button>
                  <button
                    type="button"
                    data-testid="recent-delete"
                    aria-label={`Delete ${entry.fileName}`}
                    onClick={() => void recents.remove(entry.id)}
                  >
                    Delete
                  </button>
                </span>
              </li>
            )}
          </For>
        </ul>
        <Show
          when={confirmClear()}
          fallback={
            <button type="button" data-testid="recents-clear" onClick={() => setConfirmClear(true)}>
              Delete all
            </button>
          }
        >
          <p class="confirm" role="group" aria-label="Delete all recent cutouts?">
            <span>Delete all {recents.entries().length} recent cutouts from this device?</span>
            <button
              type="button"
              data-testid="recents-clear-confirm"
              onClick={() => {
                setConfirmClear(false);
                void recents.clear();
              }}
            >
              Delete all
            </button>
            <button type="button" onClick={() => setConfirmClear(false)}>
              Keep them
            </button>
          </p>
        </Show>
      </Show>
    </div>
  );
}

/** A paid cutout of the photo just dropped is already kept: offered, so nobody pays twice by accident. */
export function PaidBeforeOffer() {
  const flow = useRecents();
  return (
    <Show when={flow.paidBefore()}>
      {(before) => (
        <div class="status-line note paid-before" role="status" data-testid="paid-before">
          <span>
            You already have {before().madeBy}'s cutout of this photo (from {when(before().savedAt)}), kept in Recent.
          </span>
          <button type="button" data-testid="paid-before-open" onClick={() => void flow.open(before().id)}>
            Open it
          </button>
          <button type="button" onClick={() => flow.dismissPaidBefore()}>
            Not now
          </button>
        </div>
      )}
    </Show>
  );
}
