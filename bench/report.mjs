// Turns the JSON that scripts/bench.sh collected into the Markdown results
// table (ratios against Portcullis), printed on stdout; with
// `--results <file>` also writes the whole results page (machine, date,
// agreement, sizes, caveats) there, and `--readme <file>` the machine line
// and the table into the README (each between its generated-block markers).
//
//   node bench/report.mjs --node node.json --native native.json [--wasmtime wasmtime.json]
//                         [--caveats caveats.json] [--results bench/RESULTS.md]
//                         [--readme README.md]
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const load = (name) => {
  const path = option(name);
  return path && existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
};
const node = load("node");
const native = load("native");
const wasmtime = load("wasmtime");
const caveats = load("caveats") ?? [];

const us = (ns) => (ns === undefined || ns === null ? "—" : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1000).toFixed(2)} µs`);
const msText = (ms) => (ms === undefined ? "—" : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
const kb = (bytes) => (bytes === undefined || bytes === null ? "—" : `${(bytes / 1000).toFixed(1)} KB`);
const mb = (bytes) =>
  bytes === undefined || bytes === null ? "—" : bytes <= 0 ? "< GC noise" : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1000).toFixed(0)} KB`;
const rate = (n) => (n === undefined ? "—" : Math.round(n).toLocaleString("en-US"));
const ratio = (x, base) => (x && base ? `${x / base >= 10 ? Math.round(x / base).toLocaleString("en-US") : (x / base).toFixed(1)}x` : "—");
const pct = (a) => (a ? `${((100 * a.agree) / a.compared).toFixed(2)}% of ${a.compared.toLocaleString("en-US")}` : "—");

const rows = [];
const header =
  "| runtime | engine | cold start | p50 / decision | p99 / decision | decisions/s | p50 vs Portcullis | memory after load | .wasm raw / gzip | agrees with Portcullis |";
const line = "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

if (native) {
  for (const r of native.results) {
    const base = r.portcullis.p50Ns;
    rows.push(
      `| native (Rust, ${r.size}) | portcullis-core \`Store::evaluate\` | ${msText(r.portcullis.loadNs / 1e6)} | ${us(r.portcullis.p50Ns)} | ${us(r.portcullis.p99Ns)} | ${rate(1e9 / r.portcullis.p50Ns)} | 1x | ${mb(r.portcullis.heapBytes)} heap | — | — |`,
      `| native (Rust, ${r.size}) | portcullis-core, request JSON in, Decision JSON out | — | ${us(r.portcullis.jsonP50Ns)} | ${us(r.portcullis.jsonP99Ns)} | ${rate(1e9 / r.portcullis.jsonP50Ns)} | ${ratio(r.portcullis.jsonP50Ns, base)} | — | — | — |`,
      `| native (Rust, ${r.size}) | cedar-policy crate (${r.cedar.policies} policies) | ${msText(r.cedar.loadNs / 1e6)} | ${us(r.cedar.p50Ns)} | ${us(r.cedar.p99Ns)} | ${rate(1e9 / r.cedar.p50Ns)} | ${ratio(r.cedar.p50Ns, base)} | ${mb(r.cedar.heapBytes)} heap | — | ${pct(r.agreement)} |`,
      `| native (Rust, ${r.size}) | the floor: one hash lookup + one glob match | — | ${us(r.floorNs)} | — | — | Portcullis = ${ratio(base, r.floorNs)} the floor | — | — | — |`,
    );
  }
}
if (wasmtime) {
  rows.push(
    `| wasmtime (raw ABI, ${wasmtime.size}) | Portcullis \`pc_evaluate\`, JSON in and out | ${msText(wasmtime.coldStartMs)} | ${us(wasmtime.p50Ns)} | ${us(wasmtime.p99Ns)} | ${rate(wasmtime.perSecond)} | — | — | ${kb(wasmtime.wasm?.raw)} / ${kb(wasmtime.wasm?.gzip)} | — |`,
  );
}
if (node) {
  const base = node.results.find((r) => r.engine === "portcullis")?.p50Ns;
  for (const r of node.results) {
    const wasm = r.sizes?.wasm ? `${kb(r.sizes.wasm.raw)} / ${kb(r.sizes.wasm.gzip)}` : r.sizes?.package ? `no wasm (JS, ${mb(r.sizes.package)} on disk)` : "—";
    rows.push(
      `| Node ${node.node} (${node.size}) | ${r.label} | ${msText(r.coldStartMs)} | ${us(r.p50Ns)} | ${us(r.p99Ns)} | ${rate(r.perSecond)} | ${r.engine === "portcullis" ? "1x" : ratio(r.p50Ns, base)} | ${mb(Math.max(r.memory.rssBytes, r.memory.jsBytes))} | ${wasm} | ${r.engine.startsWith("portcullis") ? "(reference)" : pct(r.agreement)} |`,
    );
  }
}

const table = [header, line, ...rows].join("\n");
console.log(table);

const resultsPath = option("results");
if (resultsPath) {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const date = new Date().toISOString().slice(0, 10);
  const sizes = node?.results.find((r) => r.engine === "portcullis")?.sizes;
  const abi = node?.results.find((r) => r.engine === "portcullis-abi")?.sizes?.wasm ?? wasmtime?.wasm;
  const cedar = node?.results.find((r) => r.engine === "cedar-wasm")?.sizes?.wasm;
  const page = `# Benchmark results

Measured by \`scripts/bench.sh\` on ${date}: ${cpus().length} vCPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB,
Linux ${release()}, Node ${node?.node ?? "?"}, shared with other work (wall-clock numbers on this machine swing 2-4x
between runs: compare ratios, not absolute times). Workload: the generated \`${node?.size ?? native?.results?.[0]?.size}\` governance
store of \`bench/workload\` (1,000 users, 50 roles, 922 statements) and its 10,000 requests; every peer decides the
translation of the same store and requests (\`gen-workload --peers\`, see \`bench/README.md\`).

${table}

How to read it:
- cold start: import / instantiate the module and load the engine's input from text in memory (native: parse and
  compile the store only; the best of several loads).
- p50 / p99: each decision timed on its own (native: per-request medians of repeated calls over the 10,000
  requests); decisions/s: calls over the wall time of the timed loop (native: 1 / p50).
- memory: growth of the process (the larger of RSS and JS heap + external) after loading, in Node; bytes the loaded
  engine holds on the heap, natively.
- agreement: the share of requests on which the engine's Allow/Deny equals Portcullis's.

Sizes: the npm package's engine ${kb(sizes?.wasm?.raw)} raw / ${kb(sizes?.wasm?.gzip)} gzipped (budget 200 KB gzipped),
the raw ABI module ${kb(abi?.raw)} / ${kb(abi?.gzip)} (budget 150 KB gzipped), cedar-wasm ${kb(cedar?.raw)} /
${kb(cedar?.gzip)}. Casbin and iam-simulate are plain JavaScript (sizes on disk in the table).

## Where the translations are not exact

${caveats.map((c) => `- ${c}`).join("\n")}
`;
  const generated = page.replace(/^# Benchmark results\n\n/, "");
  writeBetweenMarkers(resultsPath, generated, `# Benchmark results\n\n`);
  // The README carries the machine line and the table (the analysis stays in RESULTS.md).
  const readmePath = option("readme");
  if (readmePath) {
    writeBetweenMarkers(readmePath, generated.slice(0, generated.indexOf("\nHow to read it:")), null);
  }
}

// Only the part between the markers is generated: the text around it is kept.
function writeBetweenMarkers(path, generated, newFileHead) {
  const begin = "<!-- generated by scripts/bench.sh --write: begin -->";
  const end = "<!-- generated by scripts/bench.sh --write: end -->";
  const block = `${begin}\n${generated}${generated.endsWith("\n") ? "" : "\n"}${end}`;
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const [head, rest] = [old.indexOf(begin), old.indexOf(end)];
  let text;
  if (head >= 0 && rest > head) {
    text = old.slice(0, head) + block + old.slice(rest + end.length);
  } else if (newFileHead !== null && old === "") {
    text = `${newFileHead}${block}\n`;
  } else {
    throw new Error(`${path} has no generated block (markers "${begin}" and "${end}")`);
  }
  writeFileSync(path, text);
  console.error(`bench: wrote ${path}`);
}
