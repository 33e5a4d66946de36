/**
 * Editor state and actions (main thread). Components read the store and call actions; all
 * engine work goes through the EngineClient bridge. Created per app instance and handed down
 * through context, never a module-level singleton.
 */
import { createSignal } from 'solid-js';
import { modelDownloadBytes } from 'virtual:model-sizes';
import { createStore } from 'solid-js/store';
import { EngineClient, EngineFailureError } from '../../engine/client/engine-client.ts';
import type { CutoutOutput, ModelChoice } from '../../engine/protocol.ts';
import type { Background } from '../../shared/image/composite.ts';
import { cutoutFileName, type ExportType } from '../../shared/format.ts';
import { saveWithLink } from './save-file.ts';

export type JobStage = 'decode' | 'download' | 'inference' | 'compose' | 'encode' | 'remote';

export interface Job {
  id: number;
  fileName: string;
  stage: JobStage;
  /** What a paid call is doing, e.g. "Sending to PhotoRoom…"; only for stage 'remote'. */
  remoteLabel?: string;
  download?: { loaded: number; total: number };
  startedAt: number;
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
  /** Full-resolution transparent PNG; absent while it is still being encoded. */
  png?: Blob;
  notice?: string;
  timings?: CutoutOutput['timings'];
}

export type Message = { tone: 'error' | 'notice' | 'success'; text: string };

/** A finished cutout from somewhere other than the on-device engine. */
export interface RemoteCutout {
  image: Blob;
  providerName: string;
  madeBy: string;
  watermarked: boolean;
}

export interface EditorState {
  job: Job | undefined;
  message: Message | undefined;
  background: Background;
  model: ModelChoice;
  busyExport: boolean;
}

export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const MODEL_SETTING = 'cutwise.model';

export interface EditorDeps {
  cutoutEngine?: EngineClient;
  renderEngine?: EngineClient;
  settings?: SettingsStorage;
  /** Saves a file for the user (an <a download> click in the browser). */
  save?: (blob: Blob, fileName: string) => void;
}

/** The words for a failure: engine and provider errors carry a message written for people. */
function failureText(error: unknown): string {
  if (error instanceof EngineFailureError) return error.failure.message;
  return error instanceof Error ? error.message : String(error);
}

export function createEditor(deps: EditorDeps = {}) {
  const cutoutEngine = deps.cutoutEngine ?? new EngineClient();
  // A second worker for exports, so encoding a download never waits behind a running cutout.
  const renderEngine = deps.renderEngine ?? new EngineClient();
  const settings = deps.settings ?? localStorage;
  const save = deps.save ?? saveWithLink;

  const storedModel = settings.getItem(MODEL_SETTING);
  const [state, setState] = createStore<EditorState>({
    job: undefined,
    message: undefined,
    background: { kind: 'transparent' },
    model: storedModel === 'small' ? 'small' : 'medium',
    busyExport: false,
  });

  // Results are immutable values in a signal: a store would merge one result into the next.
  const [result, setResult] = createSignal<Result | undefined>(undefined, { equals: false });
  let nextJobId = 1;
  let running: AbortController | undefined;
  /** The last finished result: what stays on screen when a newer job fails or is cancelled. */
  let committed: Result | undefined;

  function releaseResult(result: Result | undefined): void {
    if (!result) return;
    URL.revokeObjectURL(result.originalUrl);
    result.preview.close();
  }

  async function startCutout(file: File, note?: string): Promise<void> {
    running?.abort(new DOMException('Replaced by a new image', 'AbortError'));
    const controller = new AbortController();
    running = controller;
    const id = nextJobId++;
    const previous = committed;
    const originalUrl = URL.createObjectURL(file);
    let shown: Result | undefined;

    // A replaced job may have put its unfinished preview on screen; go back to the finished one.
    setResult(previous);
    setState({
      job: { id, fileName: file.name, stage: 'decode', startedAt: performance.now() },
      message: note ? { tone: 'notice', text: note } : undefined,
    });

    try {
      const output = await cutoutEngine.call(
        'cutout',
        { file, fileName: file.name, model: state.model, expectedDownloadBytes: modelDownloadBytes[state.model] },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            if (progress.stage === 'preview') {
              shown = {
                id,
                fileName: file.name,
                sourceFile: file,
                originalUrl,
                madeBy: 'on-device',
                preview: progress.preview,
                width: progress.width,
                height: progress.height,
              };
              setResult(shown);
            } else if (progress.stage === 'download') {
              setState('job', { stage: 'download', download: { loaded: progress.loaded, total: progress.total } });
            } else {
              setState('job', 'stage', progress.stage);
            }
          },
        },
      );
      if (!shown) throw new Error('engine finished without a preview');
      const finished: Result = { ...shown, png: output.png, timings: output.timings };
      if (output.notice) finished.notice = output.notice;
      shown = undefined;
      setResult(finished);
      if (output.notice) setState('message', { tone: 'notice', text: output.notice });
      committed = finished;
      releaseResult(previous);
    } catch (error) {
      // Whatever happened, the earlier result stays on screen and downloadable.
      if (controller === running) setResult(previous); // else a newer image owns the screen now
      if (shown) shown.preview.close();
      URL.revokeObjectURL(originalUrl);
      if (controller !== running) return;
      if (error instanceof DOMException && error.name === 'AbortError') {
        setState('message', { tone: 'notice', text: 'Cutout cancelled.' });
      } else {
        const text = failureText(error);
        setState('message', { tone: 'error', text: previous ? `${text} Your previous result is kept.` : text });
      }
    } finally {
      if (controller === running) {
        running = undefined;
        setState('job', undefined);
      }
    }
  }

  function cancel(): void {
    running?.abort(new DOMException('Cancelled by the user', 'AbortError'));
  }

  /**
   * Replaces the shown cutout with one made elsewhere (a paid provider) from the same picked file.
   * On any failure the current result stays; `produce` throws errors whose message a person can read.
   */
  async function runRemote(label: string, produce: (file: File, signal: AbortSignal) => Promise<RemoteCutout>): Promise<boolean> {
    const previous = committed;
    if (!previous || running) return false;
    const controller = new AbortController();
    running = controller;
    const id = nextJobId++;
    setState({
      job: { id, fileName: previous.fileName, stage: 'remote', remoteLabel: label, startedAt: performance.now() },
      message: undefined,
    });
    try {
      const remote = await produce(previous.sourceFile, controller.signal);
      const ingested = await renderEngine.call(
        'ingest',
        { image: remote.image, providerName: remote.providerName },
        { signal: controller.signal },
      );
      const finished: Result = {
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
      committed = finished;
      setResult(finished);
      releaseResult(previous);
      const watermark = remote.watermarked ? ' It is watermarked: sandbox keys are free but mark their results.' : '';
      setState('message', { tone: 'success', text: `${remote.madeBy} cutout ready, ${finished.width}×${finished.height}.${watermark}` });
      return true;
    } catch (error) {
      if (controller !== running) return false;
      if (error instanceof DOMException && error.name === 'AbortError') {
        setState('message', { tone: 'notice', text: 'Cancelled. Your previous result is kept.' });
      } else {
        setState('message', { tone: 'error', text: `${failureText(error)} Your previous result is kept.` });
      }
      return false;
    } finally {
      if (controller === running) {
        running = undefined;
        setState('job', undefined);
      }
    }
  }

  async function exportBlob(type: ExportType): Promise<Blob | undefined> {
    const png = result()?.png;
    if (!png) return undefined;
    if (type === 'image/png' && state.background.kind === 'transparent') return png;
    return renderEngine.call('render', { png, type, background: { ...state.background } });
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

  function download(type: ExportType): Promise<void> {
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

  function setBackground(background: Background): void {
    setState('background', background);
  }

  function setModel(model: ModelChoice): void {
    settings.setItem(MODEL_SETTING, model);
    setState('model', model);
  }

  function showMessage(message: Message | undefined): void {
    setState('message', message);
  }

  function dispose(): void {
    cancel();
    cutoutEngine.terminate();
    renderEngine.terminate();
    releaseResult(result());
  }

  return {
    state,
    result,
    startCutout,
    cancel,
    runRemote,
    download,
    copyToClipboard,
    setBackground,
    setModel,
    showMessage,
    dispose,
  };
}

export type Editor = ReturnType<typeof createEditor>;
