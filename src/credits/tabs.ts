/**
 * What lets several open tabs share one credit state: a lock per key (Web Locks) so only one tab
 * begins, finishes or refreshes a key's balance at a time, and a BroadcastChannel that tells the other
 * tabs to reload. Both are injectable; the in-process versions serve tests and browsers without them.
 */
import { CREDITS_CHANNEL } from '../shared/names.ts';

export interface LockProvider {
  /** Runs `task` while holding the exclusive lock `name`; other holders wait their turn. */
  withLock<T>(name: string, task: () => Promise<T>): Promise<T>;
}

export interface CreditsMessage {
  type: 'changed';
  keyIds: string[];
  /** The sending coordinator, so it can ignore its own echo. */
  origin: string;
}

export interface ChangeChannel {
  post(message: CreditsMessage): void;
  subscribe(listener: (message: CreditsMessage) => void): () => void;
  close(): void;
}

export const CREDITS_CHANNEL_NAME = CREDITS_CHANNEL;

export function lockName(keyId: string): string {
  return `cutwise-credits:key:${keyId}`;
}

/** Web Locks: held across every tab and worker of this origin; released if the tab dies. */
export function webLocks(locks: LockManager): LockProvider {
  return {
    withLock: (name, task) => locks.request(name, { mode: 'exclusive' }, () => task()),
  };
}

/** A FIFO mutex per name inside this JavaScript realm. */
export function inProcessLocks(): LockProvider {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock(name, task) {
      const previous = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      const current = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => current);
      tails.set(name, tail);
      await previous;
      try {
        return await task();
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}

export function broadcastChannel(name: string = CREDITS_CHANNEL_NAME): ChangeChannel {
  const channel = new BroadcastChannel(name);
  const listeners = new Set<(message: CreditsMessage) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (!isCreditsMessage(message)) return;
    for (const listener of listeners) listener(message);
  };
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
}

/** A channel that reaches nobody: one tab, or no BroadcastChannel. */
export function silentChannel(): ChangeChannel {
  return { post() {}, subscribe: () => () => {}, close() {} };
}

/** The browser's own, where it has them. */
export function browserTabSync(): { locks: LockProvider; channel: ChangeChannel } {
  const locks = typeof navigator !== 'undefined' && navigator.locks ? webLocks(navigator.locks) : inProcessLocks();
  const channel = typeof BroadcastChannel === 'function' ? broadcastChannel() : silentChannel();
  return { locks, channel };
}

function isCreditsMessage(value: unknown): value is CreditsMessage {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['type'] === 'changed' && Array.isArray(record['keyIds']) && typeof record['origin'] === 'string';
}
