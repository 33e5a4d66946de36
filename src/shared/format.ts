/** Small display helpers. Pure; runs anywhere. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  const megabytes = bytes / 1024 ** 2;
  // From 1024 MB (as rounded for display) on, in GB: storage quotas are often many of them.
  if (Math.round(megabytes * 10) < 1024 * 10) return `${megabytes.toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

const EXTENSIONS = { 'image/png': 'png', 'image/webp': 'webp', 'image/jpeg': 'jpg' } as const;
export type ExportType = keyof typeof EXTENSIONS;

/**
 * Download names keep far under the 255-byte limit of common file systems: Chromium cancels a download
 * whose name is longer, silently. 200 bytes leaves room for the suffix and any "(1)" the browser adds.
 */
const MAX_NAME_BYTES = 200;

/**
 * "holiday.jpg" → "holiday-cutout.png": keeps the user's name, never a path, no control or bidi
 * characters (which can disguise an extension), cut to a safe length in bytes (not characters).
 */
export function cutoutFileName(sourceName: string, type: ExportType): string {
  const suffix = `-cutout.${EXTENSIONS[type]}`;
  const stem = sourceName
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    // Control characters, bidi overrides and isolates, and characters file systems refuse.
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '')
    .trim()
    .replace(/^\.+/, '');
  return `${truncateToBytes(stem, MAX_NAME_BYTES - byteLength(suffix)).trim() || 'image'}${suffix}`;
}

const encoder = new TextEncoder();
const byteLength = (text: string): number => encoder.encode(text).length;

/** The longest prefix of whole characters (code points) within `maxBytes` of UTF-8. */
function truncateToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
