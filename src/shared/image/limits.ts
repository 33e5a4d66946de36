/** Size limits of the on-device pipeline. Pure; runs anywhere. */

/** Above this the cutout runs on a downscaled copy (a 50 MP RGBA canvas is already 200 MB). */
export const MAX_WORKING_PIXELS = 50_000_000;
/** Above this we refuse instead: decoding alone could take the tab past its memory limit. */
export const MAX_INPUT_PIXELS = 250_000_000;
/** Chromium's canvas side limit. */
export const MAX_CANVAS_SIDE = 32_767;

export type SizePlan =
  | { kind: 'as-is'; width: number; height: number }
  | { kind: 'downscale'; width: number; height: number; fromWidth: number; fromHeight: number }
  | { kind: 'refuse'; width: number; height: number };

export function planWorkingSize(width: number, height: number): SizePlan {
  const pixels = width * height;
  if (pixels > MAX_INPUT_PIXELS) return { kind: 'refuse', width, height };
  const scaleForArea = pixels > MAX_WORKING_PIXELS ? Math.sqrt(MAX_WORKING_PIXELS / pixels) : 1;
  const scaleForSide = Math.min(1, MAX_CANVAS_SIDE / Math.max(width, height));
  const scale = Math.min(scaleForArea, scaleForSide);
  if (scale >= 1) return { kind: 'as-is', width, height };
  return {
    kind: 'downscale',
    width: Math.max(1, Math.floor(width * scale)),
    height: Math.max(1, Math.floor(height * scale)),
    fromWidth: width,
    fromHeight: height,
  };
}

export function megapixels(width: number, height: number): string {
  return `${((width * height) / 1e6).toFixed(1)} MP`;
}
