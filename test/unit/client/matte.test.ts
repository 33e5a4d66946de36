/**
 * Hand edits on the main thread: edits reach the worker in order, the cutout is opened once per
 * result, the full-resolution PNG is saved after a pause (and before an export), a failed edit says
 * so and leaves the cutout as it was, and another result starts afresh.
 */
import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMatteEditing, type EditableCutout } from '../../../src/client/state/matte.ts';
import { createUndoLog } from '../../../src/client/state/undo-log.ts';
import { EngineClient } from '../../../src/engine/client/engine-client.ts';
import type { EngineRequest, EngineResponse, MatteEdited } from '../../../src/engine/protocol.ts';
import type { BrushStroke } from '../../../src/shared/image/matte-edit.ts';

const disposers: Array<() => void> = [];
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));

const bitmap = () => ({ close: vi.fn(), width: 4, height: 3 }) as unknown as ImageBitmap;

/** A matte worker that answers every request at once, or fails the ones `failing` names. */
class MatteWorker extends EventTarget {
  readonly requests: EngineRequest[] = [];
  failing = new Set<string>();
  steps = 0;
  postMessage(request: EngineRequest): void {
    this.requests.push(request);
    queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: this.answer(request) })));
  }
  terminate(): void {}
  private answer(request: EngineRequest): EngineResponse {
    if (this.failing.has(request.method)) return { id: request.id, kind: 'failure', failure: { code: 'internal', message: 'boom' } };
    switch (request.method) {
      case 'matteOpen':
        return { id: request.id, kind: 'result', output: { width: 4, height: 3 } };
      case 'matteEdit': {
        const action = request.input.action;
        this.steps += action.kind === 'undo' ? -1 : 1;
        const output: MatteEdited = {
          preview: bitmap(),
          history: { canUndo: this.steps > 0, canRedo: action.kind === 'undo', steps: this.steps, bytes: 8 },
          changed: true,
          applyMs: 5,
        };
        return { id: request.id, kind: 'result', output };
      }
      case 'matteEncode':
        return { id: request.id, kind: 'result', output: new Blob(['edited'], { type: 'image/png' }) };
      default:
        return { id: request.id, kind: 'result', output: null };
    }
  }
}

const stroke: BrushStroke = { mode: 'erase', smart: false, radius: 3, hardness: 0.5, points: [{ x: 1, y: 1 }] };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(shown: EditableCutout | undefined = { id: 1, photo: new Blob(['photo']), png: new Blob(['model']) }) {
  const worker = new MatteWorker();
  let current: EditableCutout | undefined = shown;
  const previews: ImageBitmap[] = [];
  const saved: Array<{ id: number; png: Blob; original: Blob }> = [];
  const failures: string[] = [];
  const matte = createRoot((dispose) => {
    disposers.push(dispose);
    return createMatteEditing({
      engine: new EngineClient(() => worker as unknown as Worker),
      shown: () => current,
      showPreview: (_id, preview) => previews.push(preview),
      saveCutout: (id, png, original) => saved.push({ id, png, original }),
      fail: (text) => failures.push(text),
      saveDelayMs: 10_000,
    });
  });
  const methods = () => worker.requests.map((request) => request.method);
  return { matte, worker, previews, saved, failures, methods, show: (next: EditableCutout | undefined) => (current = next) };
}

describe('hand edits (main thread)', () => {
  it('opens the cutout once, sends edits in order and shows each new screen copy', async () => {
    const { matte, previews, methods } = setup();
    await Promise.all([matte.stroke(stroke), matte.stroke(stroke), matte.undo()]);
    expect(methods()).toEqual(['matteOpen', 'matteEdit', 'matteEdit', 'matteEdit']);
    expect(previews).toHaveLength(3);
    expect(matte.history()).toMatchObject({ canUndo: true, canRedo: true, steps: 1 });
    expect(matte.unsaved()).toBe(true);
  });

  it('saves the full-resolution PNG once, with the cutout the edits started from (for Reset)', async () => {
    const model = new Blob(['model']);
    const { matte, saved, methods } = setup({ id: 7, photo: new Blob(['photo']), png: model });
    await matte.stroke(stroke);
    await matte.save();
    await matte.save(); // nothing new: no second encode
    expect(methods().filter((method) => method === 'matteEncode')).toHaveLength(1);
    expect(saved).toHaveLength(1);
    expect(saved[0]?.id).toBe(7);
    expect(saved[0]?.original).toBe(model);
    expect(matte.unsaved()).toBe(false);
  });

  it('resets to the cutout before any hand edit, even one reopened from Recent with earlier edits', async () => {
    const model = new Blob(['model']);
    const { matte, worker } = setup({ id: 2, photo: new Blob(['photo']), png: new Blob(['edited before']), original: model });
    expect(matte.canReset()).toBe(true);
    await matte.reset();
    const reset = worker.requests.find((request) => request.method === 'matteEdit');
    expect(reset?.method === 'matteEdit' && reset.input.action).toEqual({ kind: 'reset', to: model });
  });

  it('a failed edit says so, leaves the cutout as it was, and the next edit opens the cutout again', async () => {
    const { matte, worker, failures, previews, methods } = setup();
    worker.failing.add('matteEdit');
    await matte.stroke(stroke);
    expect(failures[0]).toMatch(/could not be applied .*as it was before/);
    expect(previews).toHaveLength(0);
    expect(matte.unsaved()).toBe(false);
    worker.failing.clear();
    await matte.stroke(stroke);
    expect(methods().filter((method) => method === 'matteOpen')).toHaveLength(2);
    expect(previews).toHaveLength(1);
  });

  it('another result starts afresh: the worker forgets the old cutout and the tool goes back to Compare', async () => {
    const { matte, methods, show } = setup();
    matte.setTool('erase');
    await matte.stroke(stroke);
    show({ id: 2, photo: new Blob(['photo 2']), png: new Blob(['model 2']) });
    matte.resultChanged();
    await flush();
    expect(matte.tool()).toBe('compare');
    expect(matte.history().canUndo).toBe(false);
    expect(methods()).toContain('matteClose');
    await matte.stroke(stroke);
    const opens = methods().filter((method) => method === 'matteOpen');
    expect(opens).toHaveLength(2);
  });

  it('does nothing while no finished cutout is on screen', async () => {
    const { matte, methods, show } = setup();
    show(undefined);
    await matte.stroke(stroke);
    expect(methods()).toEqual([]);
  });
});

describe('undo log', () => {
  it('keeps the order of hand edits and finishing changes, and never more hand edits than the worker keeps', () => {
    createRoot((dispose) => {
      const log = createUndoLog<string>(5);
      log.record({ kind: 'finish', before: 'a', after: 'b' });
      log.record({ kind: 'matte' });
      log.record({ kind: 'matte' });
      log.record({ kind: 'finish', before: 'b', after: 'c' });
      // The worker kept only the newest hand edit: the older one, and what came before it, are gone.
      log.keepMatteSteps(1);
      expect(log.undo()).toEqual({ kind: 'finish', before: 'b', after: 'c' });
      expect(log.undo()).toEqual({ kind: 'matte' });
      expect(log.undo()).toBeUndefined();
      expect(log.redo()).toEqual({ kind: 'matte' });
      log.record({ kind: 'matte' });
      expect(log.canRedo()).toBe(false);
      for (let i = 0; i < 10; i++) log.record({ kind: 'finish', before: `${i}`, after: `${i + 1}` });
      let count = 0;
      while (log.undo()) count++;
      expect(count).toBe(5);
      dispose();
    });
  });
});
