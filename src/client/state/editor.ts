/**
 * Editor state and actions (main thread). Components read the store and call actions; all
 * engine work goes through the EngineClient bridge. Created per app instance and handed down
 * through context, never a module-level singleton.
 */
import { createEffect, createMemo, createSignal, on } from 'solid-js';
import { createStore, reconcile, unwrap } from 'solid-js/store';
import { EngineClient, EngineFailureError } from '../../engine/client/engine-client.ts';
import type { CutoutOutput } from '../../engine/protocol.ts';
import { MODEL_CHOICES, type ModelChoice } from '../../shared/model-manifest.ts';
import { MODEL_SETTING } from '../../shared/names.ts';
import { persistedChoice, type SettingsStorage } from './persisted.ts';
import type { Background } from '../../shared/image/composite.ts';
import { PHOTO_FRAME, type FrameChoice, type Shadow } from '../../shared/image/finish.ts';
import type { FinishChoices, RenderInput } from '../../engine/protocol.ts';
import { createFinisher, decodeScaled } from './finish.ts';
import { cutoutFileName, type ExportType } from '../../shared/format.ts';
import { saveWithLink } from './save-file.ts';
import { createMatteEditing } from './matte.ts';
import { createUndoLog } from './undo-log.ts';

export type JobStage = 'decode' | 'download' | 'inference' | 'compose' | 'encode' | 'remote';

export interface Job {
  id: number;
  fileName: string;
  stage: JobStage;
  /** What a paid call is doing, e.g. "Sending to PhotoRoom…"; only for stage 'remote'. */
  remoteLabel?: string;
  download?: { loaded: number; total: number };
  startedAt: number;
  /** The picked photo, shown at once, dimmed, until the preview replaces it; on-device jobs only. */
  photo?: Blob;
}

export interface Result {
  id: number;
  fileName: string;
  /** The picked file, kept so a paid provider can be asked for its own cutout of it. */
  sourceFile: File;
  originalUrl: string;
  /** Who made the cutout: "on-device" or the provider's words, e.g. "PhotoRoom HD". */
  madeBy: string;
  /** PhotoRoom sandbox results carry a watermark. */
  watermarked?: boolean;
  preview: ImageBitmap;
  width: number;
  height: number;
  /** On-device results: 'fast' while the quick first pass's preview is shown, 'full' once the final one is. */
  pass?: 'fast' | 'full';
  /** Full-resolution transparent PNG; absent while it is still being encoded. */
  png?: Blob;
  /** The cutout as the model (or provider) made it, once hand edits changed `png`: what Reset goes back to. */
  modelPng?: Blob;
  notice?: string;
  timings?: CutoutOutput['timings'];
  /** Opened from Recent rather than made now. */
  reopened?: boolean;
}

export type Message = { tone: 'error' | 'notice' | 'success'; text: string };

/** A finished cutout from somewhere other than the on-device engine. */
export interface RemoteCutout {
  image: Blob;
  providerName: string;
  madeBy: string;
  watermarked: boolean;
  /** What the provider charged for it, in words, so an unusable answer can say it was paid for. */
  charged?: string;
}

/**
 * What the editor is doing: nothing yet; a job running (with its preview once there is one, and the
 * last finished result, which stays on screen and downloadable until the job replaces it); or done.
 */
export type EditorPhase =
  { kind: 'idle' } | { kind: 'running'; job: Job; preview?: Result; kept?: Result } | { kind: 'done'; result: Result };

export interface EditorState {
  message: Message | undefined;
  background: Background;
  frame: FrameChoice;
  shadow: Shadow;
  /** The download's format and, for WebP and JPEG, its quality (0–1). */
  exportType: ExportType;
  quality: number;
  model: ModelChoice;
  busyExport: boolean;
}

/** The long side of a reopened cutout's on-screen copy. */
const REOPEN_PREVIEW_SIDE = 1600;

/** The cutout worker holds the model (~1 GB): released after this long without work, or when the page is hidden. */
export const ENGINE_IDLE_RELEASE_MS = 45_000;

export interface EditorDeps {
  cutoutEngine?: EngineClient;
  renderEngine?: EngineClient;
  /** The worker that holds a cutout being brushed. */
  matteEngine?: EngineClient;
  /** Where the model choice is kept between visits (localStorage in the browser). */
  settings?: SettingsStorage;
  /** Download size of each model, ONNX Runtime included (the build's measurement). */
  modelDownloadBytes: Readonly<Record<ModelChoice, number>>;
  /** Saves a file for the user (an <a download> click in the browser). */
  save?: (blob: Blob, fileName: string) => void;
  /** Told of every new finished cutout (on-device or paid), e.g. to keep it in Recent. */
  onFinished?: (result: Result) => void;
  /** Told when hand edits of a cutout are saved at full resolution. */
  onEdited?: (result: Result) => void;
}

/** The finishing choices and the format: what an Undo of a finishing change puts back. */
export type FinishState = FinishChoices & { exportType: ExportType; quality: number };

/** A cutout kept on this device, to be opened again with its finishing choices. */
export interface ReopenInput {
  fileName: string;
  madeBy: string;
  watermarked?: boolean;
  photo: Blob;
  cutout: Blob;
  /** The cutout before hand edits, when `cutout` has some. */
  modelCutout?: Blob;
  width: number;
  height: number;
  finish: FinishState;
}

/** The words for a failure: engine and provider errors carry a message written for people. */
/** No frame, no shadow, a plain or no background: the cutout itself, as the compare view draws it. */
export function showsOnlyTheCutout(choices: FinishChoices): boolean {
  const plainBackground = choices.background.kind === 'transparent' || choices.background.kind === 'color';
  return plainBackground && choices.frame.aspect === 'photo' && !choices.frame.outputSize && choices.shadow.kind === 'none';
}

export function failureText(error: unknown): string {
  if (error instanceof EngineFailureError) return error.failure.message;
  return error instanceof Error ? error.message : String(error);
}

const isAbort = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';

/** How a job ends in words, for the runner; `kept` says whether an earlier result stays on screen. */
interface JobWords {
  done: (result: Result) => Message | undefined;
  cancelled: (kept: boolean) => string;
  failed: (error: unknown, kept: boolean) => string;
}

export function createEditor(deps: EditorDeps) {
  const cutoutEngine = deps.cutoutEngine ?? new EngineClient(undefined, { idleReleaseMs: ENGINE_IDLE_RELEASE_MS });
  // A second worker for exports, so encoding a download never waits behind a running cutout.
  const renderEngine = deps.renderEngine ?? new EngineClient();
  // A third for the cutout being brushed: it holds the full-resolution pixels while the person edits.
  const matteEngine = deps.matteEngine ?? new EngineClient();
  const save = deps.save ?? saveWithLink;
  const model = persistedChoice<ModelChoice>(deps.settings ?? localStorage, MODEL_SETTING, MODEL_CHOICES, 'medium');

  const [state, setState] = createStore<EditorState>({
    message: undefined,
    background: { kind: 'transparent' },
    frame: PHOTO_FRAME,
    shadow: { kind: 'none' },
    exportType: 'image/png',
    quality: 0.9,
    model: model.initial,
    busyExport: false,
  });
  // Results are immutable values: a store would merge one result into the next.
  const [phase, setPhase] = createSignal<EditorPhase>({ kind: 'idle' }, { equals: false });
  const job = (): Job | undefined => {
    const current = phase();
    return current.kind === 'running' ? current.job : undefined;
  };
  /**
   * What is on screen: the last finished result, or while a job runs its own preview. A new photo
   * never shows the previous photo's result (it could be downloaded under the wrong name); a paid
   * call on the same photo keeps showing the result it will replace.
   */
  const result = (): Result | undefined => {
    const current = phase();
    if (current.kind === 'done') return current.result;
    if (current.kind !== 'running') return undefined;
    return current.preview ?? (current.job.stage === 'remote' ? current.kept : undefined);
  };
  /** The photo of a running job that has no preview yet, to show at once instead of a blank wait. */
  const pendingPhoto = (): Blob | undefined => {
    const current = phase();
    return current.kind === 'running' && !current.preview ? current.job.photo : undefined;
  };
  /** The last finished result, whatever runs now. */
  const finished = (): Result | undefined => {
    const current = phase();
    return current.kind === 'done' ? current.result : current.kind === 'running' ? current.kept : undefined;
  };
  let nextJobId = 1;
  let running: AbortController | undefined;

  /** Replaces parts of the finished result `id`, if it is still the one on screen. */
  function changeShown(id: number, change: Partial<Result>): Result | undefined {
    const current = phase();
    if (current.kind !== 'done' || current.result.id !== id) return undefined;
    const next = { ...current.result, ...change };
    setPhase({ kind: 'done', result: next });
    if (change.preview && change.preview !== current.result.preview) current.result.preview.close();
    return next;
  }

  const matte = createMatteEditing({
    engine: matteEngine,
    shown: () => {
      const current = phase();
      if (current.kind !== 'done' || !current.result.png) return undefined;
      const { id, sourceFile, png, modelPng } = current.result;
      return { id, photo: sourceFile, png, ...(modelPng ? { original: modelPng } : {}) };
    },
    showPreview: (id, preview) => {
      if (!changeShown(id, { preview })) preview.close();
    },
    saveCutout: (id, png, original) => {
      const saved = changeShown(id, { png, modelPng: original });
      if (saved) deps.onEdited?.(saved);
    },
    fail: (text) => setState('message', { tone: 'error', text }),
    onEdit: (steps) => {
      flushFinishEdit();
      undoLog.record({ kind: 'matte' });
      undoLog.keepMatteSteps(steps);
    },
  });

  // One Undo/Redo for hand edits and finishing choices alike. A change of the finishing choices is
  // recorded once the person pauses (a slider's drag is one edit, not fifty).
  const undoLog = createUndoLog<FinishState>();
  const images = new WeakMap<Blob, number>();
  let imageCount = 0;
  const finishStateKey = (choices: FinishState): string => {
    const background = choices.background;
    if (background.kind !== 'image') return JSON.stringify(choices);
    if (!images.has(background.image)) images.set(background.image, ++imageCount);
    return JSON.stringify({ ...choices, background: { kind: 'image', image: images.get(background.image) } });
  };
  /** A copy of the choices now (the store's own objects change in place when a choice is reconciled). */
  const finishState = (): FinishState => ({
    background: { ...unwrap(state.background) },
    frame: structuredClone(unwrap(state.frame)),
    shadow: { ...unwrap(state.shadow) },
    exportType: state.exportType,
    quality: state.quality,
  });
  /** The finishing choices as last recorded (or set by undo, redo or reopening): changes are measured from them. */
  let committedFinish = finishState();
  let finishTimer: ReturnType<typeof setTimeout> | undefined;
  function flushFinishEdit(): void {
    if (finishTimer === undefined) return;
    clearTimeout(finishTimer);
    finishTimer = undefined;
    const now = finishState();
    if (finishStateKey(now) === finishStateKey(committedFinish)) return;
    undoLog.record({ kind: 'finish', before: committedFinish, after: now });
    committedFinish = now;
  }
  createEffect(
    on(
      // Read through the store (unwrap would not track the choices).
      () =>
        finishStateKey({
          background: state.background,
          frame: state.frame,
          shadow: state.shadow,
          exportType: state.exportType,
          quality: state.quality,
        }),
      (key) => {
        if (key === finishStateKey(committedFinish) || !result()) return;
        if (finishTimer !== undefined) clearTimeout(finishTimer);
        finishTimer = setTimeout(flushFinishEdit, 500);
      },
      { defer: true },
    ),
  );
  function applyFinish(choices: FinishState): void {
    committedFinish = choices;
    setBackground(choices.background);
    setFrame(choices.frame);
    setShadow(choices.shadow);
    setState({ exportType: choices.exportType, quality: choices.quality });
  }
  function undo(): void {
    flushFinishEdit();
    const entry = undoLog.undo();
    if (entry?.kind === 'matte') void matte.undo();
    else if (entry) applyFinish(entry.before);
  }
  function redo(): void {
    flushFinishEdit();
    const entry = undoLog.redo();
    if (entry?.kind === 'matte') void matte.redo();
    else if (entry) applyFinish(entry.after);
  }
  // Another result on screen (a new photo, a paid cutout, one from Recent): its hand edits start afresh.
  // (A memo: the phase changes with every edit of the same result, its id does not.)
  const shownId = createMemo(() => result()?.id);
  createEffect(
    on(
      shownId,
      () => {
        matte.resultChanged();
        if (finishTimer !== undefined) clearTimeout(finishTimer);
        finishTimer = undefined;
        undoLog.clear();
        committedFinish = finishState();
      },
      { defer: true },
    ),
  );

  function releaseResult(result: Result | undefined): void {
    if (!result) return;
    URL.revokeObjectURL(result.originalUrl);
    result.preview.close();
  }

  /** Updates the running job, if `id` is still the one running. */
  function updateJob(
    id: number,
    change: (current: Extract<EditorPhase, { kind: 'running' }>) => Partial<Extract<EditorPhase, { kind: 'running' }>>,
  ): void {
    const current = phase();
    if (current.kind === 'running' && current.job.id === id) setPhase({ ...current, ...change(current) });
  }

  /**
   * The one job runner, for on-device cutouts and paid results alike: a newer job aborts this one
   * (its signal), the last finished result stays on screen and downloadable until the work returns a
   * new one, and every ending says what happened. `work` releases what it showed if it throws.
   * Returns whether the job produced a result.
   */
  async function runJob(
    start: Omit<Job, 'id' | 'startedAt'>,
    work: (signal: AbortSignal, id: number) => Promise<Result>,
    words: JobWords,
    note?: string,
  ): Promise<boolean> {
    running?.abort(new DOMException('Replaced by a newer job', 'AbortError'));
    const controller = new AbortController();
    running = controller;
    const id = nextJobId++;
    const kept = finished();
    setPhase({ kind: 'running', job: { ...start, id, startedAt: performance.now() }, ...(kept ? { kept } : {}) });
    setState('message', note ? { tone: 'notice', text: note } : undefined);
    let made: Result | undefined;
    let failure: unknown;
    try {
      made = await work(controller.signal, id);
    } catch (error) {
      failure = error;
    }
    if (controller !== running) {
      // A newer job owns the screen; this one leaves nothing behind.
      if (made) releaseResult(made);
      return false;
    }
    running = undefined;
    if (made) {
      setPhase({ kind: 'done', result: made });
      if (made.png) deps.onFinished?.(made);
      if (kept) releaseResult(kept);
      const message = words.done(made);
      if (message) setState('message', message);
      return true;
    }
    setPhase(kept ? { kind: 'done', result: kept } : { kind: 'idle' });
    setState(
      'message',
      isAbort(failure)
        ? { tone: 'notice', text: words.cancelled(Boolean(kept)) }
        : { tone: 'error', text: words.failed(failure, Boolean(kept)) },
    );
    return false;
  }

  /** Cuts out a picked file on the device: preview first, then the full-resolution PNG. */
  function startCutout(file: File, note?: string): Promise<boolean> {
    const originalUrl = URL.createObjectURL(file);
    let previewed: Result | undefined;
    return runJob(
      { fileName: file.name, stage: 'decode', photo: file },
      async (signal, id) => {
        try {
          const output = await cutoutEngine.call(
            'cutout',
            { file, fileName: file.name, model: state.model, expectedDownloadBytes: deps.modelDownloadBytes[state.model] },
            {
              signal,
              onProgress: (progress) => {
                if (progress.stage === 'preview') {
                  // The fast pass's preview first, then the full pass's, which replaces it.
                  const { preview, width, height, pass } = progress;
                  const earlier = previewed;
                  previewed = { id, fileName: file.name, sourceFile: file, originalUrl, madeBy: 'on-device', preview, width, height, pass };
                  updateJob(id, () => ({ preview: previewed }));
                  earlier?.preview.close();
                } else if (progress.stage === 'download') {
                  updateJob(id, (current) => ({
                    job: { ...current.job, stage: 'download', download: { loaded: progress.loaded, total: progress.total } },
                  }));
                } else {
                  updateJob(id, (current) => ({ job: { ...current.job, stage: progress.stage } }));
                }
              },
            },
          );
          if (!previewed) throw new Error('engine finished without a preview');
          const done: Result = { ...previewed, png: output.png, timings: output.timings };
          if (output.notice) done.notice = output.notice;
          return done;
        } catch (error) {
          // A job that ends without a result releases what it showed.
          previewed?.preview.close();
          URL.revokeObjectURL(originalUrl);
          throw error;
        }
      },
      {
        done: (done) => (done.notice ? { tone: 'notice', text: done.notice } : undefined),
        cancelled: () => 'Cutout cancelled.',
        failed: (error, kept) => `${failureText(error)}${kept ? ' Your previous result is kept.' : ''}`,
      },
      note,
    );
  }

  /**
   * Opens a kept cutout as the current result, with its finishing choices; nothing runs. A record
   * whose cutout cannot be decoded is named as damaged and the screen stays as it was.
   */
  async function reopen(kept: ReopenInput): Promise<boolean> {
    if (running) return false;
    let preview: ImageBitmap;
    try {
      preview = await decodeScaled(kept.cutout, REOPEN_PREVIEW_SIDE);
    } catch {
      setState('message', {
        tone: 'error',
        text: `“${kept.fileName}” could not be opened from Recent: its saved data is damaged. Delete it there; nothing else is affected.`,
      });
      return false;
    }
    const previous = finished();
    const sourceFile = new File([kept.photo], kept.fileName, { type: kept.photo.type });
    const result: Result = {
      id: nextJobId++,
      fileName: kept.fileName,
      sourceFile,
      originalUrl: URL.createObjectURL(sourceFile),
      madeBy: kept.madeBy,
      ...(kept.watermarked ? { watermarked: true } : {}),
      preview,
      width: kept.width,
      height: kept.height,
      pass: 'full',
      png: kept.cutout,
      ...(kept.modelCutout ? { modelPng: kept.modelCutout } : {}),
      reopened: true,
    };
    setPhase({ kind: 'done', result });
    if (previous) releaseResult(previous);
    // The kept choices are where this result starts, not an edit to undo.
    applyFinish(kept.finish);
    setState('message', { tone: 'notice', text: `Opened “${kept.fileName}” from Recent, with its settings.` });
    return true;
  }

  function cancel(): void {
    running?.abort(new DOMException('Cancelled by the user', 'AbortError'));
  }

  /**
   * Replaces the shown cutout with one made elsewhere (a paid provider) from the same picked file.
   * On any failure the current result stays; `produce` throws errors whose message a person can read.
   */
  async function runRemote(label: string, produce: (file: File, signal: AbortSignal) => Promise<RemoteCutout>): Promise<boolean> {
    const previous = finished();
    if (!previous || running) return false;
    return runJob(
      { fileName: previous.fileName, stage: 'remote', remoteLabel: label },
      async (signal, id) => {
        const remote = await produce(previous.sourceFile, signal);
        const ingested = await renderEngine.call(
          'ingest',
          { image: remote.image, providerName: remote.providerName, ...(remote.charged ? { charged: remote.charged } : {}) },
          { signal },
        );
        return {
          id,
          fileName: previous.fileName,
          sourceFile: previous.sourceFile,
          originalUrl: URL.createObjectURL(previous.sourceFile),
          madeBy: remote.madeBy,
          watermarked: remote.watermarked,
          preview: ingested.preview,
          width: ingested.width,
          height: ingested.height,
          png: ingested.png,
        };
      },
      {
        done: (done) => ({
          tone: 'success',
          text: `${done.madeBy} cutout ready, ${done.width}×${done.height}.${done.watermarked ? ' It is watermarked: sandbox keys are free but mark their results.' : ''}`,
        }),
        cancelled: () => 'Cancelled. Your previous result is kept.',
        failed: (error) => `${failureText(error)} Your previous result is kept.`,
      },
    );
  }

  const choices = (): FinishChoices => ({ background: unwrap(state.background), frame: unwrap(state.frame), shadow: unwrap(state.shadow) });

  /** The engine renders every finished file but the untouched transparent PNG, which is the cutout itself. */
  function renderFinished(input: RenderInput): Promise<Blob> {
    if (input.type === 'image/png' && input.background.kind === 'transparent' && showsOnlyTheCutout(input))
      return Promise.resolve(input.png);
    return renderEngine.call('render', input);
  }

  const finisher = createFinisher(
    { render: renderFinished, wantsPreview: (request) => !showsOnlyTheCutout(request.choices) },
    () => {
      const current = phase();
      return current.kind === 'done' && current.result.png ? { png: current.result.png, photo: current.result.sourceFile } : undefined;
    },
    () => ({
      choices: {
        background: { ...state.background },
        frame: { ...state.frame, margin: { ...state.frame.margin } },
        shadow: { ...state.shadow },
      },
      type: state.exportType,
      quality: state.quality,
    }),
  );

  async function exportBlob(type: ExportType): Promise<Blob | undefined> {
    // Edits still being brushed are encoded first: what is saved is what is on screen.
    await matte.save();
    const current = result();
    if (!current?.png) return undefined;
    if (type === state.exportType) return finisher.take();
    return renderFinished({ png: current.png, photo: current.sourceFile, type, quality: state.quality, ...choices() });
  }

  async function runExport(action: () => Promise<void>): Promise<void> {
    setState('busyExport', true);
    try {
      await action();
    } catch (error) {
      setState('message', { tone: 'error', text: `Export failed: ${failureText(error)}` });
    } finally {
      setState('busyExport', false);
    }
  }

  function download(type: ExportType = state.exportType): Promise<void> {
    return runExport(async () => {
      const current = result();
      const blob = await exportBlob(type);
      if (current && blob) save(blob, cutoutFileName(current.fileName, type));
    });
  }

  function copyToClipboard(): Promise<void> {
    return runExport(async () => {
      if (!result()?.png) return;
      if (!navigator.clipboard || typeof ClipboardItem === 'undefined') {
        setState('message', { tone: 'error', text: 'This browser cannot copy images. Use Download instead.' });
        return;
      }
      // Clipboard images must be PNG; a promise keeps the user gesture alive while we encode.
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': exportBlob('image/png').then((blob) => blob ?? new Blob()) })]);
      setState('message', { tone: 'success', text: 'Cutout copied to the clipboard.' });
    });
  }

  /** Whether this browser can hand a cutout file to the system's share sheet (phones, some desktops). */
  function canShareFiles(): boolean {
    if (typeof navigator.canShare !== 'function') return false;
    try {
      return navigator.canShare({ files: [new File([], 'cutout.png', { type: 'image/png' })] });
    } catch {
      return false;
    }
  }

  function share(): Promise<void> {
    return runExport(async () => {
      const current = result();
      const blob = await exportBlob('image/png');
      if (!current || !blob) return;
      const file = new File([blob], cutoutFileName(current.fileName, 'image/png'), { type: 'image/png' });
      try {
        await navigator.share({ files: [file] });
      } catch (error) {
        if (isAbort(error)) return; // the person closed the share sheet
        throw error;
      }
    });
  }

  function setBackground(background: Background): void {
    // reconcile: a store would merge the new choice into the old one and keep keys it no longer has.
    setState('background', reconcile(background));
  }

  function setFrame(frame: FrameChoice): void {
    setState('frame', reconcile(frame));
  }

  function setShadow(shadow: Shadow): void {
    setState('shadow', reconcile(shadow));
  }

  function setExportType(type: ExportType): void {
    setState('exportType', type);
  }

  function setQuality(quality: number): void {
    setState('quality', Math.min(1, Math.max(0.1, quality)));
  }

  function setModel(choice: ModelChoice): void {
    model.save(choice);
    setState('model', choice);
  }

  function showMessage(message: Message | undefined): void {
    setState('message', message);
  }

  /** The page went to the background: a phone may kill it for the memory the model holds. */
  function releaseEngineIfIdle(): void {
    cutoutEngine.releaseIfIdle();
  }

  function dispose(): void {
    cancel();
    matte.dispose();
    cutoutEngine.terminate();
    renderEngine.terminate();
    matteEngine.terminate();
    releaseResult(result());
  }

  return {
    state,
    phase,
    job,
    result,
    pendingPhoto,
    /** Busy: a job runs or an export encodes (an update waits for both). */
    busy: () => job() !== undefined || state.busyExport,
    startCutout,
    reopen,
    cancel,
    runRemote,
    /** Erase and restore by hand, reset. */
    matte,
    /** One Undo and Redo for hand edits and finishing choices. */
    undo,
    redo,
    /** A copy of the finishing choices and format now (what Recent keeps with a cutout). */
    finishState,
    canUndo: undoLog.canUndo,
    canRedo: undoLog.canRedo,
    download,
    copyToClipboard,
    canShareFiles,
    share,
    setBackground,
    setFrame,
    setShadow,
    setExportType,
    setQuality,
    /** The finished file for the current choices: its size, its screen copy, whether it is being made. */
    finished: finisher,
    /** The file Download would save now, with its name: what a drag out of the page carries. */
    readyFile: (): { blob: Blob; name: string } | undefined => {
      const shown = result();
      const ready = finisher.current();
      if (!shown?.png || !ready || job() !== undefined || matte.unsaved()) return undefined;
      return { blob: ready.blob, name: cutoutFileName(shown.fileName, state.exportType) };
    },
    /** Whether the page shows the cutout itself (over a colour or the checkerboard) rather than a rendered file. */
    showsCutoutOnly: () => showsOnlyTheCutout(state),
    setModel,
    showMessage,
    releaseEngineIfIdle,
    dispose,
  };
}

export type Editor = ReturnType<typeof createEditor>;
