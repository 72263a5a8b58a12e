// The Node side of scripts/bench.sh: Portcullis (npm package and raw ABI
// module) next to cedar-wasm, Casbin and iam-simulate, in one Node process, on
// the same generated workload and its translations (bench/workload, `gen-workload --peers`).
//
//   node bench/node/run.mjs --data <dir> [--size medium] [--seconds 2] [--engines a,b] [--json out.json]
//
// For each engine: cold start (import + instantiate + load the engine's inputs
// from text already in memory), memory after loading (RSS and JS heap +
// external growth), p50/p99 per decision (each call timed alone) and decisions
// per second over the timed loop, the share of requests on which it agrees
// with Portcullis (Allow vs Deny), and its artifact sizes.
import { readFileSync, statSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const size = option("size", "medium");
const data = option("data", join(repo, "target", "bench-data"));
const seconds = Number(option("seconds", "2"));
const engines = option("engines", "portcullis,portcullis-text,portcullis-abi,cedar-wasm,casbin,iam-simulate").split(",");
const jsonOut = option("json", null);
const abiPath = option("abi", join(repo, process.env.CARGO_TARGET_DIR ?? "target", "portcullis.wasm"));
// Slow engines decide at most this many requests for the agreement check.
const agreeLimit = Number(option("agree-limit", "10000"));

const read = (name) => readFileSync(join(data, `${size}-${name}`), "utf8");
const requests = JSON.parse(read("requests.json"));
const N = requests.length;

const now = () => process.hrtime.bigint();
const ms = (t0, t1) => Number(t1 - t0) / 1e6;
function memory() {
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.external + m.arrayBuffers };
}
function gc() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}
function duBytes(path) {
  let total = 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  for (const entry of readdirSync(path)) total += duBytes(join(path, entry));
  return total;
}
// gzip -9 as the command-line tool writes it (build-abi.sh's budget), and
// Node's zlib at level 9 (npm/test/budget.mjs's): they differ by about 2%.
const wasmSize = (path) => {
  const bytes = readFileSync(path);
  const cli = execFileSync("gzip", ["-9", "-c", path], { maxBuffer: 64 << 20 }).length;
  return { raw: bytes.length, gzip: cli, zlib: gzipSync(bytes, { level: 9 }).length };
};
const peerDir = (name) => join(here, "node_modules", name);

/** Each engine: load() -> { decide(i) -> boolean allowed, sizes } */
const defs = {
  async portcullis() {
    const { Store } = await import(pathToFileURL(join(repo, "npm", "dist", "node.js")).href);
    const store = Store.load(read("store.json"));
    return {
      label: "Portcullis (npm, request object)",
      decide: (i) => store.evaluate(requests[i]).decision === "Allow",
      sizes: { wasm: wasmSize(join(repo, "npm", "pkg", "portcullis_wasm_bg.wasm")), package: duBytes(join(repo, "npm", "pkg")) + duBytes(join(repo, "npm", "dist")) },
    };
  },
  async "portcullis-text"() {
    const { Store } = await import(pathToFileURL(join(repo, "npm", "dist", "node.js")).href);
    const store = Store.load(read("store.json"));
    const texts = requests.map((r) => JSON.stringify(r));
    return {
      label: "Portcullis (npm, request JSON text)",
      decide: (i) => store.evaluate(texts[i]).decision === "Allow",
      sizes: { wasm: wasmSize(join(repo, "npm", "pkg", "portcullis_wasm_bg.wasm")) },
    };
  },
  async "portcullis-abi"() {
    const module = new WebAssembly.Module(readFileSync(abiPath));
    const { exports: pc } = new WebAssembly.Instance(module, {});
    const utf8 = new TextEncoder();
    const put = (bytes) => {
      const ptr = pc.pc_alloc(bytes.length) >>> 0;
      new Uint8Array(pc.memory.buffer, ptr, bytes.length).set(bytes);
      return ptr;
    };
    const storeBytes = utf8.encode(read("store.json"));
    const sptr = put(storeBytes);
    const handle = pc.pc_store_load(sptr, storeBytes.length);
    pc.pc_free(sptr);
    if (handle <= 0) throw new Error("the raw ABI module did not load the store");
    const texts = requests.map((r) => utf8.encode(JSON.stringify(r)));
    const decoder = new TextDecoder();
    const view = pc.pc_result_view() >>> 0; // the answer's address and length (ABI 1.2)
    return {
      label: "Portcullis (raw ABI module, JSON text in and out)",
      decide: (i) => {
        const bytes = texts[i];
        const ptr = put(bytes);
        const status = pc.pc_evaluate(handle, ptr, bytes.length, 0, 0);
        pc.pc_free(ptr);
        const [at, len] = new Uint32Array(pc.memory.buffer, view, 2);
        const out = decoder.decode(new Uint8Array(pc.memory.buffer, at, len));
        if (status !== 0) throw new Error(out);
        return out.startsWith('{"decision":"Allow"');
      },
      sizes: { wasm: wasmSize(abiPath) },
    };
  },
  async "cedar-wasm"() {
    const cedar = await import(pathToFileURL(join(peerDir("@cedar-policy/cedar-wasm"), "nodejs", "cedar_wasm.js")).href);
    const parsed = cedar.preparsePolicySet("workload", { staticPolicies: read("cedar.cedar") });
    if (parsed.type !== "success") throw new Error(`cedar: ${JSON.stringify(parsed.errors)}`);
    // cedar-wasm takes the entities with each call (it has no preparsed entity
    // store): give each request its slice, as an application would.
    const all = new Map();
    for (const e of JSON.parse(read("cedar-entities.json"))) all.set(`${e.uid.type}::${e.uid.id}`, e);
    const calls = JSON.parse(read("cedar-requests.json")).map((r) => {
      const slice = new Map();
      const visit = (uid) => {
        const key = `${uid.type}::${uid.id}`;
        if (slice.has(key)) return;
        const e = all.get(key);
        if (!e) return;
        slice.set(key, e);
        for (const p of e.parents) visit(p);
      };
      visit(r.principal);
      visit(r.action);
      visit(r.resource);
      return { ...r, preparsedPolicySetId: "workload", entities: [...slice.values()] };
    });
    return {
      label: `cedar-wasm ${cedar.getCedarVersion?.() ?? ""} (statefulIsAuthorized, preparsed policies)`,
      decide: (i) => {
        const answer = cedar.statefulIsAuthorized(calls[i]);
        if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors));
        return answer.response.decision === "allow";
      },
      sizes: {
        wasm: wasmSize(join(peerDir("@cedar-policy/cedar-wasm"), "nodejs", "cedar_wasm_bg.wasm")),
        package: duBytes(peerDir("@cedar-policy/cedar-wasm")),
      },
      errors: (i) => cedar.statefulIsAuthorized(calls[i]).response?.diagnostics?.errors ?? [],
      slow: true,
    };
  },
  async casbin() {
    const casbin = await import("casbin");
    const input = JSON.parse(read("casbin.json"));
    const model = casbin.newModelFromString(read("casbin.conf"));
    const e = await casbin.newEnforcer(model);
    await e.addPolicies(input.policies);
    await e.addGroupingPolicies(input.links);
    await e.buildRoleLinks();
    return {
      label: "Casbin (enforceSync)",
      decide: (i) => {
        const [sub, act, obj, ctx] = input.requests[i];
        return e.enforceSync(sub, act, obj, ctx);
      },
      sizes: { package: duBytes(peerDir("casbin")) + duBytes(peerDir("@casbin")) },
      slow: true,
    };
  },
  async "iam-simulate"() {
    const sim = await import("@cloud-copilot/iam-simulate");
    const input = JSON.parse(read("iam.json"));
    const named = (n) => ({ name: n, policy: input.policies[n] });
    const scps = [{ orgIdentifier: "ou-guardrails", policies: input.guardrails.map(named) }];
    const simulations = input.requests.map((r) => ({
      request: { principal: r.principal, action: r.action, resource: { resource: r.resource, accountId: r.accountId }, contextVariables: r.context },
      identityPolicies: r.identity.map(named),
      serviceControlPolicies: scps,
      resourceControlPolicies: [],
      permissionBoundaryPolicies: r.boundary.length ? r.boundary.map(named) : undefined,
    }));
    return {
      label: "iam-simulate (runUnsafeSimulation)",
      decide: (i) => sim.runUnsafeSimulation(simulations[i], {}) === "Allowed",
      sizes: {
        package: ["iam-simulate", "iam-policy", "iam-utils", "iam-data"].map((p) => duBytes(peerDir(`@cloud-copilot/${p}`))).reduce((a, b) => a + b, 0),
      },
      slow: true,
    };
  },
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function time(decide, slow) {
  for (let i = 0; i < Math.min(N, slow ? 20 : 2000); i++) decide(i); // warm-up
  const samples = [];
  const deadline = now() + BigInt(Math.round(seconds * 1e9));
  let i = 0;
  const started = now();
  while (now() < deadline || samples.length < 200) {
    for (let k = 0; k < 100; k++, i++) {
      const t0 = now();
      decide(i % N);
      samples.push(Number(now() - t0));
    }
  }
  const wall = Number(now() - started);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: (samples.length * 1e9) / wall, calls: samples.length };
}

const results = [];
let reference = null;
for (const name of engines) {
  if (!defs[name]) throw new Error(`unknown engine ${name}`);
  gc();
  const before = memory();
  const t0 = now();
  const engine = await defs[name]();
  const cold = ms(t0, now());
  gc();
  const after = memory();
  // Decisions on every request (or the first `agreeLimit` for slow engines).
  const limit = engine.slow ? Math.min(agreeLimit, N) : N;
  const decisions = [];
  for (let i = 0; i < limit; i++) decisions.push(engine.decide(i));
  if (!reference) reference = decisions;
  let agree = 0;
  const disagreements = [];
  for (let i = 0; i < limit; i++) {
    if (decisions[i] === reference[i]) agree++;
    else if (disagreements.length < 5) disagreements.push({ index: i, request: requests[i], portcullis: reference[i] ? "Allow" : "Deny", engine: decisions[i] ? "Allow" : "Deny", errors: engine.errors?.(i) });
  }
  const timing = time(engine.decide, engine.slow);
  const row = {
    engine: name,
    label: engine.label,
    coldStartMs: cold,
    memory: { rssBytes: after.rss - before.rss, jsBytes: after.js - before.js },
    p50Ns: timing.p50,
    p99Ns: timing.p99,
    perSecond: timing.perSecond,
    timedCalls: timing.calls,
    allowShare: decisions.filter(Boolean).length / limit,
    agreement: { compared: limit, agree, rate: agree / limit, disagreements },
    sizes: engine.sizes,
  };
  results.push(row);
  console.error(
    `${name}: cold ${cold.toFixed(1)} ms, p50 ${(timing.p50 / 1000).toFixed(2)} us, p99 ${(timing.p99 / 1000).toFixed(2)} us, ` +
      `${Math.round(timing.perSecond)}/s, agreement ${agree}/${limit}`,
  );
  for (const d of disagreements) console.error(`  disagrees: ${JSON.stringify(d)}`);
}

const out = { size, requests: N, node: process.version, seconds, results };
if (jsonOut) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(jsonOut, JSON.stringify(out, null, 2));
}
console.log(JSON.stringify(out));
