// Node entry: instantiates the WebAssembly module synchronously from the
// file beside the generated glue, so `import { Store } from "portcullis"`
// is ready to use at once.

import { readFileSync } from "node:fs";
import { initSync } from "../pkg/portcullis_wasm.js";

initSync({ module: readFileSync(new URL("../pkg/portcullis_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";
