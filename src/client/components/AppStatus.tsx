import { Show } from 'solid-js';
import { usePwa } from '../services.ts';

/** Network, isolation and update notices of the installed app. */
export function AppStatus() {
  const { update, connectivity } = usePwa();
  const pendingText = 'Reloads when the current work has finished.';
  return (
    <>
      <Show when={!connectivity.online()}>
        <div class="status-line offline" role="status" data-testid="offline-indicator">
          Offline — on-device only
        </div>
      </Show>
      <Show when={update.state.updateReady}>
        <div class="status-line update" role="status" data-testid="update-ready">
          <span>Update ready</span>
          <button type="button" onClick={() => update.applyUpdate()} disabled={update.state.reloadPending === 'update'}>
            Reload
          </button>
          <Show when={update.state.reloadPending === 'update'}>
            <span class="hint" data-testid="update-pending">
              {pendingText}
            </span>
          </Show>
        </div>
      </Show>
      <Show when={update.state.registrationError}>
        {(reason) => (
          <div class="status-line note" role="note" data-testid="sw-error">
            Offline use is not available in this browser (the app's service worker could not start: {reason()}). Cutouts still work while
            online.
          </div>
        )}
      </Show>
      <Show when={!update.state.isolated}>
        <div class="status-line note" role="note" data-testid="isolation-note">
          <Show
            when={update.state.controlled}
            fallback={
              <span>
                Not cross-origin isolated: on-device cutouts run on one thread, which is slower.
                {update.state.supported ? ' This changes after a reload once the app is set up.' : ''}
              </span>
            }
          >
            <span>Set up for faster on-device cutouts (multi-threaded) — reload to use it.</span>
            <button type="button" onClick={() => update.reloadForIsolation()} disabled={update.state.reloadPending === 'isolation'}>
              Reload
            </button>
            <Show when={update.state.reloadPending === 'isolation'}>
              <span class="hint">{pendingText}</span>
            </Show>
          </Show>
        </div>
      </Show>
    </>
  );
}
