// `npm run tune:edges`: the edge post-processing sweep on eval-dev (bench/tune/edges.tune.ts). Not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['bench/tune/*.tune.ts'], testTimeout: 60 * 60_000, reporters: ['default'] },
});
