// Size budget of the shipped engine: portcullis_wasm_bg.wasm under 200 KB
// gzipped (issue 4; KB = 1000 bytes, as for the raw ABI module). The last step of scripts/test-npm.sh, apart from the
// node tests so that a size regression reads as exactly that.
//
// The module is built at opt-level z and wasm-opt -Oz already (scripts/build-npm.sh) and the
// wasm-bindgen face is about 6% of its code: when this fails, the engine
// (portcullis-core) grew, and either it shrinks or the budget is changed on
// purpose, here.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { npmDir } from "./helpers.mjs";

const BUDGET = 200_000;
const wasm = readFileSync(join(npmDir, "pkg", "portcullis_wasm_bg.wasm"));
const gzipped = gzipSync(wasm, { level: 9 }).length;
const verdict = gzipped < BUDGET ? "within" : "OVER";
console.log(`size budget: portcullis_wasm_bg.wasm ${wasm.length} bytes, ${gzipped} bytes gzipped: ${verdict} the budget of ${BUDGET}`);
if (gzipped >= BUDGET) {
  console.log(
    `size budget: over by ${gzipped - BUDGET} bytes. The module is built for size already and nearly all of it ` +
      "is the engine (portcullis-core): the engine has to shrink, or the budget in npm/test/budget.mjs has to be changed on purpose.",
  );
  process.exitCode = 1;
}
