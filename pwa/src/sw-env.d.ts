// The list of files to precache that vite-plugin-pwa writes into sw.js at build time.
interface WorkerGlobalScope {
  __WB_MANIFEST: Array<import('workbox-precaching').PrecacheEntry | string>;
}
