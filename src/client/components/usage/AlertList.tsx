import { For, Show } from 'solid-js';
import type { CreditAlert } from '../../../credits/logic/alerts.ts';
import { alertMessage } from '../../format/credits.ts';

/** Credit alerts, most severe first. Renders props only; dismissing is dispatched. */
export function AlertList(props: {
  alerts: readonly CreditAlert[];
  labelFor: (keyId: string) => string;
  onDismiss: (alert: CreditAlert) => void;
}) {
  const sorted = () => [...props.alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  return (
    <Show when={props.alerts.length > 0}>
      <ul class="credit-alerts" aria-label="Credit alerts">
        <For each={sorted()}>
          {(alert) => (
            // The list keeps its items; the live role sits on the message inside each (a list item may not be an alert).
            <li data-testid="credit-alert" data-kind={alert.kind} data-key-id={alert.keyId}>
              <div
                class={`message ${alert.severity === 'critical' ? 'error' : 'notice'}`}
                role={alert.severity === 'critical' ? 'alert' : 'status'}
              >
                <span>{alertMessage(alert, { label: props.labelFor(alert.keyId) })}</span>
                <button type="button" class="link" aria-label="Dismiss alert" onClick={() => props.onDismiss(alert)}>
                  ×
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
