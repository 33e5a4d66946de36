/**
 * The key vault (main thread): API keys in IndexedDB (database `cutwise-keys`) or, in "this session
 * only" mode, in this tab's memory. Never localStorage. Keys are decrypted only for the moment a
 * request to their own provider is made.
 *
 * Three protections (README "Your keys" says what each is worth):
 * - device (default): sealed with AES-GCM under a random non-extractable key stored beside them.
 *   Keeps keys out of plain-text searches of the profile; anyone who can copy the profile or run
 *   script on this origin can decrypt them.
 * - passphrase: sealed under a random data key, itself sealed under a key derived from the person's
 *   passphrase (PBKDF2-SHA-256, 600 000 iterations) that is never stored. Unlocked once per tab,
 *   locked on demand or after the idle time the person sets.
 * - session: never written to disk; gone when the tab closes.
 *
 * Every sealed key is bound (AES-GCM additional data) to its provider, its id and the origins it was
 * saved for: a key never opens for another address, even if its record is edited on disk.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { keyBinding } from '../providers/endpoints.ts';
import type { ProviderId } from '../providers/types.ts';
import { KEYS_DB } from '../shared/names.ts';
import {
  createDataKeyBytes,
  createWrappingKey,
  importDataKey,
  keyFromPassphrase,
  maskedKey,
  PASSPHRASE_ITERATIONS,
  seal,
  sealBytes,
  unseal,
  unsealBytes,
  type SealedSecret,
} from './seal.ts';

export type KeyProtection = 'device' | 'passphrase' | 'session';

/** What the rest of the app knows about a saved key: everything but the key. */
export interface StoredKey {
  id: string;
  provider: ProviderId;
  /** e.g. "••••3f9a". */
  masked: string;
  /** PhotoRoom `sandbox_` keys: free, watermarked results. */
  sandbox: boolean;
  addedAt: number;
  /** The origins the key was saved for (providers/endpoints.ts keyBinding); it opens for those only. */
  boundTo: string;
}

interface KeyRecord extends Omit<StoredKey, 'boundTo'> {
  /** Absent on keys saved before keys were bound to addresses: those open for the provider's own address only. */
  boundTo?: string;
  sealed: SealedSecret;
}

interface LockRecord {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  /** The data key's bytes, sealed under the passphrase's key. */
  dataKey: SealedSecret;
  /** The last key was forgotten while locked: a new data key is made at the next unlock. */
  rotateOnUnlock?: boolean;
}

interface VaultSettings {
  protection: KeyProtection;
  /** Passphrase mode: lock after this many minutes without use; 0 = only on demand or on close. */
  idleLockMinutes: number;
  lock?: LockRecord;
}

export interface VaultStatus {
  protection: KeyProtection;
  /** Passphrase mode, not unlocked in this tab. */
  locked: boolean;
  idleLockMinutes: number;
}

export type ProtectionChange = { protection: 'device' } | { protection: 'session' } | { protection: 'passphrase'; passphrase: string };

interface VaultSchema extends DBSchema {
  'wrapping-key': { key: 'current'; value: CryptoKey };
  keys: { key: string; value: KeyRecord; indexes: { provider: ProviderId } };
  settings: { key: 'current'; value: VaultSettings };
}

export class KeyUnreadableError extends Error {
  override readonly name = 'KeyUnreadableError';
}

export class KeyLockedError extends Error {
  override readonly name = 'KeyLockedError';
  constructor() {
    super('Your keys are locked. Unlock them with your passphrase in Keys.');
  }
}

/** The key was saved for other addresses than the provider's current ones. */
export class KeyAddressChangedError extends Error {
  override readonly name = 'KeyAddressChangedError';
  constructor(
    readonly provider: ProviderId,
    readonly savedFor: string,
    readonly now: string,
  ) {
    super('This key was saved for another address. Enter it again in Keys to use it with the address set now.');
  }
}

export interface KeyVault {
  status(): Promise<VaultStatus>;
  list(): Promise<StoredKey[]>;
  /** Saves the key for a provider, bound to the origins it will be sent to, replacing the one it had. */
  add(provider: ProviderId, secret: string, options: { boundTo: string; sandbox?: boolean; id?: string }): Promise<StoredKey>;
  /** The plain key, for one request to its provider at these origins. */
  reveal(id: string, boundTo: string): Promise<string>;
  forget(id: string): Promise<void>;
  /** False for a wrong passphrase; nothing is changed or counted either way. */
  unlock(passphrase: string): Promise<boolean>;
  lock(): void;
  /** Moves every saved key to another protection (needs them unlocked). */
  protect(change: ProtectionChange): Promise<void>;
  setIdleLockMinutes(minutes: number): Promise<void>;
  close(): void;
}

const DEFAULT_SETTINGS: VaultSettings = { protection: 'device', idleLockMinutes: 15 };
const DATA_KEY_BINDING = 'cutwise-data-key';

const bindingOf = (record: Pick<KeyRecord, 'id' | 'provider' | 'boundTo'>) =>
  record.boundTo === undefined
    ? `cutwise-key:${record.provider}:${record.id}`
    : `cutwise-key:${record.provider}:${record.id}:${record.boundTo}`;

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);

export async function openKeyVault(name = KEYS_DB): Promise<KeyVault> {
  const db: IDBPDatabase<VaultSchema> = await openDB<VaultSchema>(name, 2, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('wrapping-key');
        database.createObjectStore('keys', { keyPath: 'id' }).createIndex('provider', 'provider');
      }
      if (oldVersion < 2) database.createObjectStore('settings');
    },
  });

  // Passphrase mode, unlocked in this tab: the data key (non-extractable) and the passphrase's key,
  // kept to seal a new data key when the last key is forgotten. Which lock they open, to notice
  // another tab changing it.
  let unlocked: { dataKey: CryptoKey; passphraseKey: CryptoKey; lockIv: Uint8Array } | undefined;
  // Session mode: the keys themselves, in this tab only.
  const sessionKeys = new Map<string, { key: StoredKey; secret: string }>();

  const settings = async (): Promise<VaultSettings> => (await db.get('settings', 'current')) ?? DEFAULT_SETTINGS;

  async function deviceKey(create: boolean): Promise<CryptoKey | undefined> {
    const existing = await db.get('wrapping-key', 'current');
    if (existing || !create) return existing;
    const created = await createWrappingKey();
    // `add`, not `put`: if another tab created one meanwhile, keep theirs and use it.
    try {
      await db.add('wrapping-key', created, 'current');
      return created;
    } catch {
      const winner = await db.get('wrapping-key', 'current');
      if (!winner) throw new KeyUnreadableError('The browser refused to store the encryption key.');
      return winner;
    }
  }

  /** The key that seals keys now, or why there is none. */
  async function sealingKey(current: VaultSettings, create: boolean): Promise<CryptoKey | undefined> {
    if (current.protection === 'passphrase') {
      if (!unlocked || !current.lock || !sameBytes(unlocked.lockIv, current.lock.dataKey.iv)) {
        unlocked = undefined;
        throw new KeyLockedError();
      }
      return unlocked.dataKey;
    }
    return deviceKey(create);
  }

  const toStored = ({ id, provider, masked, sandbox, addedAt, boundTo }: KeyRecord): StoredKey => ({
    id,
    provider,
    masked,
    sandbox,
    addedAt,
    boundTo: boundTo ?? keyBinding(provider),
  });

  async function openRecord(record: KeyRecord, key: CryptoKey | undefined): Promise<string> {
    if (!key) throw new KeyUnreadableError('The saved key can no longer be decrypted. Forget it and add it again.');
    try {
      return await unseal(key, record.sealed, bindingOf(record));
    } catch {
      throw new KeyUnreadableError('The saved key can no longer be decrypted. Forget it and add it again.');
    }
  }

  /** Every saved key in clear, for moving them to another protection. */
  async function allSecrets(current: VaultSettings): Promise<Array<{ key: StoredKey; secret: string }>> {
    if (current.protection === 'session') return [...sessionKeys.values()];
    const records = await db.getAll('keys');
    if (records.length === 0) return [];
    const key = await sealingKey(current, false);
    return Promise.all(records.map(async (record) => ({ key: toStored(record), secret: await openRecord(record, key) })));
  }

  async function sealedRecord(entry: { key: StoredKey; secret: string }, key: CryptoKey): Promise<KeyRecord> {
    return { ...entry.key, sealed: await seal(key, entry.secret, bindingOf(entry.key)) };
  }

  async function newLock(passphraseKey: CryptoKey, salt: Uint8Array<ArrayBuffer>, iterations: number) {
    const bytes = createDataKeyBytes();
    const sealedDataKey = await sealBytes(passphraseKey, bytes, DATA_KEY_BINDING);
    const dataKey = await importDataKey(bytes);
    bytes.fill(0);
    return { lock: { salt, iterations, dataKey: sealedDataKey } satisfies LockRecord, dataKey };
  }

  /** No key left: the key that sealed the forgotten ones is replaced, so their ciphertext opens with nothing kept. */
  async function rotate(current: VaultSettings): Promise<void> {
    if (current.protection === 'device') {
      await db.delete('wrapping-key', 'current');
    } else if (current.protection === 'passphrase' && current.lock) {
      if (unlocked && sameBytes(unlocked.lockIv, current.lock.dataKey.iv)) {
        const { lock, dataKey } = await newLock(unlocked.passphraseKey, current.lock.salt, current.lock.iterations);
        await db.put('settings', { ...current, lock }, 'current');
        unlocked = { ...unlocked, dataKey, lockIv: lock.dataKey.iv };
      } else {
        await db.put('settings', { ...current, lock: { ...current.lock, rotateOnUnlock: true } }, 'current');
      }
    }
  }

  return {
    async status() {
      const current = await settings();
      const locked =
        current.protection === 'passphrase' && (!unlocked || !current.lock || !sameBytes(unlocked.lockIv, current.lock.dataKey.iv));
      return { protection: current.protection, locked, idleLockMinutes: current.idleLockMinutes };
    },

    async list() {
      const current = await settings();
      const keys =
        current.protection === 'session' ? [...sessionKeys.values()].map((entry) => entry.key) : (await db.getAll('keys')).map(toStored);
      return keys.sort((a, b) => a.addedAt - b.addedAt);
    },

    async add(provider, secret, options) {
      const trimmed = secret.trim();
      const current = await settings();
      const stored: StoredKey = {
        id: options.id ?? crypto.randomUUID(),
        provider,
        masked: maskedKey(trimmed),
        sandbox: options.sandbox ?? false,
        addedAt: Date.now(),
        boundTo: options.boundTo,
      };
      if (current.protection === 'session') {
        for (const [id, entry] of sessionKeys) if (entry.key.provider === provider) sessionKeys.delete(id);
        sessionKeys.set(stored.id, { key: stored, secret: trimmed });
        return stored;
      }
      const key = await sealingKey(current, true);
      if (!key) throw new KeyUnreadableError('The browser refused to store the encryption key.');
      const record = await sealedRecord({ key: stored, secret: trimmed }, key);
      const tx = db.transaction('keys', 'readwrite');
      for (const old of await tx.store.index('provider').getAllKeys(provider)) await tx.store.delete(old);
      await tx.store.add(record);
      await tx.done;
      return stored;
    },

    async reveal(id, boundTo) {
      const current = await settings();
      if (current.protection === 'session') {
        const entry = sessionKeys.get(id);
        if (!entry) throw new KeyUnreadableError('This key is no longer kept. Add it again in Keys.');
        if (entry.key.boundTo !== boundTo) throw new KeyAddressChangedError(entry.key.provider, entry.key.boundTo, boundTo);
        return entry.secret;
      }
      const record = await db.get('keys', id);
      if (!record) throw new KeyUnreadableError('This key is no longer saved. Add it again in Keys.');
      const savedFor = record.boundTo ?? keyBinding(record.provider);
      if (savedFor !== boundTo) throw new KeyAddressChangedError(record.provider, savedFor, boundTo);
      const secret = await openRecord(record, await sealingKey(current, false));
      if (record.boundTo === undefined) {
        // Saved before keys were bound to addresses: bound now, to the provider's own address it was used with.
        const key = await sealingKey(current, false);
        if (key) await db.put('keys', await sealedRecord({ key: toStored(record), secret }, key));
      }
      return secret;
    },

    async forget(id) {
      const current = await settings();
      if (current.protection === 'session') {
        sessionKeys.delete(id);
        return;
      }
      await db.delete('keys', id);
      if ((await db.count('keys')) === 0) await rotate(current);
    },

    async unlock(passphrase) {
      const current = await settings();
      if (current.protection !== 'passphrase' || !current.lock) return true;
      const passphraseKey = await keyFromPassphrase(passphrase, current.lock.salt, current.lock.iterations);
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await unsealBytes(passphraseKey, current.lock.dataKey, DATA_KEY_BINDING);
      } catch {
        return false;
      }
      const dataKey = await importDataKey(bytes);
      bytes.fill(0);
      unlocked = { dataKey, passphraseKey, lockIv: current.lock.dataKey.iv };
      if (current.lock.rotateOnUnlock && (await db.count('keys')) === 0)
        await rotate({ ...current, lock: { ...current.lock, rotateOnUnlock: false } });
      return true;
    },

    lock() {
      unlocked = undefined;
    },

    async protect(change) {
      const current = await settings();
      const entries = await allSecrets(current);
      const idleLockMinutes = current.idleLockMinutes;
      if (change.protection === 'session') {
        sessionKeys.clear();
        for (const entry of entries) sessionKeys.set(entry.key.id, entry);
        const tx = db.transaction(['keys', 'wrapping-key', 'settings'], 'readwrite');
        await tx.objectStore('keys').clear();
        await tx.objectStore('wrapping-key').delete('current');
        await tx.objectStore('settings').put({ protection: 'session', idleLockMinutes }, 'current');
        await tx.done;
        unlocked = undefined;
        return;
      }
      let next: VaultSettings;
      let key: CryptoKey;
      let deviceWrappingKey: CryptoKey | undefined;
      if (change.protection === 'passphrase') {
        const salt = crypto.getRandomValues(new Uint8Array(16));
        const passphraseKey = await keyFromPassphrase(change.passphrase, salt, PASSPHRASE_ITERATIONS);
        const made = await newLock(passphraseKey, salt, PASSPHRASE_ITERATIONS);
        next = { protection: 'passphrase', idleLockMinutes, lock: made.lock };
        key = made.dataKey;
        unlocked = { dataKey: made.dataKey, passphraseKey, lockIv: made.lock.dataKey.iv };
      } else {
        deviceWrappingKey = await createWrappingKey();
        key = deviceWrappingKey;
        next = { protection: 'device', idleLockMinutes };
        unlocked = undefined;
      }
      const records = await Promise.all(entries.map((entry) => sealedRecord(entry, key)));
      const tx = db.transaction(['keys', 'wrapping-key', 'settings'], 'readwrite');
      await tx.objectStore('keys').clear();
      for (const record of records) await tx.objectStore('keys').add(record);
      if (deviceWrappingKey) await tx.objectStore('wrapping-key').put(deviceWrappingKey, 'current');
      else await tx.objectStore('wrapping-key').delete('current');
      await tx.objectStore('settings').put(next, 'current');
      await tx.done;
      sessionKeys.clear();
    },

    async setIdleLockMinutes(minutes) {
      await db.put('settings', { ...(await settings()), idleLockMinutes: Math.max(0, Math.round(minutes)) }, 'current');
    },

    close() {
      unlocked = undefined;
      sessionKeys.clear();
      db.close();
    },
  };
}
