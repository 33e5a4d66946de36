/**
 * The key vault on IndexedDB (fake-indexeddb, real WebCrypto): keys bound to their addresses, the
 * wrapping key rotated when the last key goes, the passphrase lock and the session-only mode.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { keyBinding } from '../../../src/providers/endpoints.ts';
import { KeyAddressChangedError, KeyLockedError, KeyUnreadableError, openKeyVault } from '../../../src/keys/vault.ts';
import { createWrappingKey, PASSPHRASE_ITERATIONS, seal, unseal, type SealedSecret } from '../../../src/keys/seal.ts';

const OWN = keyBinding('removebg');
const RELAY = keyBinding('removebg', { base: 'https://relay.example.com/removebg' });
const SECRET = 'rb_live_7c1d4f9a2b';

const fresh = () => `vault-${crypto.randomUUID()}`;

interface RawRecord {
  id: string;
  provider: string;
  boundTo?: string;
  sealed: SealedSecret;
}

async function raw(name: string) {
  const db = await openDB(name);
  const read = {
    keys: (await db.getAll('keys')) as RawRecord[],
    wrappingKey: (await db.get('wrapping-key', 'current')) as CryptoKey | undefined,
    settings: (await db.get('settings', 'current')) as
      { protection: string; lock?: { iterations: number; dataKey: SealedSecret } } | undefined,
  };
  db.close();
  return read;
}

describe('a key is bound to the address it was saved for', () => {
  it('opens for its own origins only, and an edited record does not open at all', async () => {
    const name = fresh();
    const vault = await openKeyVault(name);
    const key = await vault.add('removebg', SECRET, { boundTo: OWN });
    expect(key.boundTo).toBe(OWN);
    await expect(vault.reveal(key.id, OWN)).resolves.toBe(SECRET);
    const moved = await vault.reveal(key.id, RELAY).catch((error: unknown) => error);
    expect(moved).toBeInstanceOf(KeyAddressChangedError);
    expect(moved).toMatchObject({ savedFor: OWN, now: RELAY });

    // Someone edits the stored record to say it was saved for the relay: the authenticated data no longer matches.
    const db = await openDB(name);
    const record = (await db.get('keys', key.id)) as RawRecord;
    await db.put('keys', { ...record, boundTo: RELAY });
    db.close();
    await expect(vault.reveal(key.id, RELAY)).rejects.toBeInstanceOf(KeyUnreadableError);
    vault.close();
  });

  it('binds a key saved before addresses were bound to the provider’s own address, and refuses it for another', async () => {
    const name = fresh();
    // The version-1 layout: no settings store, no boundTo, the old authenticated data.
    const old = await openDB(name, 1, {
      upgrade(database) {
        database.createObjectStore('wrapping-key');
        database.createObjectStore('keys', { keyPath: 'id' }).createIndex('provider', 'provider');
      },
    });
    const wrapping = await createWrappingKey();
    await old.put('wrapping-key', wrapping, 'current');
    const sealed = await seal(wrapping, SECRET, 'cutwise-key:removebg:legacy');
    await old.put('keys', { id: 'legacy', provider: 'removebg', masked: '••••2b', sandbox: false, addedAt: 1, sealed });
    old.close();

    const vault = await openKeyVault(name);
    expect((await vault.list())[0]?.boundTo).toBe(OWN);
    await expect(vault.reveal('legacy', RELAY)).rejects.toBeInstanceOf(KeyAddressChangedError);
    await expect(vault.reveal('legacy', OWN)).resolves.toBe(SECRET);
    vault.close();
    const after = await raw(name);
    expect(after.keys[0]?.boundTo).toBe(OWN);
  });
});

describe('forgetting', () => {
  it('replaces the wrapping key when the last key is forgotten, so the old ciphertext opens with nothing kept', async () => {
    const name = fresh();
    const vault = await openKeyVault(name);
    const first = await vault.add('removebg', SECRET, { boundTo: OWN });
    const second = await vault.add('photoroom', 'pr_live_aaaa1111', { boundTo: keyBinding('photoroom') });
    const before = await raw(name);
    expect(before.wrappingKey).toBeDefined();
    const oldSealed = before.keys.find((record) => record.id === first.id)!.sealed;

    await vault.forget(first.id);
    expect((await raw(name)).wrappingKey, 'one key is left: the wrapping key stays').toBeDefined();
    await vault.forget(second.id);
    expect((await raw(name)).wrappingKey).toBeUndefined();

    const next = await vault.add('removebg', 'rb_live_new_0000', { boundTo: OWN });
    const newKey = (await raw(name)).wrappingKey!;
    await expect(unseal(newKey, oldSealed, `cutwise-key:removebg:${first.id}:${OWN}`)).rejects.toThrow();
    await expect(vault.reveal(next.id, OWN)).resolves.toBe('rb_live_new_0000');
    vault.close();
  });
});

describe('passphrase lock', () => {
  it('moves keys under a passphrase that is never stored; locked, wrong and right passphrases', async () => {
    const name = fresh();
    const vault = await openKeyVault(name);
    const key = await vault.add('removebg', SECRET, { boundTo: OWN });
    const deviceKey = (await raw(name)).wrappingKey!;

    await vault.protect({ protection: 'passphrase', passphrase: 'correct horse battery' });
    const stored = await raw(name);
    expect(stored.wrappingKey, 'no device key is left on disk').toBeUndefined();
    expect(stored.settings?.protection).toBe('passphrase');
    expect(stored.settings?.lock?.iterations).toBeGreaterThanOrEqual(600_000);
    expect(PASSPHRASE_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(JSON.stringify(stored.settings)).not.toContain('correct horse');
    // The old device key opens nothing any more.
    await expect(unseal(deviceKey, stored.keys[0]!.sealed, `cutwise-key:removebg:${key.id}:${OWN}`)).rejects.toThrow();
    expect(await vault.status()).toEqual({ protection: 'passphrase', locked: false, idleLockMinutes: 15 });
    await expect(vault.reveal(key.id, OWN)).resolves.toBe(SECRET);

    vault.lock();
    expect((await vault.status()).locked).toBe(true);
    await expect(vault.reveal(key.id, OWN)).rejects.toBeInstanceOf(KeyLockedError);
    await expect(vault.add('photoroom', 'pr_x_12345678', { boundTo: keyBinding('photoroom') })).rejects.toBeInstanceOf(KeyLockedError);
    // Metadata stays readable: the app can list what is saved without the passphrase.
    expect((await vault.list()).map((saved) => saved.masked)).toEqual(['••••9a2b']);

    // Wrong passphrases: refused, as often as the person likes, nothing changed.
    for (let attempt = 0; attempt < 3; attempt++) expect(await vault.unlock('wrong horse battery')).toBe(false);
    expect((await raw(name)).keys).toHaveLength(1);
    expect(await vault.unlock('correct horse battery')).toBe(true);
    await expect(vault.reveal(key.id, OWN)).resolves.toBe(SECRET);

    // Another tab (a new vault on the same database) starts locked.
    const otherTab = await openKeyVault(name);
    expect((await otherTab.status()).locked).toBe(true);
    expect(await otherTab.unlock('correct horse battery')).toBe(true);
    await expect(otherTab.reveal(key.id, OWN)).resolves.toBe(SECRET);
    otherTab.close();

    // Back to the default: readable without a passphrase again.
    await vault.protect({ protection: 'device' });
    const reopened = await openKeyVault(name);
    await expect(reopened.reveal(key.id, OWN)).resolves.toBe(SECRET);
    reopened.close();
    vault.close();
  }, 30_000);

  it('makes a new data key when the last key is forgotten, at once or at the next unlock', async () => {
    const name = fresh();
    const vault = await openKeyVault(name);
    await vault.protect({ protection: 'passphrase', passphrase: 'a long passphrase' });
    const first = await vault.add('removebg', SECRET, { boundTo: OWN });
    const lockBefore = (await raw(name)).settings!.lock!.dataKey;
    await vault.forget(first.id);
    const lockAfter = (await raw(name)).settings!.lock!.dataKey;
    expect(Buffer.from(lockAfter.iv).equals(Buffer.from(lockBefore.iv))).toBe(false);
    const second = await vault.add('removebg', SECRET, { boundTo: OWN });

    vault.lock();
    await vault.forget(second.id);
    expect((await raw(name)).settings?.lock).toMatchObject({ rotateOnUnlock: true });
    expect(await vault.unlock('a long passphrase')).toBe(true);
    const rotated = (await raw(name)).settings!.lock! as { rotateOnUnlock?: boolean; dataKey: SealedSecret };
    expect(rotated.rotateOnUnlock).toBeFalsy();
    expect(Buffer.from(rotated.dataKey.iv).equals(Buffer.from(lockAfter.iv))).toBe(false);
    vault.close();
  }, 30_000);
});

describe('this session only', () => {
  it('keeps keys in memory, writes none to disk, and a new tab has none', async () => {
    const name = fresh();
    const vault = await openKeyVault(name);
    await vault.add('removebg', SECRET, { boundTo: OWN });
    await vault.protect({ protection: 'session' });
    const stored = await raw(name);
    expect(stored.keys).toEqual([]);
    expect(stored.wrappingKey).toBeUndefined();
    const [key] = await vault.list();
    await expect(vault.reveal(key!.id, OWN)).resolves.toBe(SECRET);
    const added = await vault.add('photoroom', 'pr_live_bbbb2222', { boundTo: keyBinding('photoroom') });
    expect((await raw(name)).keys).toEqual([]);
    await expect(vault.reveal(added.id, RELAY)).rejects.toBeInstanceOf(KeyAddressChangedError);

    const nextVisit = await openKeyVault(name);
    expect(await nextVisit.list()).toEqual([]);
    expect((await nextVisit.status()).protection).toBe('session');
    nextVisit.close();
    vault.close();
  });
});
