/**
 * What the share target accepts (pure; the service worker and the page both use it). Any web page
 * can POST a form to /share-target (no CSRF token is possible in a Web Share Target), so a shared
 * file is treated as untrusted: its type is sniffed from its bytes, not taken from the form; only
 * image formats the editor opens are kept, under their sniffed Content-Type; it is capped in size;
 * a kept file waits for the person to open or discard it and expires if nobody does.
 */
import { sniffImage, SNIFF_BYTES, type Sniffed } from './image/sniff.ts';

/** 50 MB: more than any phone photo; a larger "share" is not a photo someone meant to cut out. */
export const MAX_SHARED_BYTES = 50 * 1024 * 1024;
/** A shared file nobody opened or discarded is dropped after this long. */
export const SHARED_FILE_TTL_MS = 10 * 60_000;

const ACCEPTED = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  avif: 'image/avif',
} as const;

export type ShareIntake =
  { kind: 'keep'; contentType: string; name: string } | { kind: 'too-large' } | { kind: 'refused'; sniffed: Sniffed };

/** The name shown to the person: letters, digits and simple punctuation only, at most 80 characters. */
export function sharedFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .trim()
    .slice(0, 80);
  return cleaned === '' ? 'shared image' : cleaned;
}

/** Decides on a shared file from its size and its first bytes. */
export function judgeSharedFile(size: number, head: Uint8Array, name: string): ShareIntake {
  if (size > MAX_SHARED_BYTES) return { kind: 'too-large' };
  const sniffed = sniffImage(head.subarray(0, SNIFF_BYTES));
  if (sniffed.kind === 'image' && sniffed.format in ACCEPTED) {
    return { kind: 'keep', contentType: ACCEPTED[sniffed.format as keyof typeof ACCEPTED], name: sharedFileName(name) };
  }
  return { kind: 'refused', sniffed };
}

/** Whether a kept file, stored at `storedAt`, is too old to offer. */
export const sharedFileExpired = (storedAt: number, now: number): boolean => !(now - storedAt >= 0 && now - storedAt < SHARED_FILE_TTL_MS);
