import { createEffect, createSignal, For, Match, Show, Switch } from 'solid-js';
import { useApp } from '../services.ts';
import { PROVIDER_IDS, type KeyProtection, type SavedKey as SavedKeyState } from '../state/keys.ts';
import { ADDRESS_SETTING, describeProviderError, PROVIDER_NAMES, providerMeta } from '../../providers/index.ts';
import { ENDPOINT_FIELDS } from '../../providers/endpoints.ts';
import type { ProviderId, ProviderStatus } from '../../providers/index.ts';
import { balanceSummary } from '../format/balance.ts';
import './paid.css';

/**
 * Where focus goes when the key form and the saved-key row replace each other (a key saved, a key
 * forgotten): to the new row or the new field, never to the page's body.
 */
const [focusTarget, setFocusTarget] = createSignal<{ provider: ProviderId; what: 'saved-key' | 'key-input' }>();

/** Focuses `element` once, when the panel asked for it (after the swap that created it). */
function focusWhenAsked(provider: ProviderId, what: 'saved-key' | 'key-input', element: () => HTMLElement | undefined): void {
  createEffect(() => {
    const wanted = focusTarget();
    const target = element();
    if (!wanted || !target || wanted.provider !== provider || wanted.what !== what) return;
    setFocusTarget(undefined);
    target.focus();
  });
}

function SavedKey(props: { provider: ProviderId; account: SavedKeyState; retired?: boolean }) {
  const { keys } = useApp();
  const name = PROVIDER_NAMES[props.provider];
  const [row, setRow] = createSignal<HTMLDivElement>();
  const [confirming, setConfirming] = createSignal(false);
  const [forgetting, setForgetting] = createSignal(false);
  let forgetButton: HTMLButtonElement | undefined;
  let keepButton: HTMLButtonElement | undefined;
  focusWhenAsked(props.provider, 'saved-key', row);
  const balance = () => keys.balanceOf(props.provider);
  const checking = () => {
    const keyId = props.account.key.id;
    return keys.credits()?.state.refreshing[keyId] === true;
  };
  async function forget(): Promise<void> {
    setForgetting(true);
    try {
      await keys.forget(props.provider);
      // The row gave way to the key field: focus follows it.
      setFocusTarget({ provider: props.provider, what: 'key-input' });
    } finally {
      setForgetting(false);
    }
  }
  return (
    <div
      class="saved-key"
      ref={setRow}
      tabIndex={-1}
      role="group"
      aria-label={`Saved ${name} key`}
      data-testid={`saved-key-${props.provider}`}
    >
      <span>
        Key <code data-testid={`key-masked-${props.provider}`}>{props.account.key.masked}</code>
        <Show when={props.account.key.sandbox}> (a test key, {name}'s “sandbox”: free, results watermarked)</Show>
      </span>
      <span data-testid={`balance-${props.provider}`}>
        <Show when={balance()?.available !== undefined && balance()} fallback={checking() ? 'Checking…' : 'Balance not known yet'}>
          {(known) => <>{props.retired ? `Last balance: ${balanceSummary(known())}` : balanceSummary(known())}</>}
        </Show>
      </span>
      <Show when={keys.addressChange(props.provider)}>
        {(words) => (
          <>
            <span class="problem" role="alert" data-testid={`key-address-changed-${props.provider}`}>
              {words()}
            </span>
            <AddKey provider={props.provider} again />
          </>
        )}
      </Show>
      <Show when={props.account.problem}>
        {(problem) => (
          <span class="problem" role="alert" data-testid={`key-problem-${props.provider}`}>
            {problem()}
          </span>
        )}
      </Show>
      <Show
        when={confirming()}
        fallback={
          <span class="key-actions">
            <Show when={!props.retired}>
              <button type="button" disabled={checking()} onClick={() => void keys.refresh(props.provider)}>
                Refresh
              </button>
            </Show>
            <button
              type="button"
              ref={forgetButton}
              data-testid={`forget-${props.provider}`}
              onClick={() => {
                setConfirming(true);
                keepButton?.focus();
              }}
            >
              Forget key
            </button>
          </span>
        }
      >
        <span class="key-actions confirm" role="group" aria-label={`Forget the ${name} key?`} data-testid={`forget-ask-${props.provider}`}>
          <span>Forget the {name} key?</span>
          <button
            type="button"
            class="danger"
            disabled={forgetting()}
            data-testid={`forget-confirm-${props.provider}`}
            onClick={() => void forget()}
          >
            Forget
          </button>
          <button
            type="button"
            ref={keepButton}
            data-testid={`forget-keep-${props.provider}`}
            onClick={() => {
              setConfirming(false);
              forgetButton?.focus();
            }}
          >
            Keep
          </button>
        </span>
      </Show>
    </div>
  );
}

/** What a person should know about a provider before and while using it: its closing date, whether it answers web pages, its units. */
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

function AddKey(props: { provider: ProviderId; again?: boolean }) {
  const { keys } = useApp();
  const [secret, setSecret] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [refusal, setRefusal] = createSignal<string>();
  const name = PROVIDER_NAMES[props.provider];
  const [field, setField] = createSignal<HTMLInputElement>();
  focusWhenAsked(props.provider, 'key-input', field);

  async function add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setRefusal(undefined);
    const outcome = await keys.add(props.provider, secret());
    setBusy(false);
    if (outcome.saved) {
      setSecret('');
      // The field gives way to the saved-key row: focus follows it.
      setFocusTarget({ provider: props.provider, what: 'saved-key' });
    } else setRefusal(outcome.reason);
  }

  return (
    <form class="add-key" onSubmit={(event) => void add(event)}>
      <Show when={keys.waitsForReload(props.provider)}>
        <p class="notice" data-testid={`key-reload-first-${props.provider}`}>
          Reload the page first: the {name} address you set is used only after a reload, and the key is checked there.{' '}
          <button type="button" class="link" onClick={() => location.reload()}>
            Reload now
          </button>
        </p>
      </Show>
      <Show when={keys.recipientWords(props.provider)}>
        {(words) => (
          <p class="notice" data-testid={`key-recipient-${props.provider}`}>
            {words()}
          </p>
        )}
      </Show>
      {/* A text field masked by CSS, not type=password: browsers offer to save and sync password
          fields as site passwords whatever autocomplete says. The data- attributes ask the common
          password-manager extensions to leave it alone too. */}
      <input
        ref={setField}
        type="text"
        class="secret"
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        data-1p-ignore=""
        data-lpignore="true"
        data-bwignore=""
        data-form-type="other"
        placeholder={props.again ? `Paste your ${name} API key again` : `Paste your ${name} API key`}
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

function EndpointFields(props: { provider: ProviderId; onSaved: () => void }) {
  const { endpoints } = useApp();
  return (
    <For each={ENDPOINT_FIELDS[props.provider]}>
      {(endpoint) => {
        const [refusal, setRefusal] = createSignal<string>();
        async function save(value: string): Promise<void> {
          const reason = await endpoints.set(props.provider, endpoint.field, value);
          setRefusal(reason);
          if (reason === undefined) props.onSaved();
        }
        return (
          <label>
            {PROVIDER_NAMES[props.provider]} {endpoint.label}
            <input
              type="url"
              placeholder={endpoint.defaultUrl}
              data-testid={`endpoint-${props.provider}-${endpoint.field}`}
              value={endpoints.state.values[props.provider][endpoint.field] ?? ''}
              onChange={(event) => void save(event.currentTarget.value)}
            />
            <Show when={refusal()}>
              {(text) => (
                <span class="problem" role="alert">
                  {text()}
                </span>
              )}
            </Show>
          </label>
        );
      }}
    </For>
  );
}

/** The addresses a key goes to, for a relay or a company gateway; one "reload" line for all of them. */
function AdvancedAddresses() {
  const [saved, setSaved] = createSignal(false);
  return (
    <details class="advanced">
      <summary>Advanced: API addresses</summary>
      <p class="hint">
        For a relay (npm run relay, see the README) when a provider does not answer web pages, or for a company gateway. Leave empty to use
        the provider's own address. Your key is sent to the address set here.
      </p>
      <For each={PROVIDER_IDS}>{(provider) => <EndpointFields provider={provider} onSaved={() => setSaved(true)} />}</For>
      <Show when={saved()}>
        {/* The page's Content-Security-Policy is fixed when it loads; the service worker builds the next one from these addresses. */}
        <p class="hint" role="status" data-testid="endpoint-reload">
          Saved. Changed addresses are used after a reload:{' '}
          <button type="button" class="link" onClick={() => location.reload()}>
            reload now
          </button>
        </p>
      </Show>
    </details>
  );
}

const PROTECTION_WORDS: Record<KeyProtection, { label: string; says: string }> = {
  device: {
    label: 'Stored in this browser',
    says: 'Keys are encrypted with a key kept in this browser, which keeps them out of plain-text searches and nothing more: anyone who can run software as you on this device, or copy your browser profile, can read them. If the device is shared or lost, revoke the keys at the provider.',
  },
  passphrase: {
    label: 'Locked with a passphrase',
    says: 'Keys are encrypted under your passphrase (PBKDF2-SHA-256, 600 000 rounds), which is never stored: a copy of your browser profile is useless without it. While unlocked, the keys are in this tab’s memory. A forgotten passphrase cannot be recovered: forget the keys and add them again.',
  },
  session: {
    label: 'This session only',
    says: 'Keys stay in this tab’s memory and are never written to disk; they are gone when you close the tab.',
  },
};

function UnlockForm() {
  const { keys } = useApp();
  const [passphrase, setPassphrase] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [refusal, setRefusal] = createSignal<string>();
  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    const outcome = await keys.unlock(passphrase());
    setBusy(false);
    setRefusal(outcome.reason);
    if (outcome.unlocked) setPassphrase('');
  }
  return (
    <form class="add-key" data-testid="unlock-form" onSubmit={(event) => void submit(event)}>
      <p class="notice">Your keys are locked. Type your passphrase to use them in this tab.</p>
      <input
        type="text"
        class="secret"
        autocomplete="off"
        spellcheck={false}
        data-1p-ignore=""
        data-lpignore="true"
        aria-label="Passphrase"
        data-testid="unlock-passphrase"
        value={passphrase()}
        onInput={(event) => setPassphrase(event.currentTarget.value)}
      />
      <button type="submit" disabled={busy()} data-testid="unlock">
        {busy() ? 'Unlocking…' : 'Unlock'}
      </button>
      <Show when={refusal()}>
        {(text) => (
          <span class="problem" role="alert" data-testid="unlock-refused">
            {text()}
          </span>
        )}
      </Show>
    </form>
  );
}

const IDLE_CHOICES = [5, 15, 60, 0] as const;

function KeyProtectionSettings() {
  const { keys } = useApp();
  const [choice, setChoice] = createSignal<KeyProtection>();
  const [passphrase, setPassphrase] = createSignal('');
  const [repeat, setRepeat] = createSignal('');
  const [problem, setProblem] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const current = () => keys.state.vault.protection;
  const wanted = () => choice() ?? current();

  async function apply(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const target = wanted();
    if (target === 'passphrase' && passphrase() !== repeat())
      return void setProblem('The two passphrases differ. Type the same one twice.');
    setBusy(true);
    const reason = await keys.protect(
      target === 'passphrase' ? { protection: 'passphrase', passphrase: passphrase() } : { protection: target },
    );
    setBusy(false);
    setProblem(reason);
    if (reason === undefined) {
      setPassphrase('');
      setRepeat('');
      setChoice(undefined);
    }
  }

  return (
    <form class="protection" data-testid="key-protection" onSubmit={(event) => void apply(event)}>
      <fieldset disabled={keys.state.vault.locked}>
        <legend>How your keys are kept</legend>
        <For each={['device', 'passphrase', 'session'] as const}>
          {(option) => (
            <label>
              <input
                type="radio"
                name="key-protection"
                value={option}
                checked={wanted() === option}
                data-testid={`protection-${option}`}
                onChange={() => setChoice(option)}
              />
              {PROTECTION_WORDS[option].label}
              <Show when={current() === option}> (now)</Show>
            </label>
          )}
        </For>
        <p class="hint" data-testid="protection-says">
          {PROTECTION_WORDS[wanted()].says}
        </p>
        <Show when={wanted() === 'passphrase'}>
          <label>
            {current() === 'passphrase' ? 'New passphrase' : 'Passphrase'}
            <input
              type="text"
              class="secret"
              autocomplete="off"
              spellcheck={false}
              data-1p-ignore=""
              data-lpignore="true"
              data-testid="new-passphrase"
              value={passphrase()}
              onInput={(event) => setPassphrase(event.currentTarget.value)}
            />
          </label>
          <label>
            The same again
            <input
              type="text"
              class="secret"
              autocomplete="off"
              spellcheck={false}
              data-1p-ignore=""
              data-lpignore="true"
              data-testid="repeat-passphrase"
              value={repeat()}
              onInput={(event) => setRepeat(event.currentTarget.value)}
            />
          </label>
        </Show>
        <Show when={wanted() !== current() || (wanted() === 'passphrase' && passphrase() !== '')}>
          <button type="submit" disabled={busy()} data-testid="protection-apply">
            {busy() ? 'Working…' : wanted() === 'passphrase' && current() === 'passphrase' ? 'Change passphrase' : 'Use this'}
          </button>
        </Show>
        <Show when={current() === 'passphrase'}>
          <label>
            Lock after
            <select
              data-testid="idle-lock"
              value={String(keys.state.vault.idleLockMinutes)}
              onChange={(event) => void keys.setIdleLockMinutes(Number(event.currentTarget.value))}
            >
              <For each={IDLE_CHOICES}>
                {(minutes) => <option value={String(minutes)}>{minutes === 0 ? 'only when I lock' : `${minutes} minutes idle`}</option>}
              </For>
            </select>
          </label>
          <button type="button" data-testid="lock-now" onClick={() => keys.lock()}>
            Lock now
          </button>
        </Show>
        <Show when={problem()}>
          {(text) => (
            <span class="problem" role="alert" data-testid="protection-problem">
              {text()}
            </span>
          )}
        </Show>
      </fieldset>
    </form>
  );
}

export function KeysPanel() {
  const { keys } = useApp();
  return (
    <div class="panel keys">
      <p class="hint">
        Optional: with your own key, a paid provider can make its own cutout of your photo, or an AI edit. Keys are sent only to their
        provider's address (below, under Advanced), never to Cutwise.
      </p>
      <Show when={keys.state.vault.locked}>
        <UnlockForm />
      </Show>
      <KeyProtectionSettings />
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
      <AdvancedAddresses />
    </div>
  );
}
