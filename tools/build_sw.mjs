// Writes SITE/sw.js, the site's service worker (Workbox's generateSW, runtime inlined: one same-origin file).
//
//   node tools/build_sw.mjs SITE        (hooks/sw_hook.py runs it after every build)
//
// It keeps what a repeat visit needs, and downloads as little as it can to do so:
// - precached at install (small, and needed by any repeat visit): the site's pages (not the notebooks, which
//   are cached when read), Material's hashed bundle, styles, search worker and search index (Material's search
//   throws an uncaught error offline without it), the page scripts and styles, sitemap.xml (instant navigation
//   needs it) and assets/pyodide/runtime.json (which names the runtime);
// - the Pyodide runtime is not precached: its files sit at content-hashed URLs, and the calculator worker puts
//   each one in the "calc-runtime" cache as it downloads it (docs/javascripts/calculator-worker.mjs); this
//   service worker answers them from there, cache first. So the runtime (the memory snapshot included) crosses
//   the network once per build, not a second time for the precache;
// - Plotly.js and pages not precached are cached when the page fetches them (stale while revalidate for Plotly,
//   network first for pages), which costs no extra download; until then a chart offline keeps the build's
//   drawing, which is the same chart.
// Material's files and the runtime are content-hashed, so Workbox fetches them without busting the HTTP cache.
// The page registers this only once Python is live (javascripts/calculators.js), and not at all for a reader
// who saves data.

import { generateSW } from "workbox-build";

const site = process.argv[2];
if (!site) {
  console.error("usage: node tools/build_sw.mjs SITE_DIR");
  process.exit(2);
}

const { count, size, warnings } = await generateSW({
  globDirectory: site,
  globPatterns: [
    "index.html",
    "guides/**/*.html",
    "reference/**/*.html",
    "sitemap.xml",
    "assets/pyodide/runtime.json",
    "javascripts/**/*.{js,mjs}",
    "stylesheets/*.css",
    "assets/stylesheets/*.css",
    "assets/javascripts/bundle.*.js",
    "assets/javascripts/workers/*.js",
    "assets/images/*",
    "search/search_index.json",
  ],
  // Material's bundle, styles and search worker carry an 8-hex-digit hash in their names: Workbox may take them
  // from the HTTP cache instead of downloading them again.
  dontCacheBustURLsMatching: /\.[0-9a-f]{8}\.min\.(?:js|css)$/,
  swDest: `${site}/sw.js`,
  inlineWorkboxRuntime: true,
  mode: "production",
  sourcemap: false,
  cacheId: "cost-to-train",
  // a static host ignores query strings; the calculators keep their inputs in the query
  ignoreURLParametersMatching: [/.*/],
  directoryIndex: "index.html",
  cleanupOutdatedCaches: true,
  skipWaiting: true,
  clientsClaim: true,
  runtimeCaching: [
    {
      // Filled by the calculator worker as it downloads; it also drops the files of older builds. (Workbox copies
      // each function's text into sw.js: a function may name nothing from this file.)
      urlPattern: ({ url }) => /\/assets\/pyodide\/(?:wheels\/)?[0-9a-f]{12}\//.test(url.pathname),
      handler: "CacheFirst",
      options: { cacheName: "calc-runtime" },
    },
    {
      urlPattern: ({ url }) => url.pathname.endsWith("/assets/plotly/plotly.min.js"),
      handler: "StaleWhileRevalidate",
      options: { cacheName: "calc-assets" },
    },
    {
      urlPattern: ({ request }) => request.mode === "navigate",
      handler: "NetworkFirst",
      options: { cacheName: "calc-pages", networkTimeoutSeconds: 4 },
    },
  ],
});
for (const warning of warnings) console.warn(`build_sw: ${warning}`);
console.log(`build_sw: ${site}/sw.js precaches ${count} files, ${(size / 1e6).toFixed(1)} MB`);
