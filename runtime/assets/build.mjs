// Builds the browser client the runtime serves (`npm run build` here, or
// `npm run --prefix runtime/assets build` from the repository's root):
//   rtux/index.js and the modules it imports → dist/rtux.js, one minified
//     classic script (an IIFE: no module loading, one request);
//   rtux.css → dist/rtux.css, minified.
// dist/ is checked in: the Rust crate includes it (runtime/src/assets/bundle.rs)
// and builds without Node. CI runs this again and fails if dist/ changes.
// The output depends only on the sources and the pinned esbuild version.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

const common = {
  bundle: true,
  minify: true,
  legalComments: "none",
  sourcemap: false,
  charset: "ascii",
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: [here("rtux/index.js")],
  outfile: here("dist/rtux.js"),
  format: "iife",
  target: "es2020",
  // Modules are strict; so was the one function scope rtux.js was served in.
  // The IIFE esbuild writes carries no directive of its own.
  banner: { js: '"use strict";' },
});

await build({
  ...common,
  entryPoints: [here("rtux.css")],
  outfile: here("dist/rtux.css"),
});
