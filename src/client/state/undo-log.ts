/**
 * One Undo/Redo for every edit of the result on screen, in the order they were made: hand edits of
 * the matte (whose pixels the matte worker keeps, see shared/image/edit-history.ts) and changes of the
 * finishing choices (frame, shadow, background, format; kept here as before/after values).
 * Bounded like the worker's history: `limit` entries, and never more hand edits than the worker can
 * still take back. Pure logic over Solid signals, no DOM.
 */
import { createSignal } from 'solid-js';

export type UndoEntry<Choices> = { kind: 'matte' } | { kind: 'finish'; before: Choices; after: Choices };

export function createUndoLog<Choices>(limit = 20) {
  const [done, setDone] = createSignal<UndoEntry<Choices>[]>([]);
  const [undone, setUndone] = createSignal<UndoEntry<Choices>[]>([]);

  return {
    canUndo: (): boolean => done().length > 0,
    canRedo: (): boolean => undone().length > 0,
    /** A new edit: nothing can be redone after it; the oldest entries go past the limit. */
    record(entry: UndoEntry<Choices>): void {
      setUndone([]);
      setDone((list) => [...list, entry].slice(-limit));
    },
    /** The matte worker keeps only `kept` hand edits: older entries can no longer be undone. */
    keepMatteSteps(kept: number): void {
      setDone((list) => {
        let matte = list.filter((entry) => entry.kind === 'matte').length;
        let start = 0;
        while (matte > kept && start < list.length) {
          if (list[start]?.kind === 'matte') matte--;
          start++;
        }
        return start === 0 ? list : list.slice(start);
      });
    },
    /** The entry to take back, moved to the redo side. */
    undo(): UndoEntry<Choices> | undefined {
      const entry = done().at(-1);
      if (!entry) return undefined;
      setDone((list) => list.slice(0, -1));
      setUndone((list) => [...list, entry]);
      return entry;
    },
    /** The entry to do again, moved back to the undo side. */
    redo(): UndoEntry<Choices> | undefined {
      const entry = undone().at(-1);
      if (!entry) return undefined;
      setUndone((list) => list.slice(0, -1));
      setDone((list) => [...list, entry]);
      return entry;
    },
    clear(): void {
      setDone([]);
      setUndone([]);
    },
  };
}

export type UndoLog<Choices> = ReturnType<typeof createUndoLog<Choices>>;
