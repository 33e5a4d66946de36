/**
 * Brushing the cutout by hand (main thread): which tool is in hand, its size and smart mode, and the
 * edits, sent one after another to the worker that holds the full-resolution matte
 * (engine/worker/matte.ts). Each edit comes back as a new screen copy; the full-resolution PNG is
 * encoded once the person pauses (and before any export), so the result on screen, Download, Recent
 * and a paid call all see the same edited cutout.
 */
import { createSignal } from 'solid-js';
import type { EngineClient } from '../../engine/client/engine-client.ts';
import type { MatteAction, MatteEdited } from '../../engine/protocol.ts';
import type { HistoryStatus } from '../../shared/image/edit-history.ts';
import type { BrushStroke } from '../../shared/image/matte-edit.ts';

export type BrushTool = 'compare' | 'erase' | 'restore';

/** What the matte editor needs to know of the result on screen. */
export interface EditableCutout {
  id: number;
  photo: Blob;
  /** The cutout as it is now. */
  png: Blob;
  /** The model's (or provider's) cutout before any hand edit, once there was one. */
  original?: Blob;
}

export interface MatteDeps {
  engine: EngineClient;
  /** The finished result on screen, when nothing else runs. */
  shown: () => EditableCutout | undefined;
  /** A new screen copy of result `id` (the edited matte). */
  showPreview: (id: number, preview: ImageBitmap) => void;
  /** The edited cutout of result `id` as a full-resolution PNG, with the cutout it started from. */
  saveCutout: (id: number, png: Blob, original: Blob) => void;
  fail: (text: string) => void;
  /** A new hand edit changed the matte (a stroke or Reset); the worker now keeps `steps` that can be undone. */
  onEdit?: (steps: number) => void;
  previewSide?: number;
  /** How long after the last edit the full-resolution PNG is encoded. */
  saveDelayMs?: number;
}

/** Brush sizes in screen pixels (the diameter). */
export const BRUSH_SIZES = { min: 4, max: 200, initial: 40 } as const;

const NO_HISTORY: HistoryStatus = { canUndo: false, canRedo: false, steps: 0, bytes: 0 };

export function createMatteEditing(deps: MatteDeps) {
  const [tool, setTool] = createSignal<BrushTool>('compare');
  const [smart, setSmart] = createSignal(false);
  const [brushSize, setBrushSize] = createSignal<number>(BRUSH_SIZES.initial);
  const [history, setHistory] = createSignal<HistoryStatus>(NO_HISTORY);
  const [working, setWorking] = createSignal(false);
  /** Edits made but not yet in the full-resolution PNG. */
  const [unsaved, setUnsaved] = createSignal(false);
  /** The last full-resolution update's time, for the bench. */
  const [lastApplyMs, setLastApplyMs] = createSignal<number>();

  let nextSession = 1;
  let open: { session: number; resultId: number; original: Blob } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  /** Runs `task` after every earlier one: the worker sees edits in the order they were made. */
  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function forget(): void {
    if (saveTimer !== undefined) clearTimeout(saveTimer);
    saveTimer = undefined;
    if (open) {
      const { session } = open;
      void deps.engine.call('matteClose', { session }).catch(() => undefined);
    }
    open = undefined;
    setHistory(NO_HISTORY);
    setUnsaved(false);
  }

  /** The worker session for the result on screen, opened (or reopened) when needed. */
  async function ensureOpen(): Promise<{ session: number; resultId: number; original: Blob } | undefined> {
    const shown = deps.shown();
    if (!shown) return undefined;
    if (open?.resultId === shown.id) return open;
    forget();
    const session = nextSession++;
    setWorking(true);
    try {
      await deps.engine.call('matteOpen', { session, photo: shown.photo, cutout: shown.png, previewSide: deps.previewSide ?? 1600 });
    } finally {
      setWorking(false);
    }
    open = { session, resultId: shown.id, original: shown.original ?? shown.png };
    return open;
  }

  function scheduleSave(): void {
    if (saveTimer !== undefined) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      void save();
    }, deps.saveDelayMs ?? 400);
  }

  /** Encodes the edited matte now if there are unsaved edits (exports wait for this). */
  function save(): Promise<void> {
    if (saveTimer !== undefined) clearTimeout(saveTimer);
    saveTimer = undefined;
    return enqueue(async () => {
      if (!unsaved() || !open) return;
      const target = open;
      try {
        const png = await deps.engine.call('matteEncode', { session: target.session });
        if (open !== target) return;
        setUnsaved(false);
        deps.saveCutout(target.resultId, png, target.original);
      } catch (error) {
        deps.fail(
          `Your edits could not be saved at full resolution (${error instanceof Error ? error.message : String(error)}). Undo the last edit or try again.`,
        );
      }
    });
  }

  function run(action: (target: { original: Blob }) => MatteAction, isNewEdit = false): Promise<void> {
    return enqueue(async () => {
      let target;
      let result: MatteEdited;
      try {
        target = await ensureOpen();
        if (!target) return;
        result = await deps.engine.call('matteEdit', { session: target.session, action: action(target) });
      } catch (error) {
        deps.fail(
          `That edit could not be applied (${error instanceof Error ? error.message : String(error)}). Your cutout is as it was before it.`,
        );
        // The worker may have lost the session (it crashed): open it again from the last saved cutout next time.
        open = undefined;
        setHistory(NO_HISTORY);
        return;
      }
      if (open !== target) {
        result.preview.close();
        return;
      }
      setHistory(result.history);
      setLastApplyMs(result.applyMs);
      if (!result.changed) {
        result.preview.close();
        return;
      }
      deps.showPreview(target.resultId, result.preview);
      if (isNewEdit) deps.onEdit?.(result.history.steps);
      setUnsaved(true);
      scheduleSave();
    });
  }

  return {
    tool,
    /** Picking a brush opens the cutout in the worker ahead of the first stroke. */
    setTool(next: BrushTool): void {
      setTool(next);
      if (next !== 'compare')
        void enqueue(() => ensureOpen()).catch((error: unknown) =>
          deps.fail(`The cutout could not be opened for editing (${error instanceof Error ? error.message : String(error)}).`),
        );
    },
    smart,
    setSmart,
    brushSize,
    setBrushSize: (size: number) => setBrushSize(Math.round(Math.min(BRUSH_SIZES.max, Math.max(BRUSH_SIZES.min, size)))),
    history,
    working,
    unsaved,
    lastApplyMs,
    /** Whether Reset has something to go back to: edits in the history, or a cutout saved with edits. */
    canReset: (): boolean => history().canUndo || deps.shown()?.original !== undefined,
    stroke: (stroke: BrushStroke) => run(() => ({ kind: 'stroke', stroke }), true),
    /** Takes back the last hand edit (the editor's one Undo decides when: see undo-log.ts). */
    undo: () => run(() => ({ kind: 'undo' })),
    redo: () => run(() => ({ kind: 'redo' })),
    reset: () => run((target) => ({ kind: 'reset', to: target.original }), true),
    save,
    /** The result on screen changed (a new photo, a paid cutout, one from Recent): its edits start afresh. */
    resultChanged(): void {
      forget();
      setTool('compare');
    },
    dispose: forget,
  };
}

export type MatteEditing = ReturnType<typeof createMatteEditing>;
