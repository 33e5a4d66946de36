import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useApp } from '../services.ts';
import { PROVIDER_IDS, type SavedKey as SavedKeyState } from '../state/keys.ts';
import { ADDRESS_SETTING, describeProviderError, PROVIDER_NAMES, providerMeta } from '../../providers/index.ts';
import { ENDPOINT_FIELDS } from '../../providers/endpoints.ts';
import type { ProviderId, ProviderStatus } from '../../providers/index.ts';
import { balanceSummary } from '../format/balance.ts';

function SavedKey(props: { provider: ProviderId; account: SavedKeyState; retired?: boolean }) {
  const { keys } = useApp();
  const balance = () => keys.balanceOf(props.provider);
  const checking = () => {
    const keyId = props.account.key.id;
    return keys.credits()?.state.refreshing[keyId] === true;
  };
  return (
    <div class="saved-key">
      <span>
        Key <code data-testid={`key-masked-${props.provider}`}>{props.account.key.masked}</code>
        <Show when={props.account.key.sandbox}> (sandbox: free, watermarked)</Show>
      </span>
      <span data-testid={`balance-${props.provider}`}>
        <Show when={balance()?.available !== undefined && balance()} fallback={checking() ? 'Checking…' : 'Balance not known yet'}>
          {(known) => <>{props.retired ? `Last balance: ${balanceSummary(known())}` : balanceSummary(known())}</>}
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
        <Show when={!props.retired}>
          <button type="button" disabled={checking()} onClick={() => void keys.refresh(props.provider)}>
            Refresh
          </button>
        </Show>
        <button type="button" data-testid={`forget-${props.provider}`} onClick={() => void keys.forget(props.provider)}>
          Forget key
        </button>
      </span>
    </div>
  );
}

/** What a person should know about a provider before and while using it: its closing date, CORS, its units. */
function ProviderNotes(props: { provider: ProviderId; status: ProviderStatus }) {
  const { keys } = useApp();
  const meta = () => providerMeta(props.provider);
  const successor = () => {
    const id = meta().retirement?.successor;
    return id === undefined ? undefined : PROVIDER_NAMES[id as ProviderId];
  };
  return (
    <>
      <Show when={props.status.state === 'active' && meta().retirement}>
        {(retirement) => (
          <p class="hint" data-testid={`retirement-notice-${props.provider}`}>
            {retirement().announcement} From then on Cutwise no longer offers it
            {successor() ? `; add a ${successor()} key to go on with paid cutouts` : ''}. Your history stays.
          </p>
        )}
      </Show>
      <Show when={meta().browserAccess === 'refuses' && !keys.state.saved[props.provider]}>
        <p class="hint" data-testid={`cors-notice-${props.provider}`}>
          {meta().displayName}'s documentation says to call it from a server, not from a web page, so its host will most likely refuse this
          page. If the check fails, run a relay on your computer (npm run relay, see the README) and set its address under {ADDRESS_SETTING}
          .
        </p>
      </Show>
      <Show when={meta().balance.note}>{(note) => <p class="hint">{note()}</p>}</Show>
    </>
  );
}

function AddKey(props: { provider: ProviderId }) {
  const { keys } = useApp();
  const [secret, setSecret] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [refusal, setRefusal] = createSignal<string>();
  const name = PROVIDER_NAMES[props.provider];

  async function add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    const outcome = await keys.add(props.provider, secret());
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
  const { endpoints } = useApp();
  const [refusal, setRefusal] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);
  async function save(field: string, value: string): Promise<void> {
    const reason = await endpoints.set(props.provider, field, value);
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
            value={endpoints.state.values[props.provider][endpoint.field] ?? ''}
            onChange={(event) => void save(endpoint.field, event.currentTarget.value)}
          />
          <Show when={refusal()}>
            {(text) => (
              <span class="problem" role="alert">
                {text()}
              </span>
            )}
          </Show>
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
  const { keys } = useApp();
  return (
    <details class="settings keys" data-testid="keys-panel">
      <summary>Keys</summary>
      <p class="hint">
        Optional, for HD cutouts and AI edits by a paid provider. Keys are stored encrypted in this browser and sent only to their provider.
      </p>
      <Show when={keys.state.unavailable}>
        {(text) => (
          <p class="problem" role="alert">
            {text()}
          </p>
        )}
      </Show>
      <For each={PROVIDER_IDS}>
        {(provider) => {
          const status = () => keys.status(provider);
          const retiredBy = () => {
            const current = status();
            return current.state === 'retired' ? current.by : undefined;
          };
          return (
            <section class="provider-key" data-testid={`provider-${provider}`} data-state={status().state}>
              <h3>
                {PROVIDER_NAMES[provider]}
                <Show when={status().state === 'retired'}> (closed)</Show>
              </h3>
              <Switch>
                <Match when={retiredBy()}>
                  {(by) => (
                    <>
                      <p class="notice" role="status" data-testid={`retired-${provider}`}>
                        {describeProviderError({ kind: 'retired', provider, retiredBy: by() })}
                      </p>
                      <Show when={keys.state.saved[provider]}>
                        {(account) => <SavedKey provider={provider} account={account()} retired />}
                      </Show>
                    </>
                  )}
                </Match>
                <Match when={keys.state.saved[provider]}>{(account) => <SavedKey provider={provider} account={account()} />}</Match>
                <Match when={true}>
                  <AddKey provider={provider} />
                </Match>
              </Switch>
              <ProviderNotes provider={provider} status={status()} />
            </section>
          );
        }}
      </For>
      <details class="advanced">
        <summary>Advanced: API addresses</summary>
        <p class="hint">
          For a relay (npm run relay, see the README) when a provider refuses web pages, or a company gateway. Leave empty to use the
          provider's own address. Your key is sent to the address set here.
        </p>
        <For each={PROVIDER_IDS}>{(provider) => <EndpointFields provider={provider} />}</For>
      </details>
    </details>
  );
}
