import { describe, expect, it } from 'vitest';
import { MAX_WORKING_PIXELS, planWorkingSize } from '../../src/shared/image/limits.ts';
import {
  corruptImageFailure,
  downscaleNotice,
  emptyFileFailure,
  tooLargeFailure,
  unreadableFormatFailure,
} from '../../src/shared/cutout-errors.ts';
import { pickImageFile } from '../../src/client/state/input-files.ts';
import { cutoutFileName, formatBytes } from '../../src/shared/format.ts';

describe('working size', () => {
  it('keeps photos up to 50 MP as they are', () => {
    expect(planWorkingSize(8000, 6000)).toEqual({ kind: 'as-is', width: 8000, height: 6000 });
    expect(planWorkingSize(10000, 5000)).toMatchObject({ kind: 'as-is' });
  });

  it('downscales larger photos to fit 50 MP, keeping the aspect ratio', () => {
    const plan = planWorkingSize(12000, 9000); // 108 MP
    expect(plan.kind).toBe('downscale');
    expect(plan.width * plan.height).toBeLessThanOrEqual(MAX_WORKING_PIXELS);
    expect(plan.width * plan.height).toBeGreaterThan(MAX_WORKING_PIXELS * 0.99);
    expect(plan.width / plan.height).toBeCloseTo(12000 / 9000, 2);
  });

  it('fits extreme panoramas under the canvas side limit', () => {
    const plan = planWorkingSize(60000, 500);
    expect(plan).toMatchObject({ kind: 'downscale', width: 32767 });
  });

  it('refuses what the tab could not even decode', () => {
    expect(planWorkingSize(20000, 20000)).toMatchObject({ kind: 'refuse' });
  });
});

describe('messages a person sees', () => {
  it('names the file and the real format, and says what to do', () => {
    const heic = unreadableFormatFailure('IMG_0042.HEIC', { kind: 'unsupported-image', format: 'heic', label: 'HEIC/HEIF photo' });
    expect(heic?.message).toContain('“IMG_0042.HEIC” is a HEIC/HEIF photo');
    expect(heic?.message).toContain('Export it as JPEG');
    const pdf = unreadableFormatFailure('scan.jpg', { kind: 'not-image', format: 'pdf', label: 'PDF document' });
    expect(pdf).toEqual({ code: 'not-image', message: expect.stringContaining('“scan.jpg” is a PDF document, not an image') });
    expect(unreadableFormatFailure('x', { kind: 'image', format: 'png', label: 'PNG image' })).toBeUndefined();
  });

  it('tells a damaged file from a foreign one', () => {
    expect(corruptImageFailure('a.png', { kind: 'image', format: 'png', label: 'PNG image' }).message).toBe(
      '“a.png” looks like a PNG image but could not be decoded: the file is damaged or incomplete. Try exporting it again from where it came from.',
    );
    expect(emptyFileFailure('zero.jpg').message).toContain('is empty (0 bytes)');
  });

  it('gives sizes in pixels and megapixels', () => {
    expect(tooLargeFailure('big.png', 20000, 20000).message).toContain('20000×20000 (400.0 MP)');
    expect(downscaleNotice(12000, 9000, 8164, 6123)).toContain('reduced to 8164×6123');
  });
});

describe('input helpers', () => {
  it('takes the one image of several dropped files and says so', () => {
    const picked = pickImageFile([
      { name: 'notes.txt', type: 'text/plain' },
      { name: 'cat.jpg', type: 'image/jpeg' },
    ]);
    expect(picked.file?.name).toBe('cat.jpg');
    expect(picked.note).toContain('one image at a time');
    expect(pickImageFile([{ name: 'a.png', type: 'image/png' }])).toEqual({ file: { name: 'a.png', type: 'image/png' } });
    expect(pickImageFile([]).file).toBeUndefined();
  });

  it('names downloads after the original', () => {
    expect(cutoutFileName('holiday.final.jpg', 'image/png')).toBe('holiday.final-cutout.png');
    expect(cutoutFileName('C:\\fakepath\\cat.heic', 'image/webp')).toBe('cat-cutout.webp');
    expect(cutoutFileName('.jpg', 'image/png')).toBe('image-cutout.png');
    expect(formatBytes(88_188_479)).toBe('84.1 MB');
  });
});

describe('download names', () => {
  const bytes = (text: string) => new TextEncoder().encode(text).length;
  it('stay under 255 bytes of UTF-8 for long names, cutting whole characters and keeping the extension', () => {
    for (const name of ['a'.repeat(300) + '.jpg', 'é'.repeat(200) + '.png', '😀'.repeat(100) + '.webp', '写真'.repeat(90) + '.jpg']) {
      const download = cutoutFileName(name, 'image/png');
      expect(bytes(download), name.slice(0, 10)).toBeLessThanOrEqual(200);
      expect(download).toMatch(/-cutout\.png$/);
      expect(download).not.toContain('\uFFFD');
      // Not cut in the middle of a character.
      expect(new TextDecoder('utf-8', { fatal: true }).decode(new TextEncoder().encode(download))).toBe(download);
    }
  });
  it('drops bidi controls and characters file systems refuse, and is never empty', () => {
    expect(cutoutFileName('invoice\u202Egpj.exe', 'image/png')).toBe('invoicegpj-cutout.png');
    expect(cutoutFileName('a<b>c:d"e|f?g*h.png', 'image/webp')).toBe('abcdefgh-cutout.webp');
    expect(cutoutFileName('\u200F\u202E.png', 'image/png')).toBe('image-cutout.png');
    expect(cutoutFileName('...hidden.png', 'image/png')).toBe('hidden-cutout.png');
  });
});
