/**
 * The key vault (main thread): API keys encrypted at rest in IndexedDB (database `cutwise-keys`).
 * The AES-GCM wrapping key is a non-extractable CryptoKey stored in the same database; keys are
 * decrypted only for the moment a request to their own provider is made. Never localStorage.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ProviderId } from '../providers/types.ts';
import { KEYS_DB } from '../shared/names.ts';
import { createWrappingKey, maskedKey, seal, unseal, type SealedSecret } from './seal.ts';

/** What the rest of the app knows about a saved key: everything but the key. */
export interface StoredKey {
  id: string;
  provider: ProviderId;
  /** e.g. "••••3f9a". */
  masked: string;
  /** PhotoRoom `sandbox_` keys: free, watermarked results. */
  sandbox: boolean;
  addedAt: number;
}

interface KeyRecord extends StoredKey {
  sealed: SealedSecret;
}

interface VaultSchema extends DBSchema {
  'wrapping-key': { key: 'current'; value: CryptoKey };
  keys: { key: string; value: KeyRecord; indexes: { provider: ProviderId } };
}

export class KeyUnreadableError extends Error {
  override readonly name = 'KeyUnreadableError';
}

export interface KeyVault {
  list(): Promise<StoredKey[]>;
  /** Saves the key for a provider, replacing the one it had. */
  add(provider: ProviderId, secret: string, options?: { sandbox?: boolean; id?: string }): Promise<StoredKey>;
  /** The plain key, for one request to its provider. */
  reveal(id: string): Promise<string>;
  forget(id: string): Promise<void>;
  close(): void;
}

const bindingOf = (record: Pick<KeyRecord, 'id' | 'provider'>) => `cutwise-key:${record.provider}:${record.id}`;

export async function openKeyVault(name = KEYS_DB): Promise<KeyVault> {
  const db: IDBPDatabase<VaultSchema> = await openDB<VaultSchema>(name, 1, {
    upgrade(database) {
      database.createObjectStore('wrapping-key');
      database.createObjectStore('keys', { keyPath: 'id' }).createIndex('provider', 'provider');
    },
  });

  async function wrappingKey(): Promise<CryptoKey> {
    const existing = await db.get('wrapping-key', 'current');
    if (existing) return existing;
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

  const toStored = ({ id, provider, masked, sandbox, addedAt }: KeyRecord): StoredKey => ({
    id,
    provider,
    masked,
    sandbox,
    addedAt,
  });

  return {
    async list() {
      const records = await db.getAll('keys');
      return records.map(toStored).sort((a, b) => a.addedAt - b.addedAt);
    },

    async add(provider, secret, options = {}) {
      const trimmed = secret.trim();
      const id = options.id ?? crypto.randomUUID();
      const sealed = await seal(await wrappingKey(), trimmed, bindingOf({ id, provider }));
      const record: KeyRecord = {
        id,
        provider,
        masked: maskedKey(trimmed),
        sandbox: options.sandbox ?? false,
        addedAt: Date.now(),
        sealed,
      };
      const tx = db.transaction('keys', 'readwrite');
      for (const old of await tx.store.index('provider').getAllKeys(provider)) await tx.store.delete(old);
      await tx.store.add(record);
      await tx.done;
      return toStored(record);
    },

    async reveal(id) {
      const record = await db.get('keys', id);
      const key = await db.get('wrapping-key', 'current');
      if (!record || !key) throw new KeyUnreadableError('This key is no longer saved. Add it again in Keys.');
      try {
        return await unseal(key, record.sealed, bindingOf(record));
      } catch {
        throw new KeyUnreadableError('The saved key can no longer be decrypted. Forget it and add it again.');
      }
    },

    async forget(id) {
      await db.delete('keys', id);
    },

    close() {
      db.close();
    },
  };
}
