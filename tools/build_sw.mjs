// Writes SITE/sw.js, the site's service worker (Workbox's generateSW, runtime inlined: one same-origin file).
//
//   node tools/build_sw.mjs SITE        (hooks/sw_hook.py runs it after every build)
//
// It precaches every page and what a calculator page needs to go live: Pyodide, our wheel, Plotly.js, the
// page scripts and styles, Material's bundle and search. A repeat visit is then served from the cache (no
// download, no revalidation) and a visited page works offline. Each file is keyed by its content hash, so
// a new build replaces exactly the files that changed, and old caches are deleted.
// The page registers it only once Python is live (javascripts/calculators.js), so the precache downloads
// never compete with the first boot.

import { generateSW } from "workbox-build";

const site = process.argv[2];
if (!site) {
  console.error("usage: node tools/build_sw.mjs SITE_DIR");
  process.exit(2);
}

const { count, size, warnings } = await generateSW({
  globDirectory: site,
  globPatterns: [
    "**/*.html",
    "sitemap.xml",
    "assets/pyodide/**/*.{mjs,wasm,zip,json,whl,snapshot}",
    "assets/plotly/*.js",
    "javascripts/**/*.{js,mjs}",
    "stylesheets/*.css",
    "assets/stylesheets/*.css",
    "assets/javascripts/bundle.*.js",
    "assets/javascripts/workers/*.js",
    "assets/images/*",
    "search/search_index.json",
  ],
  swDest: `${site}/sw.js`,
  inlineWorkboxRuntime: true,
  mode: "production",
  sourcemap: false,
  cacheId: "cost-to-train",
  // pyodide.asm.wasm is 9.6 MB and the memory snapshot 31 MB; Workbox skips files over 2 MB unless told
  maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
  // a static host ignores query strings; the calculators keep their inputs in the query
  ignoreURLParametersMatching: [/.*/],
  directoryIndex: "index.html",
  cleanupOutdatedCaches: true,
  skipWaiting: true,
  clientsClaim: true,
});
for (const warning of warnings) console.warn(`build_sw: ${warning}`);
console.log(`build_sw: ${site}/sw.js precaches ${count} files, ${(size / 1e6).toFixed(1)} MB`);
