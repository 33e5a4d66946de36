import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const solid = (path: string) => fileURLToPath(new URL(`./node_modules/solid-js/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Solid's browser build: its server build (what Node resolves by default) never re-runs memos or effects.
    alias: [
      { find: /^solid-js\/store$/, replacement: solid('store/dist/store.js') },
      { find: /^solid-js$/, replacement: solid('dist/solid.js') },
    ],
  },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Processed by Vite, so the store's own `import 'solid-js'` takes the alias too.
    server: { deps: { inline: [/solid-js/] } },
  },
});
