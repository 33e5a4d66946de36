/**
 * The benchmark, run by `npm run bench` (scripts/bench.mjs) — never by `npm test`: it times things and
 * prints numbers; it asserts nothing about speed. Three servers:
 *  - the app's production build, isolated, exactly as `npm start` serves it (vite preview);
 *  - the raw-model page, isolated (threads), beside the same self-hosted model files;
 *  - the baseline page, NOT isolated, as the library's README would have it.
 */
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../test/support/chromium.ts';

export const BENCH_PORTS = { app: 4373, raw: 4374, baseline: 4375 } as const;

export default defineConfig({
  testDir: '.',
  testMatch: /(bench|soak)\.spec\.ts$/,
  workers: 1,
  timeout: 90 * 60_000,
  reporter: [['list']],
  outputDir: 'tmp/results',
  use: {
    acceptDownloads: true,
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
    viewport: { width: 1280, height: 900 },
  },
  webServer: [
    {
      command: `npx vite preview --host 127.0.0.1 --port ${BENCH_PORTS.app} --strictPort`,
      url: `http://127.0.0.1:${BENCH_PORTS.app}/`,
      cwd: '..',
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node scripts/bench-serve.mjs --port ${BENCH_PORTS.raw} --isolate`,
      url: `http://127.0.0.1:${BENCH_PORTS.raw}/raw.html`,
      cwd: '..',
      reuseExistingServer: false,
    },
    {
      command: `node scripts/bench-serve.mjs --port ${BENCH_PORTS.baseline}`,
      url: `http://127.0.0.1:${BENCH_PORTS.baseline}/baseline.html`,
      cwd: '..',
      reuseExistingServer: false,
    },
  ],
});
