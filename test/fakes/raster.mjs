// Image work for the fake providers: a real (if simple) cutout of the uploaded PNG, so tests can
// check that the result was derived from the input and has the requested size.
import { PNG } from 'pngjs';

/** @typedef {{ width: number, height: number, data: Buffer }} Raster RGBA, 8 bits per channel */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** @param {Buffer} bytes @returns {'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'tiff' | undefined} */
export function sniffImage(bytes) {
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (bytes.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  const tiff = bytes.subarray(0, 4).toString('latin1');
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'tiff';
  return undefined;
}

/** @param {Buffer} bytes @returns {Raster | undefined} undefined when the bytes are not a readable PNG */
export function decodePng(bytes) {
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  } catch {
    return undefined;
  }
}

/** @param {Raster} raster @param {{ matte?: boolean }} [options] @returns {Buffer} */
export function encodePng(raster, options = {}) {
  const png = new PNG({ width: raster.width, height: raster.height });
  raster.data.copy(png.data);
  if (options.matte) return PNG.sync.write(png, { colorType: 0, inputColorType: 6 });
  return PNG.sync.write(png);
}

/**
 * Alpha from distance to the background colour, taken as the mean of the four corners:
 * pixels near it become transparent, a soft band in between, everything else opaque.
 * @param {Raster} input @returns {Raster}
 */
export function cutout(input) {
  const { width, height, data } = input;
  const corners = [0, width - 1, (height - 1) * width, height * width - 1];
  const background = [0, 1, 2].map((channel) => corners.reduce((sum, pixel) => sum + (data[pixel * 4 + channel] ?? 0), 0) / 4);
  const out = Buffer.from(data);
  const near = 24;
  const far = 72;
  for (let pixel = 0; pixel < width * height; pixel++) {
    const offset = pixel * 4;
    const distance = Math.hypot(
      (data[offset] ?? 0) - (background[0] ?? 0),
      (data[offset + 1] ?? 0) - (background[1] ?? 0),
      (data[offset + 2] ?? 0) - (background[2] ?? 0),
    );
    const level = Math.min(1, Math.max(0, (distance - near) / (far - near)));
    out[offset + 3] = Math.round(level * (data[offset + 3] ?? 255));
  }
  return { width, height, data: out };
}

/** Greyscale matte: alpha copied into the colour channels. @param {Raster} raster @returns {Raster} */
export function matte(raster) {
  const out = Buffer.alloc(raster.data.length);
  for (let offset = 0; offset < out.length; offset += 4) {
    const alpha = raster.data[offset + 3] ?? 0;
    out[offset] = alpha;
    out[offset + 1] = alpha;
    out[offset + 2] = alpha;
    out[offset + 3] = 255;
  }
  return { width: raster.width, height: raster.height, data: out };
}

/** Box-filtered resize. @param {Raster} raster @param {number} width @param {number} height @returns {Raster} */
export function resize(raster, width, height) {
  if (width === raster.width && height === raster.height) return raster;
  const out = Buffer.alloc(width * height * 4);
  const scaleX = raster.width / width;
  const scaleY = raster.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * scaleY);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * scaleY));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * scaleX);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * scaleX));
      const sums = [0, 0, 0, 0];
      let count = 0;
      for (let sy = y0; sy < Math.min(y1, raster.height); sy++) {
        for (let sx = x0; sx < Math.min(x1, raster.width); sx++) {
          const offset = (sy * raster.width + sx) * 4;
          for (let channel = 0; channel < 4; channel++) sums[channel] = (sums[channel] ?? 0) + (raster.data[offset + channel] ?? 0);
          count++;
        }
      }
      const target = (y * width + x) * 4;
      for (let channel = 0; channel < 4; channel++) out[target + channel] = Math.round((sums[channel] ?? 0) / Math.max(1, count));
    }
  }
  return { width, height, data: out };
}

/** Scales down (never up) so the image has at most `maxPixels`. @param {Raster} raster @param {number} maxPixels */
export function limitPixels(raster, maxPixels) {
  const pixels = raster.width * raster.height;
  if (pixels <= maxPixels) return raster;
  const scale = Math.sqrt(maxPixels / pixels);
  return resize(raster, Math.max(1, Math.floor(raster.width * scale)), Math.max(1, Math.floor(raster.height * scale)));
}

/** @param {Raster} raster @returns {{ left: number, top: number, width: number, height: number } | undefined} */
export function alphaBox(raster) {
  let left = raster.width;
  let top = raster.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      if ((raster.data[(y * raster.width + x) * 4 + 3] ?? 0) === 0) continue;
      left = Math.min(left, x);
      top = Math.min(top, y);
      right = Math.max(right, x);
      bottom = Math.max(bottom, y);
    }
  }
  return right < 0 ? undefined : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** @param {Raster} raster @param {{ left: number, top: number, width: number, height: number }} box @returns {Raster} */
export function crop(raster, box) {
  const out = Buffer.alloc(box.width * box.height * 4);
  for (let y = 0; y < box.height; y++) {
    const start = ((box.top + y) * raster.width + box.left) * 4;
    raster.data.copy(out, y * box.width * 4, start, start + box.width * 4);
  }
  return { width: box.width, height: box.height, data: out };
}

/** Places `raster` centred on a transparent canvas. @param {Raster} raster @param {number} width @param {number} height */
export function place(raster, width, height) {
  const out = Buffer.alloc(width * height * 4);
  const left = Math.floor((width - raster.width) / 2);
  const top = Math.floor((height - raster.height) / 2);
  for (let y = 0; y < raster.height; y++) {
    const targetY = top + y;
    if (targetY < 0 || targetY >= height) continue;
    for (let x = 0; x < raster.width; x++) {
      const targetX = left + x;
      if (targetX < 0 || targetX >= width) continue;
      raster.data.copy(out, (targetY * width + targetX) * 4, (y * raster.width + x) * 4, (y * raster.width + x) * 4 + 4);
    }
  }
  return { width, height, data: out };
}

/** Composites over an opaque colour. @param {Raster} raster @param {[number, number, number]} rgb @returns {Raster} */
export function flatten(raster, rgb) {
  const out = Buffer.alloc(raster.data.length);
  for (let offset = 0; offset < out.length; offset += 4) {
    const alpha = (raster.data[offset + 3] ?? 0) / 255;
    for (let channel = 0; channel < 3; channel++) {
      out[offset + channel] = Math.round((raster.data[offset + channel] ?? 0) * alpha + (rgb[channel] ?? 0) * (1 - alpha));
    }
    out[offset + 3] = 255;
  }
  return { width: raster.width, height: raster.height, data: out };
}

/** A diagonal stripe pattern, as sandbox results carry a watermark. @param {Raster} raster @returns {Raster} */
export function watermark(raster) {
  const out = Buffer.from(raster.data);
  for (let y = 0; y < raster.height; y++) {
    for (let x = 0; x < raster.width; x++) {
      if ((x + y) % 8 >= 2) continue;
      const offset = (y * raster.width + x) * 4;
      out[offset] = 128;
      out[offset + 1] = 128;
      out[offset + 2] = 128;
      out[offset + 3] = Math.max(out[offset + 3] ?? 0, 160);
    }
  }
  return { width: raster.width, height: raster.height, data: out };
}

/** Share of pixels in the soft band, a stand-in for an uncertainty score. @param {Raster} raster */
export function softShare(raster) {
  let soft = 0;
  for (let offset = 3; offset < raster.data.length; offset += 4) {
    const alpha = raster.data[offset] ?? 0;
    if (alpha > 0 && alpha < 255) soft++;
  }
  return soft / Math.max(1, raster.width * raster.height);
}

const NAMED_COLOURS = /** @type {Record<string, [number, number, number]>} */ ({
  white: [255, 255, 255],
  black: [0, 0, 0],
  red: [255, 0, 0],
  green: [0, 128, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  gray: [128, 128, 128],
  grey: [128, 128, 128],
});

/**
 * @param {string} value hex of 3/4/6/8 digits (with `#` when allowHash) or a colour name
 * @param {{ allowHash: boolean, requireHash?: boolean }} rules
 * @returns {[number, number, number] | undefined}
 */
export function parseColour(value, rules) {
  const named = NAMED_COLOURS[value.toLowerCase()];
  if (named) return named;
  const hasHash = value.startsWith('#');
  if (hasHash && !rules.allowHash) return undefined;
  if (!hasHash && rules.requireHash) return undefined;
  const hex = hasHash ? value.slice(1) : value;
  if (!/^([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) return undefined;
  const full = hex.length <= 4 ? [...hex].map((digit) => digit + digit).join('') : hex;
  return [parseInt(full.slice(0, 2), 16), parseInt(full.slice(2, 4), 16), parseInt(full.slice(4, 6), 16)];
}
