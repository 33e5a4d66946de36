import { describe, expect, it } from 'vitest';
import { judgeSharedFile, MAX_SHARED_BYTES, sharedFileExpired, sharedFileName, SHARED_FILE_TTL_MS } from '../../src/shared/share-intake.ts';
import { encodePng } from '../support/images.ts';

const png = encodePng({ width: 2, height: 2, data: new Uint8Array(16).fill(255) });
const html = new TextEncoder().encode('<!doctype html><title>Pay now</title><form action=https://evil.example>');

describe('what the share target keeps', () => {
  it('keeps an image under its sniffed type, whatever the form declared', () => {
    expect(judgeSharedFile(png.length, png, 'photo.png')).toEqual({ kind: 'keep', contentType: 'image/png', name: 'photo.png' });
  });
  it('refuses what is not an image the editor opens, named as an image or not', () => {
    expect(judgeSharedFile(html.length, html, 'photo.png')).toMatchObject({ kind: 'refused' });
    const pdf = new TextEncoder().encode('%PDF-1.7\n');
    expect(judgeSharedFile(pdf.length, pdf, 'scan.jpg')).toMatchObject({ kind: 'refused', sniffed: { format: 'pdf' } });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(judgeSharedFile(svg.length, svg, 'logo.svg')).toMatchObject({ kind: 'refused' });
  });
  it('refuses more than 50 MB before looking at the bytes', () => {
    expect(judgeSharedFile(MAX_SHARED_BYTES + 1, png, 'big.png')).toEqual({ kind: 'too-large' });
    expect(judgeSharedFile(MAX_SHARED_BYTES, png, 'big.png').kind).toBe('keep');
  });
  it('shows a tame name: no markup, no control or direction characters, at most 80 characters', () => {
    expect(sharedFileName('<img src=x onerror=alert(1)>.png')).toBe('_img src_x onerror_alert(1)_.png');
    expect(sharedFileName('invoice\u202Egnp.exe')).toBe('invoice_gnp.exe');
    expect(sharedFileName('a'.repeat(300))).toHaveLength(80);
    expect(sharedFileName('   ')).toBe('shared image');
  });
  it('expires a file nobody opened after ten minutes, and one from the future at once', () => {
    expect(sharedFileExpired(1_000, 1_000 + SHARED_FILE_TTL_MS - 1)).toBe(false);
    expect(sharedFileExpired(1_000, 1_000 + SHARED_FILE_TTL_MS)).toBe(true);
    expect(sharedFileExpired(5_000, 1_000)).toBe(true);
    expect(sharedFileExpired(Number.NaN, 1_000)).toBe(true);
  });
});
