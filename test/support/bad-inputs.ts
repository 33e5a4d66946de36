/**
 * Bad, odd and extreme image files, generated here (none committed): what each must lead to, and the
 * words that must say so. Used by the chaos e2e.
 */
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

export interface BadInput {
  name: string;
  type: string;
  bytes: Buffer;
  /** 'refused': a message and the previous result kept; 'cutout': processed to a result. */
  expect: 'refused' | 'cutout';
  /** What the message must say (for refusals). */
  says?: RegExp;
}

const ascii = (text: string) => Buffer.from(text, 'latin1');

function png(
  width: number,
  height: number,
  paint: (x: number, y: number) => [number, number, number, number],
  options: { colorType?: 0 | 2 | 6; bitDepth?: 8 | 16 } = {},
): Buffer {
  const image = new PNG({ width, height, colorType: options.colorType ?? 6, bitDepth: options.bitDepth ?? 8, inputHasAlpha: true });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = paint(x, y);
      const offset = (y * width + x) * 4;
      image.data[offset] = r;
      image.data[offset + 1] = g;
      image.data[offset + 2] = b;
      image.data[offset + 3] = a;
    }
  }
  return PNG.sync.write(image, { colorType: options.colorType ?? 6, bitDepth: options.bitDepth ?? 8, inputHasAlpha: true });
}

/** A red disc on green: something a model can find. */
const subject =
  (width: number, height: number) =>
  (x: number, y: number): [number, number, number, number] => {
    const inside = (x - width / 2) ** 2 / (width / 3) ** 2 + (y - height / 2) ** 2 / (height / 3) ** 2 < 1;
    return inside ? [200, 30, 30, 255] : [40, 160, 60, 255];
  };

/** A PNG whose header claims a size no tab may decode, with a valid-looking tiny data stream. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, ascii(type), data, Buffer.alloc(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pseudoRandom(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

export function badInputs(): BadInput[] {
  const good = png(64, 48, subject(64, 48));
  const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const notImage = /not an image\. Choose a JPEG, PNG or WebP photo instead\./;
  const damaged = /could not be decoded: the file is damaged or incomplete/;
  return [
    { name: 'empty.png', type: 'image/png', bytes: Buffer.alloc(0), expect: 'refused', says: /is empty \(0 bytes\)/ },
    { name: 'truncated.png', type: 'image/png', bytes: good.subarray(0, 40), expect: 'refused', says: damaged },
    { name: 'half.png', type: 'image/png', bytes: good.subarray(0, Math.floor(good.length / 2)), expect: 'refused', says: damaged },
    {
      name: 'noise-after-signature.png',
      type: 'image/png',
      bytes: Buffer.concat([good.subarray(0, 8), pseudoRandom(2000, 1)]),
      expect: 'refused',
      says: /damaged|not in an image format/,
    },
    {
      name: 'only-soi.jpg',
      type: 'image/jpeg',
      bytes: Buffer.from([0xff, 0xd8, 0xff]),
      expect: 'refused',
      says: /damaged|not in an image format this browser can read/,
    },
    {
      name: 'truncated.jpg',
      type: 'image/jpeg',
      bytes: Buffer.concat([jpegStart, pseudoRandom(300, 2)]),
      expect: 'refused',
      says: damaged,
    },
    { name: 'header-only.gif', type: 'image/gif', bytes: ascii('GIF89a\x10\x00\x10\x00'), expect: 'refused', says: damaged },
    { name: 'broken.bmp', type: 'image/bmp', bytes: Buffer.concat([ascii('BM'), Buffer.alloc(40, 1)]), expect: 'refused', says: damaged },
    {
      name: 'broken.webp',
      type: 'image/webp',
      bytes: Buffer.concat([ascii('RIFF'), Buffer.from([40, 0, 0, 0]), ascii('WEBPVP8 '), Buffer.alloc(20, 3)]),
      expect: 'refused',
      says: damaged,
    },
    {
      name: 'broken.avif',
      type: 'image/avif',
      bytes: Buffer.concat([Buffer.from([0, 0, 0, 28]), ascii('ftypavif'), Buffer.alloc(40, 9)]),
      expect: 'refused',
      says: damaged,
    },
    {
      name: 'broken.ico',
      type: 'image/x-icon',
      bytes: Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), Buffer.alloc(30, 5)]),
      expect: 'refused',
      says: damaged,
    },
    {
      name: 'photo.heic',
      type: 'image/heic',
      bytes: Buffer.concat([Buffer.from([0, 0, 0, 24]), ascii('ftypheic'), Buffer.alloc(40)]),
      expect: 'refused',
      says: /HEIC\/HEIF photo.*Export it as JPEG/,
    },
    {
      name: 'scan.tiff',
      type: 'image/tiff',
      bytes: Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), Buffer.alloc(60)]),
      expect: 'refused',
      says: /TIFF image.*Save it as PNG or JPEG/,
    },
    {
      name: 'layers.psd',
      type: 'image/vnd.adobe.photoshop',
      bytes: Buffer.concat([ascii('8BPS'), Buffer.alloc(60)]),
      expect: 'refused',
      says: /Photoshop document.*Export it as PNG/,
    },
    {
      name: 'next.jxl',
      type: 'image/jxl',
      bytes: Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.alloc(60)]),
      expect: 'refused',
      says: /JPEG XL/,
    },
    {
      name: 'logo.svg',
      type: 'image/svg+xml',
      bytes: ascii('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
      expect: 'refused',
      says: /SVG drawing/,
    },
    {
      name: 'invoice.png',
      type: 'image/png',
      bytes: ascii('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'),
      expect: 'refused',
      says: /PDF document, not an image/,
    },
    {
      name: 'archive.png',
      type: 'image/png',
      bytes: Buffer.concat([ascii('PK\x03\x04'), Buffer.alloc(60)]),
      expect: 'refused',
      says: notImage,
    },
    {
      name: 'packed.png',
      type: 'image/png',
      bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(60)]),
      expect: 'refused',
      says: notImage,
    },
    {
      name: 'notes.png',
      type: 'image/png',
      bytes: ascii('These are my notes, not a picture.\n'.repeat(10)),
      expect: 'refused',
      says: notImage,
    },
    {
      name: 'page.png',
      type: 'image/png',
      bytes: ascii('<!doctype html><html><body>not an image</body></html>'),
      expect: 'refused',
      says: notImage,
    },
    { name: 'data.json', type: 'application/json', bytes: ascii('{"image": false}'), expect: 'refused', says: notImage },
    {
      name: 'clip.png',
      type: 'video/mp4',
      bytes: Buffer.concat([Buffer.from([0, 0, 0, 24]), ascii('ftypisom'), Buffer.alloc(40)]),
      expect: 'refused',
      says: notImage,
    },
    {
      name: 'noise.png',
      type: 'image/png',
      bytes: pseudoRandom(4096, 7),
      expect: 'refused',
      says: /not in an image format this browser can read/,
    },
    { name: 'zero-size.png', type: 'image/png', bytes: pngClaiming(0, 0), expect: 'refused', says: damaged },
    {
      name: 'gigantic.png',
      type: 'image/png',
      bytes: pngClaiming(30_000, 30_000),
      expect: 'refused',
      says: /30000×30000 .*more than a browser tab can safely open/,
    },
    {
      name: 'wide-but-flat.png',
      type: 'image/png',
      bytes: pngClaiming(200_000, 2_000),
      expect: 'refused',
      says: /more than a browser tab can safely open/,
    },
    // Odd but valid: processed, never a raw browser error.
    { name: 'strip-1x2000.png', type: 'image/png', bytes: png(1, 2000, subject(1, 2000)), expect: 'cutout' },
    { name: 'strip-2000x1.png', type: 'image/png', bytes: png(2000, 1, subject(2000, 1)), expect: 'cutout' },
    { name: 'dot-1x1.png', type: 'image/png', bytes: png(1, 1, () => [255, 0, 0, 255]), expect: 'cutout' },
    { name: 'sixteen-bit.png', type: 'image/png', bytes: png(64, 48, subject(64, 48), { bitDepth: 16 }), expect: 'cutout' },
    {
      name: 'grey.png',
      type: 'image/png',
      bytes: png(
        64,
        48,
        (x, y) => {
          const v = (x + y) % 256;
          return [v, v, v, 255];
        },
        { colorType: 0 },
      ),
      expect: 'cutout',
    },
    { name: `${'a-very-long-holiday-name-'.repeat(14)}.png`, type: 'image/png', bytes: good, expect: 'cutout' },
    { name: `${'写真'.repeat(60)}\u202Egnp.exe.png`, type: 'image/png', bytes: good, expect: 'cutout' },
  ];
}
