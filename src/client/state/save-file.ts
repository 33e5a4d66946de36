/** Saves a file for the user: an <a download> click (main thread). */
export function saveWithLink(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has started by then; the URL only keeps the blob alive.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
