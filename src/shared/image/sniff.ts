/**
 * Recognises a file from its first bytes, so a refusal can name what the file really is
 * (a PDF, an iPhone HEIC photo…) instead of a generic "could not decode". Pure; runs anywhere.
 */

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'avif' | 'ico';
export type ForeignFormat = 'heic' | 'tiff' | 'psd' | 'jxl' | 'svg' | 'pdf' | 'zip' | 'gzip' | 'video' | 'text';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat; label: string; width?: number; height?: number }
  | { kind: 'unsupported-image'; format: ForeignFormat; label: string }
  | { kind: 'not-image'; format: ForeignFormat; label: string }
  | { kind: 'unknown'; label: string };

/** Bytes enough to find dimensions in common headers (JPEG may put EXIF before its frame header). */
export const SNIFF_BYTES = 256 * 1024;

const LABELS: Record<ImageFormat | ForeignFormat, string> = {
  png: 'PNG image',
  jpeg: 'JPEG image',
  webp: 'WebP image',
  gif: 'GIF image',
  bmp: 'BMP image',
  avif: 'AVIF image',
  ico: 'ICO icon',
  heic: 'HEIC/HEIF photo',
  tiff: 'TIFF image',
  psd: 'Photoshop document',
  jxl: 'JPEG XL image',
  svg: 'SVG drawing',
  pdf: 'PDF document',
  zip: 'ZIP archive',
  gzip: 'compressed archive',
  video: 'video',
  text: 'text file',
};

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

const image = (format: ImageFormat, size?: { width: number; height: number }): Sniffed =>
  size && size.width > 0 && size.height > 0
    ? { kind: 'image', format, label: LABELS[format], width: size.width, height: size.height }
    : { kind: 'image', format, label: LABELS[format] };

const foreign = (kind: 'unsupported-image' | 'not-image', format: ForeignFormat): Sniffed => ({
  kind,
  format,
  label: LABELS[format],
});

function jpegSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = view.getUint16(offset + 2);
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrameHeader) return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    offset += 2 + length;
  }
  return undefined;
}

function webpSize(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const width = 1 + (view.getUint16(24, true) | ((bytes[26] ?? 0) << 16));
    const height = 1 + (view.getUint16(27, true) | ((bytes[29] ?? 0) << 16));
    return { width, height };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return undefined;
}

export function sniffImage(bytes: Uint8Array): Sniffed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) return { kind: 'unknown', label: 'unknown data' };

  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return image('png', bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined);
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return image('jpeg', jpegSize(bytes, view));
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return image('webp', webpSize(bytes, view));
  if (ascii(bytes, 0, 4) === 'GIF8' && bytes.length >= 10) {
    return image('gif', { width: view.getUint16(6, true), height: view.getUint16(8, true) });
  }
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) {
    return image('bmp', { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) });
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return image('ico');
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (brand === 'avif' || brand === 'avis') return image('avif');
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) {
      return foreign('unsupported-image', 'heic');
    }
    return foreign('not-image', 'video');
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
    return foreign('unsupported-image', 'tiff');
  }
  if (ascii(bytes, 0, 4) === '8BPS') return foreign('unsupported-image', 'psd');
  if (startsWith(bytes, [0xff, 0x0a]) || (bytes.length >= 12 && ascii(bytes, 4, 8) === 'JXL \r\n\x87\n')) {
    return foreign('unsupported-image', 'jxl');
  }
  if (ascii(bytes, 0, 5) === '%PDF-') return foreign('not-image', 'pdf');
  if (ascii(bytes, 0, 2) === 'PK') return foreign('not-image', 'zip');
  if (startsWith(bytes, [0x1f, 0x8b])) return foreign('not-image', 'gzip');
  if (ascii(bytes, 4, 4) === 'moov' || startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return foreign('not-image', 'video');

  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) {
    return foreign('unsupported-image', 'svg');
  }
  const sample = bytes.subarray(0, 512);
  const printable = sample.filter((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127));
  if (printable.length === sample.length) return foreign('not-image', 'text');
  return { kind: 'unknown', label: 'unknown data' };
}
