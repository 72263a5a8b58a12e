// Browser tests of the built playground (playground/dist) in headless
// Debian chromium, driven by playwright-core (no browser download). Each
// test opens a fresh browser profile, acts like a user (select, type, click,
// hover) and leaves a screenshot in test-output/screens/. Run by
// scripts/test-playground.sh after the build.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../scripts/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const playgroundDir = join(here, "..");
const repo = join(playgroundDir, "..");
const dist = join(playgroundDir, "dist");
const out = join(playgroundDir, "test-output");
const screens = join(out, "screens");
const CHROMIUM = process.env.PORTCULLIS_CHROMIUM ?? "/usr/bin/chromium";
const governance = JSON.parse(readFileSync(join(repo, "testdata/vectors/governance.json"), "utf8"));
const cli = join(repo, "npm/dist/cli.js");

let server;
let base;
const profiles = [];

before(async () => {
  rmSync(screens, { recursive: true, force: true });
  mkdirSync(screens, { recursive: true });
  server = await serve(dist, 0);
  base = `http://127.0.0.1:${server.address().port}/`;
});

after(() => {
  server?.close();
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
});

/** A fresh browser profile (empty localStorage), one page, problems collected. */
async function open(url = base, { viewport = { width: 1440, height: 1000 } } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "portcullis-playground-"));
  profiles.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(url);
  await ready(page);
  return { context, page, problems, close: () => context.close() };
}

async function ready(page) {
  await page.waitForFunction(() => window.playground?.idle() && window.playground.lastAnswer() !== null, null, { timeout: 60_000 });
}

/** Runs `action`, then waits until the engine has answered for the result and nothing is pending. */
async function settled(page, action, timeout = 60_000) {
  const before = await page.evaluate(() => window.playground.stats.length);
  await action();
  await page.waitForFunction((n) => window.playground.stats.length > n && window.playground.idle(), before, { timeout });
}

const shot = (page, name) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });
const docText = (page) => page.evaluate(() => window.playground.view.state.doc.toString());

async function pickExample(page, id) {
  await settled(page, () => page.selectOption("#example", id));
}

/** Puts the cursor at `offset` in the editor (as a click would) and focuses it. */
async function cursorAt(page, offset) {
  await page.evaluate((at) => {
    const v = window.playground.view;
    v.dispatch({ selection: { anchor: at }, effects: v.constructor.scrollIntoView(at, { y: "center" }) });
    v.focus();
  }, offset);
}

async function setRequest(page, { principal, action, resource, context }) {
  if (principal) await page.selectOption("#principal", principal);
  if (action !== undefined) await page.fill("#action", action);
  if (resource !== undefined) await page.fill("#resource", resource);
  if (context) {
    while ((await page.locator("#context-rows .ctx-row").count()) > 0) await page.locator("#context-rows .ctx-row button").first().click();
    for (const [key, value] of Object.entries(context)) {
      await page.click("#add-context");
      await page.locator("#context-rows .ctx-key").last().fill(key);
      await page.locator("#context-rows .ctx-value").last().fill(String(value));
    }
  }
  await page.waitForFunction(() => window.playground.idle());
}

/** Waits until the completion list's selected option starts with `label` (not a stale list). */
async function selectedCompletion(page, label) {
  await page.waitForFunction((l) => document.querySelector(".cm-tooltip-autocomplete li[aria-selected]")?.textContent?.startsWith(l), label, { timeout: 10_000 });
  await page.waitForTimeout(150); // CodeMirror ignores Enter for 75 ms after the list opens (interactionDelay)
}

const summary = (page) => page.textContent("#test-summary");

function assertClean(problems) {
  assert.deepEqual(problems, [], "the page reported problems");
}

// ---------------------------------------------------------------------------

test("the page loads with the engine version and the governance example, every case passing", async () => {
  const { page, problems, close } = await open();
  try {
    const version = JSON.parse(readFileSync(join(repo, "npm/package.json"), "utf8")).version;
    assert.match(await page.textContent("#engine-version"), new RegExp(`engine ${version.replace(/\./g, "\\.")} · ABI \\d+\\.\\d+`));
    assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);
    assert.equal(await docText(page), JSON.stringify(governance.store, null, 2) + "\n");
    assert.equal(await page.locator("#test-table tbody tr.test-row").count(), governance.cases.length);
    assert.match(await page.textContent("#decision .verdict"), /Allow/);
    // The principal list comes from the store: every user and role.
    const options = await page.$$eval("#principal option", (os) => os.map((o) => o.value));
    for (const u of Object.keys(governance.store.users)) assert.ok(options.includes(`user/${u}`), `user/${u} offered`);
    for (const r of Object.keys(governance.store.roles)) assert.ok(options.includes(`role/${r}`), `role/${r} offered`);
    await shot(page, "01-loaded");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("picking the governance example and evaluating a request explains the decision in words and in the editor", async () => {
  const { page, problems, close } = await open();
  try {
    await pickExample(page, "aws-minimal");
    assert.match(await docText(page), /"partition": "aws"/);
    await pickExample(page, "governance");
    await setRequest(page, {
      principal: "user/bob",
      action: "ecs:DeleteInstance",
      resource: "acs:ecs:cn-hangzhou:1234567890123456:instance/prod-web-1",
      context: { "acs:CurrentTime": "2026-11-23T10:00:00Z", "acs:SourceIp": "198.51.100.9", "acs:MFAPresent": "true" },
    });
    const decision = await page.textContent("#decision");
    assert.match(decision, /Deny/);
    assert.match(decision, /explicit deny/);
    assert.match(decision, /denied by guardrail Baseline, statement ProdDeletesOnlyFromOffice/);
    assert.match(decision, /via guardrails/);
    // The deciding statement's link selects it in the editor, where it is highlighted.
    await page.getByRole("button", { name: /denied by guardrail Baseline/ }).click();
    await page.locator(".cm-matched-deny").first().waitFor({ timeout: 10_000 });
    const selected = await page.evaluate(() => {
      const v = window.playground.view;
      const r = v.state.selection.main;
      return v.state.sliceDoc(r.from, r.to);
    });
    assert.match(selected, /^\{[\s\S]*"Sid": "ProdDeletesOnlyFromOffice"[\s\S]*\}$/);
    assert.match(selected, /"Effect": "Deny"/);
    // The effective-access view shows bob's time-bound elevation, active at 10:00.
    const access = await page.textContent("#access-tree");
    assert.match(access, /Prod_Admin/);
    assert.match(access, /2026-11-23T09:00:00Z → 2026-11-23T13:00:00Z \(INC-4821\): active at the request's time/);
    await shot(page, "02-decision-explicit-deny");
    // Names in the access view jump to their definitions.
    await page.locator("#access-tree").getByRole("button", { name: "AdminWithMfa" }).click();
    const at = await page.evaluate(() => {
      const v = window.playground.view;
      const line = v.state.doc.lineAt(v.state.selection.main.head);
      return line.text.trim();
    });
    assert.equal(at, '"AdminWithMfa": {');

    // From the office the delete is allowed, through the elevation.
    await page.locator("#context-rows .ctx-value").nth(1).fill("203.0.113.7");
    await page.waitForFunction(() => window.playground.idle() && /Allow/.test(document.querySelector("#decision .verdict")?.textContent ?? ""));
    assert.match(await page.textContent("#decision"), /allowed by identity policy AdminWithMfa, statement AdminOnlyWithMfa/);
    // After the window, the elevation is shown as inactive and the request is denied.
    await page.locator("#context-rows .ctx-value").nth(0).fill("2026-11-23T14:00:00Z");
    await page.waitForFunction(() => window.playground.idle() && /implicit deny/.test(document.querySelector("#decision .verdict")?.textContent ?? ""));
    assert.match(await page.textContent("#access-tree"), /not active at the request's time/);
    await shot(page, "03-decision-elevation-expired");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("a typo in a condition operator is flagged at the exact characters, and the quick fix repairs it", async () => {
  const { page, problems, close } = await open();
  try {
    const text = await docText(page);
    const at = text.indexOf('"NotIpAddress"');
    assert.ok(at > 0);
    // Type the typo: put the cursor after `NotIpAdd` and delete one `d`.
    await cursorAt(page, at + '"NotIpAdd'.length);
    await settled(page, () => page.keyboard.press("Backspace"));
    const typo = await docText(page);
    assert.equal(typo.slice(at, at + 13), '"NotIpAdress"');

    const squiggles = await page.evaluate(() => window.playground.squiggles());
    const error = squiggles.find((s) => s.code === "unknown-operator");
    assert.ok(error, `unknown-operator squiggle in ${JSON.stringify(squiggles)}`);
    assert.equal(error.severity, "error");
    assert.equal(error.from, at);
    assert.equal(error.to, at + 13);
    assert.equal(error.text, '"NotIpAdress"');
    // What is drawn: the error mark covers exactly those characters.
    const marked = await page.$$eval(".cm-lintRange-error", (els) => els.map((e) => e.textContent).join(""));
    assert.equal(marked, '"NotIpAdress"');
    // The problems list names it with its place (line:column of the quote).
    const line = typo.slice(0, at).split("\n").length;
    const column = at - typo.lastIndexOf("\n", at - 1);
    const row = page.locator('#problem-list li[data-code="unknown-operator"]');
    assert.match(await row.textContent(), /unknown condition operator NotIpAdress/);
    assert.match(await row.textContent(), new RegExp(`${line}:${column}`));
    assert.equal(await row.locator(".sev-icon.sev-error").count(), 1);
    // Nothing can be decided or tested while the store does not load.
    assert.match(await page.textContent("#decision"), /error and cannot be loaded/);
    assert.match(await summary(page), /^not run/);
    // Hovering the squiggle shows the message and the help.
    await page.locator(".cm-lintRange-error").first().hover();
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.waitFor({ timeout: 10_000 });
    assert.match(await tooltip.textContent(), /unknown condition operator NotIpAdress/);
    assert.match(await tooltip.textContent(), /did you mean NotIpAddress/);
    await shot(page, "04-typo-flagged");

    // Clicking the problem selects the flagged text.
    await row.click();
    assert.equal(await page.evaluate(() => { const v = window.playground.view; const r = v.state.selection.main; return v.state.sliceDoc(r.from, r.to); }), '"NotIpAdress"');
    // The quick fix from the problems list restores the operator, and every case passes again.
    await settled(page, () => row.getByRole("button", { name: /Fix: use NotIpAddress/ }).click());
    assert.equal(await docText(page), text);
    assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);
    assert.equal(await page.locator('#problem-list li[data-code="unknown-operator"]').count(), 0);
    await shot(page, "05-typo-fixed");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("the common-mistake example: quick fixes from the hover and from the engine's own fix", async () => {
  const { page, problems, close } = await open();
  try {
    await pickExample(page, "mistake");
    assert.equal(await summary(page), "not run: the store does not load");
    const squiggle = page.locator(".cm-lintRange-error").first();
    assert.equal(await page.$$eval(".cm-lintRange-error", (els) => els.map((e) => e.textContent).join("")), '"NotIpAdress"');
    await shot(page, "06-mistake-example");
    await squiggle.hover();
    const action = page.locator(".cm-tooltip-lint .cm-diagnosticAction");
    await action.waitFor({ timeout: 10_000 });
    assert.match(await action.textContent(), /use NotIpAddress/);
    await settled(page, () => action.click());
    assert.match(await docText(page), /"NotIpAddress": \{ "aws:SourceIp"/);

    // The next problem: a wildcard under StringEquals, which is literal there. The engine offers the fix.
    const row = page.locator('#problem-list li[data-code="wildcard-without-like"]');
    await row.waitFor();
    assert.equal(await row.locator(".sev-icon.sev-warning").count(), 1);
    assert.match(await summary(page), /1 passed, 1 failed/);
    const marked = await page.evaluate(() => window.playground.squiggles().find((s) => s.code === "wildcard-without-like"));
    assert.equal(marked.text, '"prod*"');
    await shot(page, "07-mistake-wildcard");
    await settled(page, () => row.getByRole("button", { name: /Fix: use StringLike/ }).click());
    assert.match(await docText(page), /"StringLike": \{ "aws:ResourceTag\/env": "prod\*" \}/);
    assert.equal(await summary(page), "2 passed, 0 failed");
    await shot(page, "08-mistake-fixed");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("a test row is added from the request and passes, then fails when the policy breaks; export runs in the CLI", async () => {
  const { page, problems, close } = await open();
  try {
    await pickExample(page, "aws-minimal");
    assert.equal(await summary(page), "3 passed, 0 failed");
    await setRequest(page, { principal: "user/alice", action: "s3:ListBucket", resource: "arn:aws:s3:::reports", context: { "aws:SourceIp": "192.0.2.10" } });
    assert.match(await page.textContent("#decision .verdict"), /Allow/);
    await settled(page, () => page.click("#add-test"));
    assert.equal(await page.locator("#test-table tbody tr.test-row").count(), 4);
    assert.equal(await summary(page), "4 passed, 0 failed");
    const added = await page.evaluate(() => window.playground.state().tests[3]);
    assert.deepEqual(added.expect, { decision: "Allow", reason: "Allowed" });
    assert.ok(added.request.context["aws:CurrentTime"], "the added case pins the time");
    assert.equal(added.request.context["aws:SourceIp"], "192.0.2.10");

    // Break the policy: ListBucket becomes a typo'd action. The new row fails.
    const text = await docText(page);
    const at = text.indexOf('"s3:ListBucket"') + '"s3:List'.length;
    await cursorAt(page, at);
    await settled(page, () => page.keyboard.type("x"));
    assert.equal(await summary(page), "3 passed, 1 failed");
    const last = page.locator("#test-table tbody tr.test-row").nth(3);
    assert.equal(await last.locator(".status").textContent(), "✘");
    assert.match(await last.locator(".got").textContent(), /Deny \(ImplicitDeny\)/);
    await shot(page, "09-test-fails");

    // Export: the file is the test-file format; `portcullis test` runs it and reports the failure.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-tests")]);
    const exported = join(out, "exported.test.json");
    await download.saveAs(exported);
    const file = JSON.parse(readFileSync(exported, "utf8"));
    assert.equal(file.cases.length, 4);
    assert.equal(file.store.partition, "aws");
    const failing = spawnSync(process.execPath, [cli, "test", exported], { encoding: "utf8" });
    assert.equal(failing.status, 1, failing.stdout + failing.stderr);
    assert.match(failing.stdout + failing.stderr, /3 passed, 1 failed/);

    // Repair it, export again: the CLI agrees with the table.
    await cursorAt(page, at + 1);
    await settled(page, () => page.keyboard.press("Backspace"));
    assert.equal(await summary(page), "4 passed, 0 failed");
    const [again] = await Promise.all([page.waitForEvent("download"), page.click("#export-tests")]);
    await again.saveAs(exported);
    assert.match(execFileSync(process.execPath, [cli, "test", exported], { encoding: "utf8" }), /4 passed, 0 failed/);

    // Import: the governance conformance file brings its store and all its cases.
    await settled(page, () => page.setInputFiles("#import-tests", join(repo, "testdata/vectors/governance.json")));
    assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);
    assert.match(await page.textContent("#banner"), /imported 24 tests from governance\.json/i);
    await shot(page, "10-imported");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("a share link carries the whole state into a fresh browser; localStorage keeps it across reloads", async () => {
  const first = await open();
  let link;
  let expected;
  try {
    const { page } = first;
    await pickExample(page, "governance");
    await setRequest(page, { principal: "user/erin", action: "rds:DeleteDBInstance", resource: "acs:rds:cn-hangzhou:1234567890123456:dbinstance/prod-db-1", context: { "acs:MFAPresent": "true", "acs:SourceIp": "203.0.113.7", "acs:CurrentTime": "2026-11-23T10:00:00Z" } });
    assert.match(await page.textContent("#decision"), /break-glass/);
    // An edit with non-ASCII text, and one test fewer.
    const at = (await docText(page)).indexOf('"EditNonProd"') + 1;
    await cursorAt(page, at);
    await settled(page, () => page.keyboard.type("Café☕"));
    await settled(page, () => page.locator("#test-table tbody tr.test-row").first().getByTitle("delete this test").click());
    expected = await page.evaluate(() => window.playground.state());
    await page.click("#share");
    // The link is compressed asynchronously; the dialog opens once it is in the box.
    await page.locator("#share-dialog[open]").waitFor({ timeout: 10_000 });
    link = await page.inputValue("#share-link");
    assert.match(link, /#v1\.[A-Za-z0-9_-]+$/);
    await shot(page, "11-share-dialog");
    await page.click("#share-dialog button[value=close]");

    // Reload: localStorage brings the same state back.
    await page.reload();
    await ready(page);
    assert.deepEqual(await page.evaluate(() => window.playground.state()), expected);
    assertClean(first.problems);
  } finally {
    await first.close();
  }

  const second = await open(link);
  try {
    const { page } = second;
    assert.deepEqual(await page.evaluate(() => window.playground.state()), expected);
    assert.equal(await page.inputValue("#action"), "rds:DeleteDBInstance");
    assert.match(await docText(page), /"Sid": "Café☕EditNonProd"/);
    assert.equal(await summary(page), `${governance.cases.length - 1} passed, 0 failed`);
    assert.match(await page.textContent("#decision"), /break-glass/);
    assert.match(await page.textContent("#banner"), /Opened a shared playground/);
    // Places after non-ASCII text (é is 2 bytes in UTF-8, ☕ 3, each one UTF-16 unit) are still exact:
    // the engine's byte spans are converted for the editor.
    await page.getByRole("button", { name: /allowed by identity policy AdminWithMfa, statement AdminOnlyWithMfa/ }).click();
    const selected = await page.evaluate(() => { const v = window.playground.view; const r = v.state.selection.main; return v.state.sliceDoc(r.from, r.to); });
    assert.match(selected, /^\{[\s\S]*"Sid": "AdminOnlyWithMfa"\s*\}$/);
    const allowAll = (await page.evaluate(() => window.playground.squiggles())).find((x) => x.code === "allow-all");
    assert.equal(allowAll?.severity, "security");
    assert.equal(allowAll.text, '"*"');
    assert.equal(new URL(page.url()).hash, "", "the fragment is cleared once read");
    await shot(page, "12-share-opened");
    assertClean(second.problems);
  } finally {
    await second.close();
  }
});

test("bad states: invalid JSON while typing, an empty store, damaged and newer share links", async () => {
  const { page, problems, close } = await open();
  try {
    // Mid-typing: a half-typed key (no quotes yet) leaves the JSON invalid.
    const text = await docText(page);
    const at = text.indexOf('"partition"');
    await cursorAt(page, at);
    await settled(page, () => page.keyboard.type("tags"));
    const typed = await docText(page);
    assert.equal(typed, text.slice(0, at) + "tags" + text.slice(at));
    assert.ok((await page.evaluate(() => window.playground.squiggles())).some((s) => s.code === "json-syntax" && s.severity === "error"));
    assert.match(await page.textContent("#decision"), /cannot be loaded/);
    assert.match(await page.textContent("#decision .verdict"), /the last result while the store still loaded/);
    assert.match(await page.textContent("#access-tree"), /alice/, "the access view keeps the last valid store");
    await shot(page, "13-invalid-json");
    // Taking the half-typed key back makes it valid again.
    for (let i = 0; i < 3; i++) await page.keyboard.press("Backspace");
    await settled(page, () => page.keyboard.press("Backspace"));
    assert.equal(await docText(page), text);
    assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);

    // An empty editor.
    await page.evaluate(() => window.playground.view.focus());
    await page.keyboard.press("Control+a");
    await settled(page, () => page.keyboard.press("Delete"));
    assert.equal(await docText(page), "");
    assert.match(await page.textContent("#decision"), /The editor is empty/);
    assert.match(await summary(page), /^not run/);
    await shot(page, "14-empty");
  } finally {
    await close();
  }
  assertClean(problems);

  // A damaged link and a link from a newer version: a clear message, the saved work stays.
  const saved = await open();
  try {
    const { page } = saved;
    await pickExample(page, "aws-minimal");
    await page.waitForFunction(() => localStorage.getItem("portcullis-playground/state")?.includes("111122223333"));
    const before = await page.evaluate(() => window.playground.state());
    for (const [hash, message, name] of [
      ["#v1.this-is-not-deflate", /This share link is damaged: it could not be decompressed \(part of it is missing or changed\)/, "15-damaged-link"],
      ["#v1.%%%", /This share link is damaged/, null],
      ["#v7.AAAA", /made by a newer version of the playground \(link format v7; this page reads v1\)/, "16-newer-link"],
    ]) {
      await page.goto("about:blank");
      await page.goto(base + hash);
      await ready(page);
      assert.match(await page.textContent("#banner"), message);
      assert.match(await page.textContent("#banner"), /your saved work is shown instead/);
      assert.deepEqual(await page.evaluate(() => window.playground.state()), before);
      if (name) await shot(page, name);
    }
    assertClean(saved.problems);
  } finally {
    await saved.close();
  }
});

test("a huge pasted store is checked in the background without blocking typing", async () => {
  const { page, problems, close } = await open();
  try {
    // About 2 MB: the governance store plus 600 generated policies and users.
    const store = structuredClone(governance.store);
    for (let p = 0; p < 600; p++) {
      store.policies[`Generated${p}`] = {
        Version: "1",
        Statement: Array.from({ length: 8 }, (_, s) => ({
          Sid: `G${p}S${s}`,
          Effect: s % 4 ? "Allow" : "Deny",
          Action: [`ecs:Describe${p}x${s}`, `oss:Get${s}*`],
          Resource: [`acs:ecs:*:*:instance/gen-${p}-${s}-*`],
          Condition: { IpAddress: { "acs:SourceIp": ["10.0.0.0/8"] } },
        })),
      };
      store.users[`generated-${p}`] = { groups: ["developers"], roles: [{ role: "Prod_Admin", notBefore: "2026-11-23T09:00:00Z", notAfter: "2026-11-23T13:00:00Z" }] };
    }
    const huge = JSON.stringify(store, null, 2);
    assert.ok(huge.length > 1_500_000, `${huge.length} characters`);
    await page.evaluate(() => window.playground.view.focus());
    await page.keyboard.press("Control+a");
    // Paste through the clipboard event, as a user's Ctrl+V would.
    const pasteMs = await page.evaluate((text) => {
      const view = window.playground.view;
      const started = performance.now();
      const data = new DataTransfer();
      data.setData("text/plain", text);
      view.contentDOM.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      return performance.now() - started;
    }, huge);
    assert.equal((await docText(page)).length, huge.length);
    // Typing right after the paste is not held up by the engine: the worker checks meanwhile.
    await cursorAt(page, huge.indexOf('"account"'));
    const typeStarted = Date.now();
    await page.keyboard.type('"x": 1, ');
    const typeMs = Date.now() - typeStarted;
    await page.waitForFunction(() => window.playground.idle(), null, { timeout: 120_000 });
    const last = await page.evaluate(() => window.playground.stats.at(-1));
    assert.match(await page.textContent("#doc-kind"), /large store \(\d+\.\d MB\)/);
    assert.match(await page.textContent("#problem-counts"), /errors?/);
    assert.ok((await page.evaluate(() => window.playground.squiggles())).some((s) => s.code === "unknown-element" || s.severity === "error"), "the stray key is flagged");
    console.log(`# huge store: ${(huge.length / 1e6).toFixed(2)} MB; paste handled in ${pasteMs.toFixed(0)} ms, 8 keystrokes typed in ${typeMs} ms, engine cycle ${last.worker.total.toFixed(0)} ms (check ${last.worker.check.toFixed(0)} ms)`);
    assert.ok(typeMs < 20_000, `typing took ${typeMs} ms`);
    await shot(page, "17-huge-store");
    assertClean(problems);
  } finally {
    await close();
  }
});

test("completion offers element names, condition operators and global keys", async () => {
  const { page, problems, close } = await open();
  try {
    const text = await docText(page);
    // A new element in the first statement: after `"Sid": "EditNonProd"`.
    const sidEnd = text.indexOf('"Sid": "EditNonProd"') + '"Sid": "EditNonProd"'.length;
    await cursorAt(page, sidEnd);
    await page.keyboard.type(',\n"Con');
    const options = page.locator(".cm-tooltip-autocomplete li");
    await selectedCompletion(page, "Condition");
    await page.keyboard.press("Enter");
    await page.keyboard.type("{\n\"ForAllV");
    await selectedCompletion(page, "ForAllValues:");
    const operators = await options.allTextContents();
    assert.ok(operators.some((t) => t.startsWith("ForAllValues:StringEquals")), operators.join(" | "));
    await shot(page, "18-complete-operator");
    await page.keyboard.press("Escape");
    // Pick one by name, then a key for it.
    for (let i = 0; i < 8; i++) await page.keyboard.press("Backspace"); // `ForAllV` and its quotes
    await page.keyboard.type("\"BoolIfEx");
    await selectedCompletion(page, "BoolIfExists");
    await page.keyboard.press("Enter");
    await page.keyboard.type("{\n\"acs:MF");
    await selectedCompletion(page, "acs:MFAPresent");
    await page.keyboard.press("Enter");
    const after = await docText(page);
    assert.match(after, /"Condition": \{\s*"BoolIfExists": \{\s*"acs:MFAPresent": /);
    await shot(page, "19-complete-key");
    // The engine knows RAM has no IfExists: the finding names it.
    await settled(page, () => page.keyboard.type('"true"'));
    const codes = (await page.evaluate(() => window.playground.squiggles())).map((s) => s.code);
    assert.ok(codes.includes("operator-not-in-dialect"), codes.join(", "));
    assertClean(problems);
  } finally {
    await close();
  }
});

test("each keystroke re-checks and re-evaluates the governance store quickly (measured)", async () => {
  const { page, problems, close } = await open();
  try {
    const text = await docText(page);
    await cursorAt(page, text.indexOf('"EditNonProd"') + "\"EditNonProd".length);
    const before = await page.evaluate(() => window.playground.stats.length);
    // Type slower than the debounce, so each keystroke gets its own cycle.
    for (const ch of "TypedInThePlayground") {
      await page.keyboard.type(ch);
      await page.waitForFunction((n) => window.playground.stats.length > n && window.playground.idle(), await page.evaluate(() => window.playground.stats.length));
    }
    // Then a burst, as fast as a person types.
    await page.keyboard.type("AndMoreTextQuickly", { delay: 40 });
    await page.waitForFunction(() => window.playground.idle());
    const stats = await page.evaluate((n) => window.playground.stats.slice(n), before);
    const cycles = stats.map((s) => s.worker.total).sort((a, b) => a - b);
    const trips = stats.map((s) => s.roundTrip).sort((a, b) => a - b);
    const median = (xs) => xs[Math.floor(xs.length / 2)];
    const med = (k) => median(stats.map((s) => s.worker[k]).sort((a, b) => a - b));
    console.log(
      `# governance store, ${stats.length} cycles: engine cycle median ${median(cycles).toFixed(1)} ms (check ${med("check").toFixed(1)}, load ${med("load").toFixed(1)}, evaluate ${med("evaluate").toFixed(2)}, tests ${med("tests").toFixed(1)}), max ${cycles.at(-1).toFixed(1)} ms; send-to-render median ${median(trips).toFixed(1)} ms`,
    );
    writeFileSync(join(out, "timings.json"), JSON.stringify({ cycles: stats }, null, 1));
    assert.ok(stats.length >= 20);
    assert.ok(median(cycles) < 500, `median cycle ${median(cycles)} ms`);
    assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);
    assertClean(problems);
  } finally {
    await close();
  }
});

test("the build works from any folder of a static host (relative paths)", async () => {
  const root = mkdtempSync(join(tmpdir(), "portcullis-static-"));
  profiles.push(root);
  mkdirSync(join(root, "some", "folder"), { recursive: true });
  symlinkSync(dist, join(root, "some", "folder", "playground"));
  const nested = await serve(root, 0);
  try {
    const { page, problems, close } = await open(`http://127.0.0.1:${nested.address().port}/some/folder/playground/`);
    try {
      assert.match(await page.textContent("#engine-version"), /engine \d/);
      assert.equal(await summary(page), `${governance.cases.length} passed, 0 failed`);
      assertClean(problems);
    } finally {
      await close();
    }
  } finally {
    nested.close();
  }
});
