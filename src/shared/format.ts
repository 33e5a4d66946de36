/** Small display helpers. Pure; runs anywhere. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

const EXTENSIONS = { 'image/png': 'png', 'image/webp': 'webp' } as const;
export type ExportType = keyof typeof EXTENSIONS;

/** "holiday.jpg" → "holiday-cutout.png": keeps the user's name, never a path. */
export function cutoutFileName(sourceName: string, type: ExportType): string {
  const base =
    sourceName
      .replace(/^.*[\\/]/, '')
      .replace(/\.[^.]*$/, '')
      .trim() || 'image';
  return `${base}-cutout.${EXTENSIONS[type]}`;
}
