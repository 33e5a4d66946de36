/**
 * The typed bridge between the main thread and the engine worker: message shapes only, no code,
 * so both sides import it without pulling the other side's dependencies.
 */
import type { CutoutFailure } from '../shared/cutout-errors.ts';
import type { Background } from '../shared/image/composite.ts';
import type { FrameChoice, Shadow } from '../shared/image/finish.ts';
import type { ExportType } from '../shared/format.ts';
import type { BrushStroke } from '../shared/image/matte-edit.ts';
import type { HistoryStatus } from '../shared/image/edit-history.ts';

export type { ModelChoice } from '../shared/model-manifest.ts';
import type { ModelChoice } from '../shared/model-manifest.ts';

export interface CutoutInput {
  file: Blob;
  fileName: string;
  model: ModelChoice;
  /** What a first download of this model weighs (the library reveals sizes one file at a time). */
  expectedDownloadBytes?: number;
}

export type CutoutProgress =
  | { stage: 'download'; loaded: number; total: number }
  | { stage: 'decode' | 'inference' | 'compose' | 'encode' }
  /** The cutout, scaled for the screen, before the full-resolution file is encoded. */
  /** 'fast': the quick first pass's cutout, shown at once; 'full': the final one, replacing it. */
  | { stage: 'preview'; preview: ImageBitmap; width: number; height: number; pass: 'fast' | 'full' };

/** What runs the model: ONNX Runtime's WebGPU backend, or its CPU one (WebAssembly). */
export type InferenceBackend = 'webgpu' | 'wasm';

export interface CutoutOutput {
  /** Full-resolution cutout, transparent background. */
  png: Blob;
  width: number;
  height: number;
  notice?: string;
  /**
   * fastPreviewMs: drop → the fast pass's preview ready; foregroundMs: the edge-colour estimation of the
   * full-resolution cutout (part of totalMs); backend: what ran the model's full pass.
   */
  timings: {
    modelMs: number;
    inferenceMs: number;
    fastPreviewMs: number;
    foregroundMs: number;
    totalMs: number;
    backend?: InferenceBackend;
  };
}

/** How the finished file looks: frame (crop, ratio, size), shadow and background. */
export interface FinishChoices {
  frame: FrameChoice;
  shadow: Shadow;
  background: Background;
}

export interface RenderInput extends FinishChoices {
  /** The full-resolution cutout (transparent). */
  png: Blob;
  /** The picked photo, for a blurred-photo background; the same pixels and orientation as the cutout. */
  photo?: Blob;
  type: ExportType;
  /** 0–1 for WebP and JPEG; PNG ignores it. */
  quality?: number;
}

/** A finished cutout made elsewhere (a paid provider), prepared for the compare view and export. */
export interface IngestInput {
  image: Blob;
  /** Named in the message if the bytes are not an image. */
  providerName: string;
  /** What the provider charged for it, in words, said if the bytes are not an image. */
  charged?: string;
}

export interface IngestOutput {
  preview: ImageBitmap;
  width: number;
  height: number;
  /** The image as PNG (re-encoded only when the provider sent another format). */
  png: Blob;
}

/**
 * Brushing the matte: a session holds one cutout's full-resolution pixels, the photo's and the undo
 * history in the worker; the page sends strokes and gets back the screen copy. `session` names the
 * cutout the page means, so a request for a closed or replaced one fails instead of editing another.
 */
export interface MatteOpenInput {
  session: number;
  /** The picked photo: restored pixels take its colours. */
  photo: Blob;
  /** The cutout as it is now (with earlier edits). */
  cutout: Blob;
  /** Long side of the screen copy sent back after each edit. */
  previewSide: number;
}

export type MatteAction =
  | { kind: 'stroke'; stroke: BrushStroke }
  | { kind: 'undo' }
  | { kind: 'redo' }
  /** Back to this cutout (the model's or the provider's), as one more step that can be undone. */
  | { kind: 'reset'; to: Blob };

export interface MatteEdited {
  /** The whole cutout at screen size, after the action. */
  preview: ImageBitmap;
  history: HistoryStatus;
  /** Whether the action changed any pixel. */
  changed: boolean;
  /** Time the full-resolution pixels took to update (the stroke, its edge colours, the undo step). */
  applyMs: number;
}

export interface EngineMethods {
  cutout: { input: CutoutInput; progress: CutoutProgress; output: CutoutOutput };
  render: { input: RenderInput; progress: never; output: Blob };
  ingest: { input: IngestInput; progress: never; output: IngestOutput };
  matteOpen: { input: MatteOpenInput; progress: never; output: { width: number; height: number } };
  matteEdit: { input: { session: number; action: MatteAction }; progress: never; output: MatteEdited };
  /** The edited cutout as a full-resolution PNG. */
  matteEncode: { input: { session: number }; progress: never; output: Blob };
  matteClose: { input: { session: number }; progress: never; output: null };
}
export type EngineMethod = keyof EngineMethods;

export type EngineRequest = {
  [M in EngineMethod]: { id: number; method: M; input: EngineMethods[M]['input'] };
}[EngineMethod];

export type EngineResponse =
  | { id: number; kind: 'progress'; progress: CutoutProgress }
  | { id: number; kind: 'result'; output: EngineMethods[EngineMethod]['output'] }
  | { id: number; kind: 'failure'; failure: CutoutFailure };
