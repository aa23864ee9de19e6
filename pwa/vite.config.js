// @ts-check
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The Flask app serves dist/ at `/` under a strict CSP (script-src 'self', style-src 'self'):
// the build must contain no inline script or style, so the service worker is registered from
// src/sw-register.js rather than by a snippet the plugin would inject into index.html.
export default defineConfig({
  build: {
    target: 'es2020',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev` next to `flask run` (port 5000): the API stays same-origin for the browser.
    proxy: { '/api': 'http://127.0.0.1:5000' },
  },
  plugins: [
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['icons/favicon-32.png', 'icons/apple-touch-icon-180.png'],
      injectManifest: {
        // Icons and the manifest are added by the plugin (includeAssets, manifest icons).
        globPatterns: ['**/*.{js,css,html}'],
      },
      manifest: {
        id: '/',
        name: '巡查督办 Inspector',
        short_name: '巡查督办',
        description: '城市巡查、问题上报与督办处置 (Inspector: patrol reports and case routing)',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0b4a8f',
        background_color: '#ffffff',
        categories: ['productivity', 'utilities'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
