/**
 * Installable and offline (Node, Vite config): the service worker build and the default CSP.
 *
 * - vite-plugin-pwa in injectManifest mode compiles src/sw/sw.ts with Vite and has Workbox list the
 *   app shell into it. The model and runtime chunks are left out on purpose: they are large
 *   (40–90 MB per model) and are cached at run time, chunk by chunk, by the service worker.
 * - The build writes the default Content-Security-Policy into index.html as a <meta>, so the very first,
 *   not yet controlled load is protected too; the service worker swaps it for a header that also
 *   allows the user's configured endpoints. Dev (`npm run dev`) has no CSP: Vite's dev client injects
 *   inline styles.
 */
import type { Plugin, PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { buildContentSecurityPolicy, hostSecurityHeaders } from '../src/shared/csp.ts';

export function cspMetaPlugin(): Plugin {
  return {
    name: 'cutwise-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: buildContentSecurityPolicy([], { delivery: 'meta' }) },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

/**
 * `npm start` (vite preview) sends the header set the README asks static hosts for: the page CSP
 * with frame-ancestors 'none' on documents, the worker CSP on scripts, X-Frame-Options, nosniff and
 * Referrer-Policy on everything (COOP/COEP come from the preview headers in vite.config.ts).
 */
export function hostHeadersPlugin(): Plugin {
  return {
    name: 'cutwise-host-headers',
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        for (const [name, value] of Object.entries(hostSecurityHeaders(request.url ?? '/'))) response.setHeader(name, value);
        next();
      });
    },
  };
}

export function pwaPlugins(): PluginOption[] {
  return [
    cspMetaPlugin(),
    hostHeadersPlugin(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // Registered by our own code with workbox-window (src/client/state/app-update.ts); no inline script.
      injectRegister: false,
      // The manifest is a static file (public/manifest.webmanifest), linked from index.html.
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,svg,png,webmanifest,json}'],
        globIgnores: [
          'imgly/models/**',
          'imgly/ort/**',
          'screenshots/**',
          // Only for WebGPU, which the engine does not use.
          'assets/ort.webgpu*',
        ],
        // The ONNX Runtime JS bundles are ~400 KB each; the model never comes near this limit.
        maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
        // A classic worker script: module service workers are not available in every browser yet.
        rollupFormat: 'iife',
      },
    }),
  ];
}
