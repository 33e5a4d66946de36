#!/usr/bin/env node
/**
 * `npm run bench`: builds the app and the bench pages, then drives Chromium through
 * bench/bench.spec.ts (its own Playwright config, never part of `npm test`). Prints the table and
 * writes bench/results.json and the table in BENCH.md.
 * BENCH_RUNS (default 5) and BENCH_SIZES (default "1,12,24", megapixels) shorten a quick check.
 * Brushing by hand is timed after it (BENCH_BRUSH=0 skips it, BENCH_BRUSH_SIZES="12" picks sizes).
 * `npm run bench -- --soak` runs the soak instead: 20 cutouts in one tab, memory after each and 60 s after.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };

function step(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step('npx', ['vite', 'build', '--logLevel', 'warn']);
step('npx', ['vite', 'build', '-c', 'bench/vite.bench.config.ts']);
// The cutout bench, then brushing by hand (bench/brush-bench.spec.ts); or the soak alone.
const specs = process.argv.includes('--soak') ? ['bench/soak.spec.ts'] : ['bench/bench.spec.ts', 'bench/brush-bench.spec.ts'];
step('npx', ['playwright', 'test', '-c', 'bench/playwright.bench.config.ts', ...specs]);
