// Browser smoke test: the package as `npm pack` ships it, installed into a
// tiny Vite app whose page runs the README's browser example plus the
// governance conformance file and a non-ASCII check, built with Vite, served
// from 127.0.0.1 and opened in headless Debian chromium (playwright-core, no
// browser download). Leaves a screenshot in test-output/browser/smoke.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { governanceFile, npmDir, outputDir, readmeExamples } from "./helpers.mjs";

const CHROMIUM = "/usr/bin/chromium";
const work = join(outputDir, "browser");
const app = join(work, "app");

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>portcullis smoke</title>
  <style>body { font: 15px/1.5 system-ui, sans-serif; margin: 2em; } pre { background: #f4f4f4; padding: .6em; white-space: pre-wrap; }</style></head>
  <body>
    <h1>portcullis in the browser</h1>
    <h2>README example</h2>
    <pre id="out">loading…</pre>
    <h2>governance.json through runTests</h2>
    <pre id="tests">loading…</pre>
    <h2>check() after non-ASCII text</h2>
    <pre id="check">loading…</pre>
    <script type="module" src="./main.js"></script>
    <script type="module" src="./extra.js"></script>
  </body>
</html>
`;

const EXTRA = `import { runTests, check, Store } from "portcullis";
const tests = document.querySelector("#tests");
const checked = document.querySelector("#check");
try {
  const text = await (await fetch("./governance.json")).text();
  const r = runTests(text);
  const failures = r.results.filter((x) => !x.passed).map((x) => x.case);
  tests.textContent = r.passed + " passed, " + r.failed + " failed" + (failures.length ? ": " + failures.join("; ") : "");
  const store = Store.load(JSON.parse(text).store);
  const d = store.evaluate({ principal: "user/nobody", action: "ecs:DescribeInstances", resource: "*" });
  store.free();
  let freed = "no error";
  try { store.evaluate({ principal: "user/alice", action: "ecs:X", resource: "*" }); } catch (e) { freed = e.name + ": " + e.message; }
  tests.textContent += "\\nunknown principal: " + d.decision + " (" + d.notes[0] + ")\\nfreed store: " + freed;
  const policy = '{"Version": "1", "Statement": [{"Sid": "Café 😀", "Effect": "Alow", "Action": "*", "Resource": "*"}]}';
  const diag = check(policy).diagnostics.find((x) => x.code === "invalid-effect");
  checked.textContent = diag.line + ":" + diag.column + " " + diag.code + " " + policy.slice(diag.utf16.start, diag.utf16.end);
} catch (e) {
  tests.textContent = "ERROR " + e;
}
`;

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };

function serve(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("the packed package works in a Vite bundle in headless chromium", { timeout: 180_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/setup.sh`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(app, "node_modules", "portcullis"), { recursive: true });
  mkdirSync(join(app, "public"), { recursive: true });

  // Install the package exactly as it would ship.
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: npmDir, encoding: "utf8" }));
  execFileSync("tar", ["-xzf", join(work, packed.filename), "-C", join(app, "node_modules", "portcullis"), "--strip-components=1"]);

  const browserExample = readmeExamples().find((e) => e.kind === "browser");
  writeFileSync(join(app, "index.html"), PAGE);
  writeFileSync(join(app, "main.js"), browserExample.code);
  writeFileSync(join(app, "extra.js"), EXTRA);
  copyFileSync(governanceFile, join(app, "public", "governance.json"));

  const { build } = await import("vite");
  await build({ root: app, logLevel: "warn", build: { outDir: join(app, "dist"), emptyOutDir: true } });
  const emitted = readFileSync(join(app, "dist", "index.html"), "utf8");
  assert.match(emitted, /<script type="module"/);

  const server = await serve(join(app, "dist"));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "portcullis-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    await page.goto(url);
    const ready = page.waitForFunction(
      () => !["loading…", ""].includes(document.querySelector("#out").textContent) && !["loading…", ""].includes(document.querySelector("#check").textContent),
      null,
      { timeout: 30_000 },
    );
    try {
      await ready;
    } finally {
      await page.screenshot({ path: join(work, "smoke.png"), fullPage: true });
      assert.deepEqual(problems, [], "the page reported problems");
    }
    const out = await page.textContent("#out");
    const tests = await page.textContent("#tests");
    const checked = await page.textContent("#check");
    const version = JSON.parse(readFileSync(join(npmDir, "package.json"), "utf8")).version;
    assert.equal(out, `Allow: allowed by identity ReadOnly (statement 0) (engine ${version})`);
    assert.match(tests, /^24 passed, 0 failed\n/);
    assert.match(tests, /unknown principal: Deny \(principal user\/nobody is not in the store/);
    assert.match(tests, /freed store: PortcullisError: this store has been freed/);
    assert.equal(checked, '1:60 invalid-effect "Alow"'); // column in characters: 😀 counts once
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
