/**
 * The credit state in IndexedDB, in its own database (`cutwise-credits`): accounts by keyId and the
 * ledger. Every change is read-modify-write inside one readwrite transaction over both stores, so an
 * account and its ledger entries are never written apart, and IndexedDB serialises writers across tabs.
 * No secret is ever stored: accounts are keyed by the key store's opaque keyId.
 */
import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { CREDITS_DB } from '../../shared/names.ts';
import type { KeyAccount, LedgerEntry, LedgerOutcome } from '../logic/types.ts';

export const CREDITS_DB_NAME = CREDITS_DB;
const VERSION = 1;

interface CreditsSchema extends DBSchema {
  accounts: { key: string; value: KeyAccount };
  ledger: {
    key: string;
    value: LedgerEntry;
    indexes: { byKey: string; byKeyOutcome: [string, LedgerOutcome]; byTime: number };
  };
}

export interface StoredChange<T> {
  /** The account to write; undefined leaves it as it is. */
  account?: KeyAccount;
  /** Ledger entries to insert or replace. */
  entries?: readonly LedgerEntry[];
  /** What update() resolves to. */
  value: T;
}

export interface CreditsStore {
  getAccount(keyId: string): Promise<KeyAccount | undefined>;
  listAccounts(): Promise<KeyAccount[]>;
  /** Every entry, oldest first; or one key's. */
  listLedger(keyId?: string): Promise<LedgerEntry[]>;
  /** A key's in-flight, pending and unpriced entries. */
  listOpen(keyId: string): Promise<LedgerEntry[]>;
  /**
   * Reads the account and its open entries, runs `change` (pure and synchronous), and writes what
   * it returns, all in one transaction.
   */
  update<T>(keyId: string, change: (account: KeyAccount | undefined, open: LedgerEntry[]) => StoredChange<T>): Promise<T>;
  /** Forgets a key's account; its ledger stays for the history unless asked otherwise. */
  removeAccount(keyId: string, options?: { dropLedger?: boolean }): Promise<void>;
  close(): void;
}

// 'unpriced': done, but what it took from the balance is settled by the next balance check.
const OPEN_OUTCOMES: readonly LedgerOutcome[] = ['in-flight', 'pending', 'unpriced'];

export async function openCreditsStore(name: string = CREDITS_DB_NAME): Promise<CreditsStore> {
  const db: IDBPDatabase<CreditsSchema> = await openDB<CreditsSchema>(name, VERSION, {
    upgrade(database) {
      database.createObjectStore('accounts', { keyPath: 'keyId' });
      const ledger = database.createObjectStore('ledger', { keyPath: 'id' });
      ledger.createIndex('byKey', 'keyId');
      ledger.createIndex('byKeyOutcome', ['keyId', 'outcome']);
      ledger.createIndex('byTime', 'at');
    },
    blocking() {
      // A newer version in another tab wants to upgrade: step aside rather than block it.
      db.close();
    },
  });

  return {
    getAccount: (keyId) => db.get('accounts', keyId),
    listAccounts: () => db.getAll('accounts'),
    async listLedger(keyId) {
      const entries =
        keyId === undefined ? await db.getAllFromIndex('ledger', 'byTime') : await db.getAllFromIndex('ledger', 'byKey', keyId);
      return entries.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
    },
    async listOpen(keyId) {
      const lists = await Promise.all(OPEN_OUTCOMES.map((outcome) => db.getAllFromIndex('ledger', 'byKeyOutcome', [keyId, outcome])));
      return lists.flat();
    },
    async update(keyId, change) {
      const tx = db.transaction(['accounts', 'ledger'], 'readwrite');
      const accounts = tx.objectStore('accounts');
      const outcomeIndex = tx.objectStore('ledger').index('byKeyOutcome');
      const [account, ...lists] = await Promise.all([
        accounts.get(keyId),
        ...OPEN_OUTCOMES.map((outcome) => outcomeIndex.getAll([keyId, outcome])),
      ]);
      let result: StoredChange<unknown>;
      try {
        result = change(account as KeyAccount | undefined, (lists as LedgerEntry[][]).flat());
      } catch (error) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw error;
      }
      const writes: Promise<unknown>[] = [];
      if (result.account) writes.push(accounts.put(result.account));
      for (const entry of result.entries ?? []) writes.push(tx.objectStore('ledger').put(entry));
      await Promise.all([...writes, tx.done]);
      return result.value as never;
    },
    async removeAccount(keyId, options = {}) {
      const tx = db.transaction(['accounts', 'ledger'], 'readwrite');
      const writes: Promise<unknown>[] = [tx.objectStore('accounts').delete(keyId)];
      if (options.dropLedger) {
        const ids = await tx.objectStore('ledger').index('byKey').getAllKeys(keyId);
        for (const id of ids) writes.push(tx.objectStore('ledger').delete(id));
      }
      await Promise.all([...writes, tx.done]);
    },
    close() {
      db.close();
    },
  };
}
