import { describe, expect, it } from 'vitest';
import { broadcastChannel, inProcessLocks } from '../../../src/credits/tabs.ts';
import type { CreditsMessage } from '../../../src/credits/tabs.ts';

describe('in-process locks', () => {
  it('runs holders of one name one at a time, in arrival order, and other names in parallel', async () => {
    const locks = inProcessLocks();
    const log: string[] = [];
    const hold = (name: string, id: string, ms: number) =>
      locks.withLock(name, async () => {
        log.push(`${id}+`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`${id}-`);
        return id;
      });
    const results = await Promise.all([hold('a', 'a1', 20), hold('a', 'a2', 1), hold('b', 'b1', 5), hold('a', 'a3', 1)]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3']);
    const a = log.filter((item) => item.startsWith('a'));
    expect(a).toEqual(['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
  });

  it('releases the lock when the holder throws', async () => {
    const locks = inProcessLocks();
    await expect(locks.withLock('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.withLock('a', async () => 'next')).resolves.toBe('next');
  });
});

describe('BroadcastChannel change messages', () => {
  it('reaches the other tab, not the sender, and ignores foreign messages', async () => {
    const name = `credits-channel-${Math.random()}`;
    const tabA = broadcastChannel(name);
    const tabB = broadcastChannel(name);
    const stranger = new BroadcastChannel(name);
    const heardByA: CreditsMessage[] = [];
    const heardByB: CreditsMessage[] = [];
    tabA.subscribe((message) => heardByA.push(message));
    const arrived = new Promise<void>((resolve) => tabB.subscribe((message) => (heardByB.push(message), resolve())));
    stranger.postMessage({ hello: 'world' });
    tabA.post({ type: 'changed', keyIds: ['k1'], origin: 'A' });
    await arrived;
    // Messages on one channel arrive in order: once a later marker is heard, nothing else is on its way.
    const heardMarker = (tab: typeof tabA) =>
      new Promise<void>((resolve) => tab.subscribe((message) => message.origin === 'marker' && resolve()));
    const markers = Promise.all([heardMarker(tabA), heardMarker(tabB)]);
    const sender = new BroadcastChannel(name);
    sender.postMessage({ type: 'changed', keyIds: [], origin: 'marker' });
    await markers;
    sender.close();
    const real = (heard: CreditsMessage[]) => heard.filter((message) => message.origin !== 'marker');
    expect(real(heardByB)).toEqual([{ type: 'changed', keyIds: ['k1'], origin: 'A' }]);
    expect(real(heardByA)).toEqual([]);
    tabA.close();
    tabB.close();
    stranger.close();
  });
});
