import { Show } from 'solid-js';
import type { Preflight } from '../../../credits/logic/preflight.ts';
import { describeAge, preflightWords } from '../../format/credits.ts';

/**
 * What a paid call will cost, before it runs: the sentence, or the block with the on-device
 * alternative. Renders props only; the choices are dispatched.
 */
export function PreflightNotice(props: { preflight: Preflight; now: number; onPay: () => void; onDevice: () => void; busy?: boolean }) {
  return (
    <div
      class={`message ${props.preflight.status === 'blocked' ? 'error' : 'notice'}`}
      role={props.preflight.status === 'blocked' ? 'alert' : 'status'}
      data-testid="preflight"
      data-status={props.preflight.status}
    >
      <span>
        <span data-testid="preflight-sentence">{preflightWords(props.preflight).sentence}</span>
        <Show when={props.preflight.stale && props.preflight.lastRefreshedAt !== undefined}>
          {' '}
          <span class="hint">
            Balance {describeAge(props.preflight.lastRefreshedAt, props.now)}; it is checked again first when the rate limit allows.
          </span>
        </Show>
      </span>
      <span class="export">
        <Show when={props.preflight.status === 'ok'}>
          <button type="button" data-testid="preflight-pay" disabled={props.busy} onClick={() => props.onPay()}>
            {props.preflight.cost === 0 ? 'Run (free)' : 'Pay and run'}
          </button>
        </Show>
        <button type="button" data-testid="preflight-on-device" onClick={() => props.onDevice()}>
          Use the free on-device cutout
        </button>
      </span>
    </div>
  );
}
