// `npm run bench` (or `node npm/bench/evaluate.mjs [--size medium] [--seconds 3] [--json]`):
// time per `store.evaluate` through the package's JavaScript API on a
// generated governance store, and where the time goes.
//
// Rows:
//   evaluate(object)      the API as documented: a request object in, a Decision object out
//   evaluate(text)        the request as JSON text (skips reading a JS object)
//   evaluateMany(batch)   one call for a batch, time per request
//   evaluate(stringify)   the caller turns its object into JSON text first: what the object row
//                         would cost with a JSON round trip instead of the transfer form
//   evaluateJson(object)  a request object in, the Decision JSON text out (no Decision object)
// Every row reports p50 / p99 per call and decisions per second. The store and
// requests come from `gen-workload` (bench/workload), written to npm/test-output/.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Store } from "portcullis";
import { statSync } from "node:fs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const size = option("size", "medium");
const seconds = Number(option("seconds", "3"));
const json = args.includes("--json");

const outDir = join(here, "..", "test-output", "workload");
const storeFile = join(outDir, `${size}-store.json`);
const requestsFile = join(outDir, `${size}-requests.json`);
if (!existsSync(storeFile) || !existsSync(requestsFile)) {
  mkdirSync(outDir, { recursive: true });
  execFileSync("cargo", ["run", "--quiet", "--release", "-p", "portcullis-workload", "--bin", "gen-workload", "--", size, outDir], {
    cwd: repo,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const storeText = readFileSync(storeFile, "utf8");
const requests = JSON.parse(readFileSync(requestsFile, "utf8"));
const requestTexts = requests.map((r) => JSON.stringify(r));
const loadStart = process.hrtime.bigint();
const store = Store.load(storeText);
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Times `fn(i)` call by call for about `seconds`, after a warm-up; ns per call. */
function timeCalls(name, fn, { perCall = 1 } = {}) {
  const n = requests.length;
  for (let i = 0; i < 20_000; i++) fn(i % n); // warm up the JIT and the allocator
  const samples = [];
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let i = 0;
  let sink = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let k = 0; k < 1000; k++, i++) {
      const t0 = process.hrtime.bigint();
      const answer = fn(i % n);
      const t1 = process.hrtime.bigint();
      samples.push(Number(t1 - t0) / perCall);
      sink += answer ? 1 : 0;
    }
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    name,
    calls: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean,
    perSecond: 1e9 / mean,
    sink,
  };
}

// Sanity: the decisions are real and mixed.
const sample = requests.slice(0, 1000).map((r) => store.evaluate(r).decision);
const allowShare = sample.filter((d) => d === "Allow").length / sample.length;

const batch = 100;
const rows = [
  timeCalls("evaluate(object)", (i) => store.evaluate(requests[i])),
  timeCalls("evaluate(text)", (i) => store.evaluate(requestTexts[i])),
  timeCalls(
    `evaluateMany(${batch})`,
    (i) => {
      const from = i % (requests.length - batch); // always a whole batch
      return store.evaluateMany(requests.slice(from, from + batch));
    },
    { perCall: batch },
  ),
  timeCalls("evaluate(stringify)", (i) => store.evaluate(JSON.stringify(requests[i]))),
  timeCalls("evaluateJson(object)", (i) => store.evaluateJson(requests[i])),
];

const result = {
  size,
  stats: store.stats,
  requests: requests.length,
  allowShare,
  loadMs,
  node: process.version,
  wasmBytes: statSync(join(here, "..", "pkg", "portcullis_wasm_bg.wasm")).size,
  rows: rows.map(({ sink, ...row }) => row),
};
if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(
    `portcullis bench: ${size} store (${store.stats.users} users, ${store.stats.roles} roles, ${store.stats.statements} statements), ` +
      `${requests.length} requests (${(allowShare * 100).toFixed(0)}% allow), loaded in ${loadMs.toFixed(1)} ms, node ${process.version}, wasm ${result.wasmBytes} bytes`,
  );
  console.log("call                    p50 (us)  p99 (us)  mean (us)  decisions/s");
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(22)}  ${(r.p50 / 1000).toFixed(2).padStart(8)}  ${(r.p99 / 1000).toFixed(2).padStart(8)}  ${(r.mean / 1000)
        .toFixed(2)
        .padStart(9)}  ${Math.round(r.perSecond).toLocaleString("en-US").padStart(11)}`,
    );
  }
}
store.free();
