/**
 * Saved keys as the app uses them (client/state/keys.ts) with the real vault (fake-indexeddb) and the
 * real credits coordinator, against the PhotoRoom fake: when a key is decrypted, where it may go after
 * an address changes, what start-up refreshes, the passphrase lock and its idle timer.
 */
import 'fake-indexeddb/auto';
import { createRoot, createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEndpoints } from '../../../src/client/state/endpoints.ts';
import { createKeys } from '../../../src/client/state/keys.ts';
import { createCreditsCoordinator, type CreditsCoordinator, type KeyRef } from '../../../src/credits/coordinator/index.ts';
import { openCreditsStore } from '../../../src/credits/persistence/store.ts';
import { broadcastChannel, inProcessLocks } from '../../../src/credits/tabs.ts';
import { openKeyVault, type KeyVault } from '../../../src/keys/vault.ts';
import { keyBinding, type ProviderEndpoints } from '../../../src/providers/endpoints.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import { deadUrl } from '../providers/images.ts';

const KEY = 'pr_key_0001';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Session {
  vaultName: string;
  values: ProviderEndpoints;
}

/** One page load: the app's keys over a vault database that outlives it (a reload opens it again). */
async function load(session: Session) {
  const reveals: string[] = [];
  const startRefreshes: string[][] = [];
  const activity: Array<() => void> = [];
  let time = Date.parse('2026-11-30T12:00:00Z');
  const clock = { now: () => time };
  const app = createRoot((dispose) => {
    cleanups.push(dispose);
    const [now] = createSignal(time);
    const endpoints = createEndpoints({
      openStore: async () => ({
        load: async () => structuredClone(session.values),
        save: async (provider, values) => void (session.values[provider] = { ...values }),
      }),
    });
    const keys = createKeys({
      endpoints,
      clock,
      now,
      activity: (onActivity) => (activity.push(onActivity), () => undefined),
      openVault: async () => {
        const vault: KeyVault = await openKeyVault(session.vaultName);
        cleanups.push(() => vault.close());
        return { ...vault, reveal: (id, boundTo) => (reveals.push(id), vault.reveal(id, boundTo)) };
      },
      openCoordinator: async (secretFor) => {
        const coordinator: CreditsCoordinator = await createCreditsCoordinator({
          store: await openCreditsStore(`keys-credits-${crypto.randomUUID()}`),
          locks: inProcessLocks(),
          channel: broadcastChannel(`keys-${crypto.randomUUID()}`),
          clock,
          secretFor,
        });
        // What start-up would refresh, recorded instead of sent (remove.bg's own host is not reachable from tests).
        return Object.assign(coordinator, {
          refreshStale: async (refs: readonly KeyRef[]) => (startRefreshes.push(refs.map((ref) => ref.provider)), []),
        });
      },
    });
    return { keys, endpoints };
  });
  cleanups.push(() => app.keys.dispose());
  await app.keys.ready;
  await app.endpoints.ready;
  // The start-up refresh has decided what to ask (it always calls refreshStale, with no keys or some).
  await vi.waitFor(() => expect(startRefreshes.length).toBe(1));
  return { ...app, reveals, startRefreshes, activity, setTime: (at: number) => (time = at) };
}

async function withFake() {
  const photoroom = await startFakeProvider('photoroom');
  photoroom.setBalance(KEY, 10);
  cleanups.push(() => photoroom.close());
  const session: Session = {
    vaultName: `keys-${crypto.randomUUID()}`,
    values: { photoroom: { segmentBase: photoroom.url, imageApiBase: photoroom.url }, removebg: {}, withoutbg: {}, leonardo: {} },
  };
  return { photoroom, session };
}

describe('when keys are decrypted and where they may go', () => {
  it('does not send a key to a relay or gateway at start-up; only keys for their provider’s own address are refreshed', async () => {
    const { session } = await withFake();
    const first = await load(session);
    await first.keys.add('photoroom', KEY);
    first.keys.dispose();
    // A remove.bg key saved for remove.bg's own address (as the vault stores it).
    const vault = await openKeyVault(session.vaultName);
    const own = await vault.add('removebg', 'rb_key_0002', { boundTo: keyBinding('removebg') });
    vault.close();
    const reload = await load(session);
    expect(reload.startRefreshes).toEqual([['removebg']]);
    expect(reload.reveals, 'only the key for its own address was decrypted').toEqual([own.id]);
  });

  it('says who will see the key before it is added for another address, and refuses the saved key after the address changes', async () => {
    const { photoroom, session } = await withFake();
    const app = await load(session);
    expect(app.keys.recipientWords('photoroom')).toMatch(/will be sent to 127\.0\.0\.1:\d+.*whoever runs 127\.0\.0\.1:\d+ can read it/);
    await app.keys.add('photoroom', KEY);
    expect(app.keys.addressChange('photoroom')).toBeUndefined();

    const relay = await startFakeProvider('photoroom');
    relay.setBalance(KEY, 10);
    cleanups.push(() => relay.close());
    expect(await app.endpoints.set('photoroom', 'imageApiBase', relay.url)).toBeUndefined();
    expect(app.keys.addressChange('photoroom')).toMatch(
      /saved for 127\.0\.0\.1:\d+; the address is now .*It is not sent there until you enter it again/,
    );
    const relayCalls = relay.requests.length;
    await expect(app.keys.keyRef('photoroom')).rejects.toThrow(/It is not sent there until you enter it again in Keys/);
    expect(await app.keys.refresh('photoroom')).toBeUndefined();
    expect(relay.requests.length, 'nothing went to the new address').toBe(relayCalls);

    // Entered again: bound to the new address, and it goes there.
    expect(await app.keys.add('photoroom', KEY)).toMatchObject({ saved: true });
    expect(app.keys.addressChange('photoroom')).toBeUndefined();
    expect((await app.keys.keyRef('photoroom')).secret).toBe(KEY);
    expect(photoroom.url).not.toBe(relay.url);
  });
});

describe('a key added after an address change, before the reload', () => {
  it('says to reload first, not that the network or the provider failed', async () => {
    const { session } = await withFake();
    const app = await load(session);
    expect(app.keys.waitsForReload('photoroom')).toBe(false);
    // The page's security policy was built from the addresses it loaded with; this one is new.
    expect(await app.endpoints.set('photoroom', 'imageApiBase', await deadUrl())).toBeUndefined();
    expect(app.keys.waitsForReload('photoroom')).toBe(true);
    expect(app.keys.waitsForReload('removebg')).toBe(false);
    const outcome = await app.keys.add('photoroom', KEY);
    expect(outcome.saved).toBe(true);
    const problem = outcome.saved ? outcome.key.problem : undefined;
    expect(problem).toMatch(/^Saved, but not checked yet: the PhotoRoom address you set is used only after a reload/);
    expect(problem).toMatch(/Reload the page, then press Refresh/);
    expect(problem).not.toMatch(/connection failed|CORS/);
  });
});

describe('passphrase lock in the app', () => {
  it('locks after the idle time the person set, unlocks with the passphrase, and a wrong one is told apart', async () => {
    const { session } = await withFake();
    const app = await load(session);
    await app.keys.add('photoroom', KEY);
    expect(await app.keys.protect({ protection: 'passphrase', passphrase: 'short' })).toMatch(/at least 8 characters/);
    expect(await app.keys.protect({ protection: 'passphrase', passphrase: 'a long passphrase' })).toBeUndefined();
    expect(app.keys.state.vault).toMatchObject({ protection: 'passphrase', locked: false });

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await app.keys.setIdleLockMinutes(5);
    vi.advanceTimersByTime(4 * 60_000);
    for (const onActivity of app.activity) onActivity();
    vi.advanceTimersByTime(4 * 60_000);
    await vi.waitFor(() => expect(app.keys.state.vault.locked).toBe(false));
    vi.advanceTimersByTime(60_000 + 1);
    vi.useRealTimers();
    await vi.waitFor(() => expect(app.keys.state.vault.locked).toBe(true));
    await expect(app.keys.keyRef('photoroom')).rejects.toThrow('Your keys are locked. Unlock them with your passphrase in Keys.');

    expect(await app.keys.unlock('not it at all')).toEqual({
      unlocked: false,
      reason: 'That passphrase does not unlock your keys. Nothing was changed; check it and try again.',
    });
    expect(app.keys.state.saved.photoroom).toBeDefined();
    expect(await app.keys.unlock('a long passphrase')).toEqual({ unlocked: true });
    expect((await app.keys.keyRef('photoroom')).secret).toBe(KEY);
  }, 30_000);
});
