// Reads the output of host-tests' ABI benchmark (`cargo bench -p
// portcullis-host-tests --bench abi`) on stdin and writes the wasmtime row's
// numbers as JSON: node bench/wasmtime.mjs <module.wasm> <out.json>
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const [wasmPath, outPath] = process.argv.slice(2);
const text = readFileSync(0, "utf8");
const duration = (s) => {
  const m = /^([\d.]+)(ns|µs|us|ms|s)$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * { ns: 1e-6, µs: 1e-3, us: 1e-3, ms: 1, s: 1000 }[m[2]];
};
const head = /instantiate ([^;]+); medium store load through the ABI (\S+)/.exec(text);
const row = /ABI pc_evaluate \(copy in \+ out\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(text);
if (!row) {
  console.error("bench: no `ABI pc_evaluate` row in the host-tests benchmark output");
  process.exit(1);
}
const bytes = readFileSync(wasmPath);
const out = {
  size: "medium",
  coldStartMs: head ? duration(head[1].trim()) + duration(head[2].trim()) : undefined,
  p50Ns: Number(row[1]) * 1000,
  p99Ns: Number(row[2]) * 1000,
  perSecond: Number(row[3]),
  wasm: { raw: bytes.length, gzip: execFileSync("gzip", ["-9", "-c", wasmPath], { maxBuffer: 64 << 20 }).length },
};
writeFileSync(outPath, JSON.stringify(out, null, 2));
