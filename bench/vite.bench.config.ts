/**
 * Builds the bench's own pages (baseline and raw model) into bench/tmp/pages. They are never part
 * of the app build; scripts/bench-serve.mjs serves them beside the app's self-hosted model files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const pages = fileURLToPath(new URL('./pages/', import.meta.url));

export default defineConfig({
  root: pages,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./tmp/pages/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { baseline: `${pages}baseline.html`, raw: `${pages}raw.html` } },
  },
  optimizeDeps: { exclude: ['@imgly/background-removal', 'onnxruntime-web'] },
});
