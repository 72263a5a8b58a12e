// The playground imports the npm package built from this repository
// (scripts/build-npm.sh puts it in ../npm/dist and ../npm/pkg), never a
// published copy: STYLE.md item 20. `base: "./"` makes the build work from
// any folder of any static host.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  base: "./",
  resolve: {
    alias: { portcullis: here("../npm/dist/browser.js") },
  },
  // The .wasm URL inside the package's glue must survive: no pre-bundling.
  optimizeDeps: { exclude: ["portcullis"] },
  server: { host: "127.0.0.1", fs: { allow: [here(".."), here("../npm"), here("../testdata")] } },
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
});
