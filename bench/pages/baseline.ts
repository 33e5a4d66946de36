/**
 * Contender (a): what a developer gets from the library's README. Defaults everywhere except
 * publicPath, which points at the self-hosted copy of the same files (the default is a CDN).
 * Runs on the main thread of a page that is NOT cross-origin isolated.
 */
import { preload, removeBackground } from '@imgly/background-removal';
import type { BenchPage, RunTimings } from './bench-page.ts';

const config = { publicPath: new URL('/imgly/', location.origin).href };
let last: Blob | undefined;

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

const bench: BenchPage = {
  async load() {
    const started = performance.now();
    await preload(config);
    return performance.now() - started;
  },
  async run(file: File): Promise<RunTimings> {
    const started = performance.now();
    const blob = await removeBackground(file, config);
    const exportMs = performance.now() - started;
    // The README's way to show it: an <img> from an object URL.
    const img = new Image();
    img.src = URL.createObjectURL(blob);
    await img.decode();
    const out = document.getElementById('out');
    out?.replaceChildren(img);
    img.style.maxWidth = '100%';
    await nextFrame();
    const previewMs = performance.now() - started;
    last = blob;
    return { previewMs, exportMs };
  },
  download(name: string) {
    if (!last) throw new Error('nothing to download');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(last);
    link.download = name;
    link.click();
  },
};
(window as unknown as { bench: BenchPage }).bench = bench;
document.title += ' (ready)';
