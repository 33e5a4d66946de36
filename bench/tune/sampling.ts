/** Pixel sampling shared by the tuning harnesses (edges.tune.ts, passes.tune.ts). */
import type { Rgba } from '../../test/support/images.ts';

/** Bilinear sample of one channel of an RGBA image (the app's canvas filters better; close enough to rank settings). */
export function bilinear(image: Rgba, fx: number, fy: number, channel: number): number {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(fx)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(fy)));
  const x1 = Math.min(image.width - 1, x0 + 1);
  const y1 = Math.min(image.height - 1, y0 + 1);
  const tx = Math.max(0, Math.min(1, fx - x0));
  const ty = Math.max(0, Math.min(1, fy - y0));
  const at = (x: number, y: number) => image.data[(y * image.width + x) * 4 + channel]!;
  return (at(x0, y0) * (1 - tx) + at(x1, y0) * tx) * (1 - ty) + (at(x0, y1) * (1 - tx) + at(x1, y1) * tx) * ty;
}
