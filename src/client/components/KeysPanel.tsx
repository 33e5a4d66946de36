import { createSignal, For, Show } from 'solid-js';
import { useProviders } from '../state/context.ts';
import { PROVIDER_IDS, type Account } from '../state/accounts.ts';
import { PROVIDER_NAMES, REMOVEBG_SHUTDOWN_NOTICE } from '../../providers/index.ts';
import { ENDPOINT_FIELDS } from '../../providers/endpoints.ts';
import type { ProviderId } from '../../providers/types.ts';
import type { KeyAccount } from '../../credits/logic/types.ts';

function balanceWords(account: KeyAccount, planLabel: string | undefined): string {
  const unit = account.unit === 'image' ? 'images' : 'credits';
  const reported = account.reported;
  let left = `${account.available} ${unit} left`;
  if (account.provider === 'removebg') {
    // remove.bg's figures are parts of the total, not a monthly allowance.
    const split = [
      reported?.subscription ? `${reported.subscription} subscription` : '',
      reported?.payg ? `${reported.payg} pay-as-you-go` : '',
      reported?.enterprise ? `${reported.enterprise} enterprise` : '',
    ].filter(Boolean);
    if (split.length > 0) left += ` (${split.join(', ')} at the last check)`;
  } else if (reported?.subscription) {
    left = `${account.available} of ${reported.subscription} ${unit} left`;
  }
  const parts = [left];
  if (planLabel) parts.push(`${planLabel} plan`);
  if (reported?.freeCalls !== undefined) parts.push(`${reported.freeCalls} free previews this month`);
  if (reported?.expiresAt) parts.push(`expires ${new Date(reported.expiresAt).toLocaleDateString()}`);
  return parts.join(' · ');
}

function SavedKey(props: { provider: ProviderId; account: Account }) {
  const { accounts } = useProviders();
  const balance = () => accounts.balanceOf(props.provider);
  const planLabel = (plan: string | undefined) =>
    plan === undefined ? undefined : (accounts.adapters()[props.provider].plans.find((known) => known.id === plan)?.label ?? plan);
  const checking = () => {
    const keyId = props.account.key.id;
    return accounts.credits()?.state.refreshing[keyId] === true;
  };
  return (
    <div class="saved-key">
      <span>
        Key <code data-testid={`key-masked-${props.provider}`}>{props.account.key.masked}</code>
        <Show when={props.account.key.sandbox}> (sandbox: free, watermarked)</Show>
      </span>
      <span data-testid={`balance-${props.provider}`}>
        <Show when={balance()?.available !== undefined && balance()} fallback={checking() ? 'Checking…' : 'Balance not known yet'}>
          {(known) => <>{balanceWords(known(), planLabel(known().plan))}</>}
        </Show>
      </span>
      <Show when={props.account.problem}>
        {(problem) => (
          <span class="problem" role="alert" data-testid={`key-problem-${props.provider}`}>
            {problem()}
          </span>
        )}
      </Show>
      <span class="actions">
        <button type="button" disabled={checking()} onClick={() => void accounts.refresh(props.provider)}>
          Refresh
        </button>
        <button type="button" data-testid={`forget-${props.provider}`} onClick={() => void accounts.forget(props.provider)}>
          Forget key
        </button>
      </span>
    </div>
  );
}

function AddKey(props: { provider: ProviderId }) {
  const { accounts } = useProviders();
  const [secret, setSecret] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [refusal, setRefusal] = createSignal<string>();
  const name = PROVIDER_NAMES[props.provider];

  async function add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    const outcome = await accounts.addKey(props.provider, secret());
    setBusy(false);
    if (outcome.saved) setSecret('');
    else setRefusal(outcome.reason);
  }

  return (
    <form class="add-key" onSubmit={(event) => void add(event)}>
      <input
        type="password"
        autocomplete="off"
        spellcheck={false}
        placeholder={`Paste your ${name} API key`}
        aria-label={`${name} API key`}
        data-testid={`key-input-${props.provider}`}
        value={secret()}
        onInput={(event) => setSecret(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy() || secret().trim() === ''} data-testid={`add-key-${props.provider}`}>
        {busy() ? 'Checking…' : 'Add and check'}
      </button>
      <Show when={refusal()}>
        {(text) => (
          <span class="problem" role="alert" data-testid={`key-refused-${props.provider}`}>
            {text()}
          </span>
        )}
      </Show>
    </form>
  );
}

function EndpointFields(props: { provider: ProviderId }) {
  const { accounts } = useProviders();
  const [refusal, setRefusal] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);
  async function save(field: string, value: string): Promise<void> {
    const reason = await accounts.setEndpoint(props.provider, field, value);
    setRefusal(reason);
    setSaved(reason === undefined);
  }
  return (
    <For each={ENDPOINT_FIELDS[props.provider]}>
      {(endpoint) => (
        <label>
          {PROVIDER_NAMES[props.provider]} {endpoint.label}
          <input
            type="url"
            placeholder={endpoint.defaultUrl}
            data-testid={`endpoint-${props.provider}-${endpoint.field}`}
            value={(accounts.state.endpoints[props.provider] as Record<string, string | undefined>)[endpoint.field] ?? ''}
            onChange={(event) => void save(endpoint.field, event.currentTarget.value)}
          />
          <Show when={refusal()}>{(text) => <span class="problem" role="alert">{text()}</span>}</Show>
          <Show when={saved()}>
            {/* The page's Content-Security-Policy is fixed when it loads; the service worker builds the next one from these addresses. */}
            <span class="hint" data-testid="endpoint-reload">
              Saved. It is used after a reload:{' '}
              <button type="button" class="link" onClick={() => location.reload()}>
                reload now
              </button>
            </span>
          </Show>
        </label>
      )}
    </For>
  );
}

export function KeysPanel() {
  const { accounts } = useProviders();
  return (
    <details class="settings keys" data-testid="keys-panel">
      <summary>Keys</summary>
      <p class="hint">
        Optional, for HD cutouts and AI edits by a paid provider. Keys are stored encrypted in this browser and sent only
        to their provider.
      </p>
      <Show when={accounts.state.unavailable}>{(text) => <p class="problem" role="alert">{text()}</p>}</Show>
      <For each={PROVIDER_IDS}>
        {(provider) => (
          <section class="provider-key" data-testid={`provider-${provider}`}>
            <h3>{PROVIDER_NAMES[provider]}</h3>
            <Show when={accounts.state.accounts[provider]} fallback={<AddKey provider={provider} />}>
              {(account) => <SavedKey provider={provider} account={account()} />}
            </Show>
            <Show when={provider === 'removebg'}>
              <p class="hint">{REMOVEBG_SHUTDOWN_NOTICE}</p>
            </Show>
          </section>
        )}
      </For>
      <details class="advanced">
        <summary>Advanced: API addresses</summary>
        <p class="hint">
          For a CORS proxy or a company gateway. Leave empty to use the provider's own address. Your key is sent to the
          address set here.
        </p>
        <For each={PROVIDER_IDS}>{(provider) => <EndpointFields provider={provider} />}</For>
      </details>
    </details>
  );
}
