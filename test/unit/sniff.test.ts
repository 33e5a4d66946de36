import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../src/shared/image/sniff.ts';

const bytes = (...parts: Array<number[] | string>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));
const u16be = (n: number) => [n >> 8, n & 0xff];
const u16le = (n: number) => [n & 0xff, n >> 8];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];

describe('sniffImage', () => {
  it('reads PNG dimensions from a real file', () => {
    expect(sniffImage(readFileSync('test/fixtures/eval/beach.png'))).toMatchObject({
      kind: 'image',
      format: 'png',
      width: 680,
      height: 440,
    });
  });

  it('finds the JPEG frame header after an EXIF segment', () => {
    const exif = [0xff, 0xe1, ...u16be(8), ...'Exif\0\0'.split('').map((c) => c.charCodeAt(0))];
    const sof = [0xff, 0xc0, ...u16be(17), 8, ...u16be(3000), ...u16be(4000), 3];
    expect(sniffImage(bytes([0xff, 0xd8], exif, sof, new Array(12).fill(0)))).toMatchObject({
      format: 'jpeg',
      width: 4000,
      height: 3000,
    });
  });

  it('reads WebP (lossless and extended) and GIF and BMP sizes', () => {
    const vp8lBits = (640 - 1) | ((480 - 1) << 14);
    expect(sniffImage(bytes('RIFF', u32le(100), 'WEBP', 'VP8L', u32le(50), [0x2f], u32le(vp8lBits), [0, 0, 0]))).toMatchObject({
      format: 'webp',
      width: 640,
      height: 480,
    });
    const vp8x = bytes('RIFF', u32le(100), 'WEBP', 'VP8X', u32le(10), [0, 0, 0, 0], [0x3f, 0x1f, 0], [0x0f, 0x27, 0]);
    expect(sniffImage(vp8x)).toMatchObject({ format: 'webp', width: 8000, height: 10000 });
    expect(sniffImage(bytes('GIF89a', u16le(320), u16le(200), [0, 0]))).toMatchObject({ format: 'gif', width: 320, height: 200 });
    const bmp = bytes('BM', new Array(16).fill(0), u32le(1024), u32le(-768 >>> 0), [0, 0]);
    expect(sniffImage(bmp)).toMatchObject({ format: 'bmp', width: 1024, height: 768 });
  });

  it('recognises AVIF as decodable and HEIC as a photo this browser cannot open', () => {
    expect(sniffImage(bytes(u32le(0), 'ftypavif', new Array(8).fill(0)))).toMatchObject({ kind: 'image', format: 'avif' });
    expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypheic', new Array(8).fill(0)))).toMatchObject({
      kind: 'unsupported-image',
      label: 'HEIC/HEIF photo',
    });
  });

  it('names what is not an image', () => {
    expect(sniffImage(bytes('%PDF-1.7\n'))).toMatchObject({ kind: 'not-image', label: 'PDF document' });
    expect(sniffImage(bytes('PK', [3, 4], 'content'))).toMatchObject({ kind: 'not-image', label: 'ZIP archive' });
    expect(sniffImage(bytes('hello, this is a note\n'))).toMatchObject({ kind: 'not-image', label: 'text file' });
    expect(sniffImage(bytes('<?xml version="1.0"?><svg xmlns="x"></svg>'))).toMatchObject({ kind: 'unsupported-image', format: 'svg' });
    expect(sniffImage(bytes('II*', [0], 'rest'))).toMatchObject({ kind: 'unsupported-image', format: 'tiff' });
    expect(sniffImage(bytes([0x00, 0xff, 0x13, 0x80, 0x01, 0x02]))).toEqual({ kind: 'unknown', label: 'unknown data' });
    expect(sniffImage(new Uint8Array(0))).toEqual({ kind: 'unknown', label: 'unknown data' });
  });
});
