import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openCreditsStore, CREDITS_DB_NAME } from '../../../src/credits/persistence/store.ts';
import type { CreditsStore } from '../../../src/credits/persistence/store.ts';
import { newAccount } from '../../../src/credits/logic/balance.ts';
import type { LedgerEntry } from '../../../src/credits/logic/types.ts';

let counter = 0;
const opened: CreditsStore[] = [];
async function open(name = `credits-test-${++counter}`) {
  const store = await openCreditsStore(name);
  opened.push(store);
  return store;
}
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function entry(id: string, keyId: string, at: number, outcome: LedgerEntry['outcome']): LedgerEntry {
  return {
    id,
    keyId,
    provider: 'withoutbg',
    kind: 'call',
    at,
    operation: 'cutout',
    unit: 'credit',
    expectedCost: 1,
    charged: outcome === 'success' ? 1 : 0,
    outcome,
  };
}

describe('IndexedDB credit store', () => {
  it('uses its own database name by default', async () => {
    const store = await openCreditsStore();
    opened.push(store);
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).toContain(CREDITS_DB_NAME);
  });

  it('writes an account with its ledger entries and reads them back across connections', async () => {
    const name = `credits-test-${++counter}`;
    const store = await open(name);
    await store.update('k1', () => ({
      account: { ...newAccount('k1', 'withoutbg', 'credit'), available: 9 },
      entries: [entry('b', 'k1', 2, 'success'), entry('a', 'k1', 1, 'pending'), entry('c', 'k2', 3, 'in-flight')],
      value: undefined,
    }));
    const other = await open(name);
    expect(await other.getAccount('k1')).toMatchObject({ keyId: 'k1', available: 9 });
    expect((await other.listLedger()).map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect((await other.listLedger('k1')).map((item) => item.id)).toEqual(['a', 'b']);
    expect((await other.listOpen('k1')).map((item) => item.id)).toEqual(['a']);
    expect((await other.listOpen('k2')).map((item) => item.id)).toEqual(['c']);
    expect((await other.listAccounts()).map((account) => account.keyId)).toEqual(['k1']);
  });

  it('keeps read-modify-write atomic: 40 concurrent debits from two connections lose none', async () => {
    const name = `credits-test-${++counter}`;
    const tabA = await open(name);
    const tabB = await open(name);
    await tabA.update('k', () => ({ account: { ...newAccount('k', 'withoutbg', 'credit'), available: 100 }, value: undefined }));
    const debit = (store: CreditsStore, index: number) =>
      store.update('k', (account) => {
        if (!account || account.available === undefined) throw new Error('missing account');
        return {
          account: { ...account, available: account.available - 1 },
          entries: [entry(`d${index}`, 'k', index, 'success')],
          value: account.available - 1,
        };
      });
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => debit(index % 2 ? tabA : tabB, index)));
    expect(new Set(results).size).toBe(40);
    expect((await tabA.getAccount('k'))?.available).toBe(60);
    expect(await tabB.listLedger('k')).toHaveLength(40);
  });

  it('writes nothing when the change throws', async () => {
    const store = await open();
    await store.update('k', () => ({ account: { ...newAccount('k', 'withoutbg', 'credit'), available: 5 }, value: undefined }));
    await expect(
      store.update('k', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.getAccount('k'))?.available).toBe(5);
  });

  it('forgets an account, keeping or dropping its history', async () => {
    const store = await open();
    for (const keyId of ['k1', 'k2']) {
      await store.update(keyId, () => ({
        account: newAccount(keyId, 'withoutbg', 'credit'),
        entries: [entry(`${keyId}-e`, keyId, 1, 'success')],
        value: undefined,
      }));
    }
    await store.removeAccount('k1');
    expect(await store.getAccount('k1')).toBeUndefined();
    expect(await store.listLedger('k1')).toHaveLength(1);
    await store.removeAccount('k2', { dropLedger: true });
    expect(await store.listLedger('k2')).toEqual([]);
    expect(await store.listLedger()).toHaveLength(1);
  });
});
