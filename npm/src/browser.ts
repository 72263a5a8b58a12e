// Browser and bundler entry: fetches and instantiates the WebAssembly module
// (`new URL("portcullis_wasm_bg.wasm", import.meta.url)` inside the glue,
// which Vite, webpack 5 and plain ES modules all understand) before the
// module finishes loading, so the API is the same as in Node: no init call.

import init from "../pkg/portcullis_wasm.js";

await init();

export * from "./api.js";
