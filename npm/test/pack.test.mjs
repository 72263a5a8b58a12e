// What `npm pack` ships: exactly the whitelisted files (no sources, tests,
// maps, build caches or node_modules), and the engine within its size budget:
// under 200 KB gzipped. Prints the packed size and the gzipped .wasm size.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { npmDir } from "./helpers.mjs";

const WASM_GZIP_BUDGET = 200 * 1024;

const SHIPPED = [
  "README.md",
  "dist/api.d.ts",
  "dist/api.js",
  "dist/browser.js",
  "dist/cli.js",
  "dist/node.js",
  "dist/types.d.ts",
  "package.json",
  "pkg/portcullis_wasm.d.ts",
  "pkg/portcullis_wasm.js",
  "pkg/portcullis_wasm_bg.wasm",
];

test("npm pack ships exactly the package's files, and every export and bin target is among them", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: npmDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, SHIPPED);
  const pkg = JSON.parse(readFileSync(join(npmDir, "package.json"), "utf8"));
  const targets = [pkg.types, pkg.bin.portcullis, ...Object.values(pkg.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e)))];
  for (const target of targets) assert.ok(files.includes(target.replace(/^\.\//, "")), `${target} is not shipped`);
  console.log(`npm pack: ${files.length} files, ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked`);
});

test(`the engine's .wasm is under ${WASM_GZIP_BUDGET / 1024} KB gzipped`, () => {
  const wasm = readFileSync(join(npmDir, "pkg", "portcullis_wasm_bg.wasm"));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  console.log(`portcullis_wasm_bg.wasm: ${wasm.length} bytes, ${gzipped} bytes gzipped (budget ${WASM_GZIP_BUDGET})`);
  assert.ok(
    gzipped < WASM_GZIP_BUDGET,
    `portcullis_wasm_bg.wasm is ${gzipped} bytes gzipped, over the budget of ${WASM_GZIP_BUDGET} (200 KiB). ` +
      "It is built at opt-level z already (scripts/build-npm.sh); nearly all of it is the engine (portcullis-core), " +
      "so the engine has to shrink or the budget has to be changed on purpose.",
  );
  // Only what the glue needs: no debug names, no producers section.
  const module = new WebAssembly.Module(wasm);
  assert.deepEqual(WebAssembly.Module.customSections(module, "name"), []);
  assert.deepEqual(WebAssembly.Module.customSections(module, "producers"), []);
});
