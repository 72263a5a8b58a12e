// README examples are run (STYLE 19): the Node example must print exactly the
// output block that follows it. The browser example runs in chromium in
// browser.test.mjs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { npmDir, outputDir, readmeExamples } from "./helpers.mjs";

test("README has a Node and a browser example", () => {
  const kinds = readmeExamples().map((e) => e.kind);
  assert.ok(kinds.includes("node"), kinds.join());
  assert.ok(kinds.includes("browser"), kinds.join());
});

test("README Node example prints what the README says", () => {
  const example = readmeExamples().find((e) => e.kind === "node");
  assert.ok(example.output, "the Node example needs a ```text block with its output");
  // Inside npm/, so `import "portcullis"` resolves to this package (self-reference).
  const dir = join(outputDir, "readme");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "example-node.mjs");
  writeFileSync(file, example.code);
  const r = spawnSync(process.execPath, [file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, example.output);
});
