// A second, independent host for the raw ABI: Node's own WebAssembly API, no
// wasm-bindgen glue, nothing but wasm/ABI.md. It loads portcullis.wasm, checks
// its interface, loads the governance store from the shared vectors and runs
// every case of that suite, then a few error paths.
//
//   node host-tests/node/host.mjs [module.wasm] [suite.json]
//
// Prints one line per failure and `node host: N passed, M failed`; exits 1 on
// any failure.
import { readFileSync } from "node:fs";

const [wasmPath = "target/portcullis.wasm", suitePath = "testdata/vectors/governance.json"] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
let passed = 0, failed = 0;
function check(ok, what) {
  if (ok) passed++;
  else { failed++; console.log(`FAIL ${what}`); }
}

check(WebAssembly.Module.imports(module).length === 0, "the module imports nothing");
const { exports: pc } = new WebAssembly.Instance(module, {});
check(pc.pc_abi_major() === 1, `ABI major 1, got ${pc.pc_abi_major()}`);

const utf8 = new TextEncoder(), text = new TextDecoder("utf-8", { fatal: true });
function put(bytes) {
  if (typeof bytes === "string") bytes = utf8.encode(bytes);
  const ptr = pc.pc_alloc(bytes.length) >>> 0;
  if (ptr === 0) throw new Error(`pc_alloc(${bytes.length}) failed`);
  new Uint8Array(pc.memory.buffer, ptr, bytes.length).set(bytes);
  return { ptr, len: bytes.length };
}
// ABI 1.2: the answer's address and length, read from memory without a call.
const view = pc.pc_result_view() >>> 0;
check(pc.pc_abi_minor() >= 2 && view !== 0, `the result view (ABI 1.2): minor ${pc.pc_abi_minor()}, at ${view}`);
function answer(status) {
  const [ptr, len] = new Uint32Array(pc.memory.buffer, view, 2);
  check(len === pc.pc_result_len() && (len === 0 || ptr === pc.pc_result_ptr() >>> 0), "the result view agrees with pc_result_ptr and pc_result_len");
  return { status, json: JSON.parse(text.decode(new Uint8Array(pc.memory.buffer, ptr, len))) };
}
function load(storeText) {
  const input = put(storeText);
  const result = answer(pc.pc_store_load(input.ptr, input.len));
  check(pc.pc_free(input.ptr) === 0, "pc_free of the store text");
  return result;
}
function evaluate(handle, request, now) {
  const input = put(typeof request === "string" ? request : JSON.stringify(request));
  const time = now ? put(now) : { ptr: 0, len: 0 };
  const result = answer(pc.pc_evaluate(handle, input.ptr, input.len, time.ptr, time.len));
  pc.pc_free(input.ptr);
  if (now) pc.pc_free(time.ptr);
  return result;
}

const version = (pc.pc_version(), answer(0).json);
check(version.type === "success" && version.abi.major === 1, `pc_version: ${JSON.stringify(version)}`);
check(version.capabilities.includes("evaluate"), "the evaluate capability");

// The governance scenario, every case.
const file = JSON.parse(readFileSync(suitePath, "utf8"));
const suites = file.suites ?? [file];
for (const suite of suites) {
  const loaded = load(JSON.stringify(suite.store));
  check(loaded.status > 0, `${suite.name ?? suitePath}: the store loads: ${JSON.stringify(loaded.json.errors)}`);
  if (loaded.status <= 0) continue;
  const handle = loaded.status;
  const batch = [];
  for (const c of suite.cases) {
    const { status, json: d } = evaluate(handle, c.request);
    const ok = status === 0 && d.decision === c.expect.decision
      && (c.expect.reason === undefined || d.reason === c.expect.reason)
      && (c.expect.alerts === undefined || JSON.stringify(d.alerts) === JSON.stringify(c.expect.alerts));
    check(ok, `${c.name}: expected ${JSON.stringify(c.expect)}, got ${status} ${d.decision} (${d.reason})`);
    batch.push(c.request);
  }
  // The same cases as one batch.
  const input = put(JSON.stringify(batch));
  const many = answer(pc.pc_evaluate_batch(handle, input.ptr, input.len, 0, 0));
  pc.pc_free(input.ptr);
  check(many.status === 0 && many.json.length === suite.cases.length
    && many.json.every((d, i) => d.decision === suite.cases[i].expect.decision), "the batch agrees with the cases");

  // Error paths: a bad handle, a pointer outside any block, a bad "now", bad UTF-8.
  const request = suite.cases[0].request;
  check(evaluate(handle + 1000, request).status === -3, "an unknown handle is BAD_HANDLE");
  const outside = answer(pc.pc_evaluate(handle, pc.memory.buffer.byteLength - 4, 64, 0, 0));
  check(outside.status === -1 && outside.json.errors[0].code === "abi-bad-pointer", "a pointer past memory is BAD_POINTER");
  check(evaluate(handle, request, "yesterday").status === -7, "a bad now is BAD_NOW");
  const bad = put(new Uint8Array([0x7b, 0xff, 0x7d]));
  check(answer(pc.pc_evaluate(handle, bad.ptr, bad.len, 0, 0)).status === -2, "invalid UTF-8 is BAD_UTF8");
  pc.pc_free(bad.ptr);
  check(load("{\"policies\": ").status === -4, "truncated JSON is BAD_JSON");
  check(evaluate(handle, request).status === 0, "the store still answers after the errors");
  check(pc.pc_store_free(handle) === 0 && pc.pc_store_free(handle) === -3, "a store is freed once");
}

console.log(`node host: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
