#!/usr/bin/env node
/**
 * Draws the app icons (real PNGs, exact sizes) into public/icons/ with pngjs. Run once after a design
 * change: `node scripts/icons.mjs`. The output is committed; the build only copies it.
 *
 * The picture is public/favicon.svg drawn by hand (a dashed cut line around a subject, on the dark
 * app colour): "any" icons have its rounded corners and are transparent outside them; "maskable"
 * icons fill the square and keep the picture inside the central 80 % safe zone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const BACKGROUND = [0x1f, 0x24, 0x30];
const LINE = [0x7c, 0xc4, 0xff];
const SUBJECT = [0xff, 0xd1, 0x66];

// favicon.svg in its 64-unit space: triangle 18,44 → 32,16 → 46,44, stroke 5, dashes 6 on / 4 off;
// circle at 32,36 radius 7.
const TRIANGLE = [
  [18, 44],
  [32, 16],
  [46, 44],
];
const STROKE = 5;

/** Colour of a point in favicon units, or undefined for the background. */
function picture(x, y) {
  if ((x - 32) ** 2 + (y - 36) ** 2 <= 49) return SUBJECT;
  let travelled = 0;
  for (let k = 0; k < 3; k++) {
    const [ax, ay] = TRIANGLE[k];
    const [bx, by] = TRIANGLE[(k + 1) % 3];
    const length = Math.hypot(bx - ax, by - ay);
    const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length ** 2));
    const distance = Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay)));
    if (distance <= STROKE / 2 && (travelled + t * length) % 10 < 6) return LINE;
    travelled += length;
  }
  return undefined;
}

function draw(size, maskable) {
  const png = new PNG({ width: size, height: size });
  const radius = maskable ? 0 : (size * 14) / 64;
  // Maskable: the 64-unit picture is shrunk so its content stays in the central 80 % safe zone.
  const scale = maskable ? 0.8 : 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const cx = Math.max(radius - x - 0.5, 0, x + 0.5 - (size - radius));
      const cy = Math.max(radius - y - 0.5, 0, y + 0.5 - (size - radius));
      const outside = radius > 0 && cx * cx + cy * cy > radius * radius;
      if (outside) {
        png.data[i + 3] = 0;
        continue;
      }
      const u = 32 + (((x + 0.5) / size) * 64 - 32) / scale;
      const v = 32 + (((y + 0.5) / size) * 64 - 32) / scale;
      const colour = picture(u, v) ?? BACKGROUND;
      png.data[i] = colour[0];
      png.data[i + 1] = colour[1];
      png.data[i + 2] = colour[2];
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

const outDir = new URL('../public/icons/', import.meta.url);
mkdirSync(outDir, { recursive: true });
for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, outDir), draw(size, false));
  writeFileSync(new URL(`maskable-${size}.png`, outDir), draw(size, true));
}
writeFileSync(new URL('apple-touch-icon-180.png', outDir), draw(180, true));
console.log('icons written to public/icons/');
