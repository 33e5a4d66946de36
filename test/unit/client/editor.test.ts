/**
 * The editor's one job runner, with the engine bridge over scripted workers: what is on screen while a
 * job runs, when it is replaced, cancelled, fails, or a paid result arrives; the model choice kept.
 */
import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEditor, type RemoteCutout } from '../../../src/client/state/editor.ts';
import { EngineClient } from '../../../src/engine/client/engine-client.ts';
import type { EngineRequest } from '../../../src/engine/protocol.ts';
import { ScriptedWorker } from '../../support/scripted-worker.ts';

const disposers: Array<() => void> = [];
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

function bitmap() {
  return { close: vi.fn(), width: 4, height: 3 } as unknown as ImageBitmap & { close: ReturnType<typeof vi.fn> };
}

function setup(settings = memoryStorage()) {
  const cutoutWorkers: ScriptedWorker[] = [];
  const renderWorkers: ScriptedWorker[] = [];
  const factory = (list: ScriptedWorker[]) => () => {
    const worker = new ScriptedWorker();
    list.push(worker);
    return worker as unknown as Worker;
  };
  const editor = createRoot((dispose) => {
    disposers.push(dispose);
    return createEditor({
      cutoutEngine: new EngineClient(factory(cutoutWorkers)),
      renderEngine: new EngineClient(factory(renderWorkers)),
      settings,
      modelDownloadBytes: { small: 54, medium: 96 },
      save: vi.fn(),
    });
  });
  disposers.push(() => editor.dispose());
  /** The last request the cutout worker got, and ways to answer it. */
  const cutout = () => {
    const worker = cutoutWorkers.at(-1)!;
    const request = worker.requests.at(-1)! as EngineRequest;
    return {
      request,
      worker,
      preview: (preview = bitmap(), pass: 'fast' | 'full' = 'full') => {
        worker.answer({ id: request.id, kind: 'progress', progress: { stage: 'preview', preview, width: 4, height: 3, pass } });
        return preview;
      },
      stage: (stage: 'inference' | 'compose') => worker.answer({ id: request.id, kind: 'progress', progress: { stage } }),
      finish: (png = new Blob(['png'])) =>
        worker.answer({
          id: request.id,
          kind: 'result',
          output: { png, width: 4, height: 3, timings: { modelMs: 1, inferenceMs: 2, fastPreviewMs: 1, foregroundMs: 0, totalMs: 3 } },
        }),
      fail: (message: string) => worker.answer({ id: request.id, kind: 'failure', failure: { code: 'corrupt', message } }),
    };
  };
  return { editor, cutout, renderWorkers, settings };
}

const file = (name = 'photo.png') => new File([new Uint8Array([1, 2, 3])], name, { type: 'image/png' });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('editor job runner', () => {
  it('runs a cutout: the job and its stages, the preview on screen, then the finished result', async () => {
    const { editor, cutout } = setup();
    const done = editor.startCutout(file());
    expect(editor.phase().kind).toBe('running');
    expect(editor.job()).toMatchObject({ fileName: 'photo.png', stage: 'decode' });
    expect(editor.busy()).toBe(true);
    const call = cutout();
    expect(call.request).toMatchObject({ method: 'cutout', input: { model: 'medium', expectedDownloadBytes: 96 } });
    call.stage('inference');
    expect(editor.job()?.stage).toBe('inference');
    call.preview();
    expect(editor.result()).toMatchObject({ madeBy: 'on-device', width: 4 });
    expect(editor.result()?.png).toBeUndefined();
    const png = new Blob(['png']);
    call.finish(png);
    await expect(done).resolves.toBe(true);
    expect(editor.phase().kind).toBe('done');
    expect(editor.result()?.png).toBe(png);
    expect(editor.job()).toBeUndefined();
    expect(editor.busy()).toBe(false);
  });

  it('shows the photo until the fast preview, which the full preview replaces and releases', async () => {
    const { editor, cutout } = setup();
    const picked = file();
    const done = editor.startCutout(picked);
    expect(editor.pendingPhoto()).toBe(picked);
    const call = cutout();
    const fast = call.preview(bitmap(), 'fast');
    expect(editor.pendingPhoto()).toBeUndefined();
    expect(editor.result()?.preview).toBe(fast);
    const full = call.preview(bitmap(), 'full');
    expect(editor.result()?.preview).toBe(full);
    expect(fast.close).toHaveBeenCalled();
    expect(full.close).not.toHaveBeenCalled();
    call.finish();
    await expect(done).resolves.toBe(true);
    expect(editor.result()?.preview).toBe(full);
  });

  it('a new image replaces a running one: the old worker stops, its preview is released, the new one finishes', async () => {
    const { editor, cutout } = setup();
    const first = editor.startCutout(file('first.png'));
    const firstCall = cutout();
    const firstPreview = firstCall.preview();
    const second = editor.startCutout(file('second.png'));
    expect(firstCall.worker.terminated).toBe(true);
    await expect(first).resolves.toBe(false);
    expect(firstPreview.close).toHaveBeenCalled();
    expect(editor.job()?.fileName).toBe('second.png');
    const secondCall = cutout();
    secondCall.preview();
    secondCall.finish();
    await expect(second).resolves.toBe(true);
    expect(editor.result()?.fileName).toBe('second.png');
    expect(editor.state.message).toBeUndefined();
  });

  it('a failure brings the previous result back and says so; the failed preview is released', async () => {
    const { editor, cutout } = setup();
    const first = editor.startCutout(file('kept.png'));
    cutout().preview();
    cutout().finish();
    await first;
    const kept = editor.result();
    const second = editor.startCutout(file('broken.png'));
    // While a new photo runs, the previous photo's result is neither shown nor downloadable (it
    // would be taken for the new one); it is kept, and comes back if the new one fails.
    expect(editor.result()).toBeUndefined();
    expect(editor.job()?.fileName).toBe('broken.png');
    expect(editor.pendingPhoto()).toBeDefined();
    const brokenPreview = cutout().preview();
    expect(editor.result()?.fileName).toBe('broken.png');
    cutout().fail('“broken.png” could not be decoded.');
    await expect(second).resolves.toBe(false);
    expect(editor.result()).toBe(kept);
    expect(editor.phase()).toEqual({ kind: 'done', result: kept });
    expect(brokenPreview.close).toHaveBeenCalled();
    expect(editor.state.message).toEqual({ tone: 'error', text: '“broken.png” could not be decoded. Your previous result is kept.' });
  });

  it('cancel stops the worker and says so; with nothing before it, the editor is idle again', async () => {
    const { editor, cutout } = setup();
    const run = editor.startCutout(file());
    const call = cutout();
    editor.cancel();
    expect(call.worker.terminated).toBe(true);
    await expect(run).resolves.toBe(false);
    expect(editor.phase()).toEqual({ kind: 'idle' });
    expect(editor.state.message).toEqual({ tone: 'notice', text: 'Cutout cancelled.' });
  });

  it('a paid result goes through the same runner into the same view; a failed one keeps the previous', async () => {
    const { editor, cutout, renderWorkers } = setup();
    expect(await editor.runRemote('Sending…', async () => ({}) as RemoteCutout)).toBe(false); // nothing to send yet
    const first = editor.startCutout(file());
    cutout().preview();
    cutout().finish();
    await first;
    const onDevice = editor.result();

    const remote = editor.runRemote('Sending to PhotoRoom…', async (source) => {
      expect(source.name).toBe('photo.png');
      return { image: new Blob(['hd']), providerName: 'PhotoRoom', madeBy: 'PhotoRoom HD', watermarked: false };
    });
    expect(editor.job()).toMatchObject({ stage: 'remote', remoteLabel: 'Sending to PhotoRoom…' });
    // A second paid action while one runs is refused.
    expect(await editor.runRemote('again', async () => ({}) as RemoteCutout)).toBe(false);
    await tick();
    const ingest = renderWorkers.at(-1)!;
    const request = ingest.requests.at(-1)!;
    expect(request.method).toBe('ingest');
    ingest.answer({ id: request.id, kind: 'result', output: { preview: bitmap(), width: 8, height: 6, png: new Blob(['hd png']) } });
    await expect(remote).resolves.toBe(true);
    expect(editor.result()).toMatchObject({ madeBy: 'PhotoRoom HD', width: 8 });
    expect(editor.state.message).toEqual({ tone: 'success', text: 'PhotoRoom HD cutout ready, 8×6.' });
    expect(onDevice?.preview.close).toHaveBeenCalled();

    const hd = editor.result();
    await expect(editor.runRemote('Sending…', async () => Promise.reject(new Error('Out of credits: nothing was charged.')))).resolves.toBe(
      false,
    );
    expect(editor.result()).toBe(hd);
    expect(editor.state.message).toEqual({ tone: 'error', text: 'Out of credits: nothing was charged. Your previous result is kept.' });
  });
});

describe('one Undo for finishing choices', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('undoes and redoes a change of background or frame once the person paused; a new photo starts afresh', async () => {
    const { editor, cutout } = setup();
    const done = editor.startCutout(file());
    cutout().preview();
    cutout().finish();
    await done;
    expect(editor.canUndo()).toBe(false);
    editor.setBackground({ kind: 'color', color: '#ff0000' });
    editor.setBackground({ kind: 'color', color: '#00ff00' }); // one edit: no pause between
    await sleep(600);
    expect(editor.canUndo()).toBe(true);
    editor.setFrame({ aspect: '1:1', margin: { value: 5, unit: '%' }, align: 'bottom' });
    editor.undo(); // the frame change, not yet recorded, is recorded and taken back at once
    expect(editor.state.frame.aspect).toBe('photo');
    editor.undo();
    expect(editor.state.background).toEqual({ kind: 'transparent' });
    expect(editor.canUndo()).toBe(false);
    editor.redo();
    expect(editor.state.background).toEqual({ kind: 'color', color: '#00ff00' });
    editor.redo();
    expect(editor.state.frame).toMatchObject({ aspect: '1:1', align: 'bottom' });
    expect(editor.canRedo()).toBe(false);
    // Undo itself records nothing.
    await sleep(600);
    expect(editor.canRedo()).toBe(false);
    editor.undo();
    expect(editor.canRedo()).toBe(true);

    const next = editor.startCutout(file('second.png'));
    cutout().preview();
    cutout().finish();
    await next;
    expect(editor.canUndo()).toBe(false);
    expect(editor.canRedo()).toBe(false);
  });
});

describe('model choice', () => {
  it('is kept between visits, and an unknown stored value falls back to medium', () => {
    const settings = memoryStorage({ 'cutwise.model': 'small' });
    const { editor } = setup(settings);
    expect(editor.state.model).toBe('small');
    editor.setModel('medium');
    expect(settings.values.get('cutwise.model')).toBe('medium');
    expect(setup(memoryStorage({ 'cutwise.model': 'huge' })).editor.state.model).toBe('medium');
  });

  it('works when storage is refused (private modes)', () => {
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    const { editor } = setup(refusing as unknown as ReturnType<typeof memoryStorage>);
    expect(editor.state.model).toBe('medium');
    editor.setModel('small');
    expect(editor.state.model).toBe('small');
  });
});
