// What `npm pack` ships: exactly the whitelisted files (no sources, tests,
// maps, build caches or node_modules). Prints the packed size and the
// gzipped .wasm size (its budget is test/budget.mjs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { npmDir } from "./helpers.mjs";

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

test("the engine's .wasm carries no debug names or producers section; its size is printed", () => {
  const wasm = readFileSync(join(npmDir, "pkg", "portcullis_wasm_bg.wasm"));
  const gzipped = gzipSync(wasm, { level: 9 }).length;
  // The budget itself is checked by test/budget.mjs, the last step of scripts/test-npm.sh.
  console.log(`portcullis_wasm_bg.wasm: ${wasm.length} bytes, ${gzipped} bytes gzipped`);
  const module = new WebAssembly.Module(wasm);
  assert.deepEqual(WebAssembly.Module.customSections(module, "name"), []);
  assert.deepEqual(WebAssembly.Module.customSections(module, "producers"), []);
});
