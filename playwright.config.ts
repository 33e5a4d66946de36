import { defineConfig } from '@playwright/test';
import { chromiumPath, chromiumArgs } from './test/support/chromium.ts';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'test/e2e',
  // The real model on 2 cores: tests share the CPU badly, so one at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 240_000,
  expect: { timeout: 120_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    acceptDownloads: true,
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
    trace: 'retain-on-failure',
  },
  webServer: {
    // The production build, served isolated exactly as the README's run command serves it.
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
