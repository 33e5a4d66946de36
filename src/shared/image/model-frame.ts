/**
 * Where the photo sits in the model's square input. Pure; runs anywhere (the engine worker draws the
 * photo there, the tuning harnesses in bench/tune do the same in Node).
 *
 * Two classic fits and the range between them: letterbox (aspect kept, centred, mid-grey padding, which
 * is 0 after the model's normalisation) and squash (stretched to the square, as the library does and
 * as IS-Net was trained). `stretch` moves the short side from its letterboxed length (0) to the full
 * side (1); the rest is padded.
 */

/** The photo's rectangle inside the model's input, in input pixels. */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The model's input for one pass: its size (multiples of the model's stride) and where the photo sits in it. */
export interface ModelFrame {
  width: number;
  height: number;
  place: Placement;
}

/**
 * The fits the engine uses, chosen on eval-dev (BENCH.md, issues 12 and 13). Quick pass: letterbox
 * (at 512², squash found the subject in fewer photos). Full pass: halfway — on the 9 photos it gave
 * mean IoU 0.953 and edge-band MAE 0.099 against letterbox's 0.950 / 0.106 and squash's 0.801 / 0.203
 * (Node, bilinear), at the same cost.
 */
export const QUICK_PASS_STRETCH = 0;
export const FULL_PASS_STRETCH = 0.5;

/** A side² frame for a photo of `photoWidth` × `photoHeight`, its short side stretched by `stretch` (0–1). */
export function modelFrame(photoWidth: number, photoHeight: number, side: number, stretch: number): ModelFrame {
  const scale = side / Math.max(photoWidth, photoHeight);
  const fitted = (length: number) => {
    const letterboxed = length * scale;
    return Math.min(side, Math.max(1, Math.round(letterboxed + stretch * (side - letterboxed))));
  };
  const width = fitted(photoWidth);
  const height = fitted(photoHeight);
  return { width: side, height: side, place: { x: Math.floor((side - width) / 2), y: Math.floor((side - height) / 2), width, height } };
}
