// Shared paths and test-file discovery for the npm tests.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const npmDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoDir = resolve(npmDir, "..");
export const outputDir = join(npmDir, "test-output");
export const cli = join(npmDir, "dist", "cli.js");
export const governanceFile = join(repoDir, "testdata", "vectors", "governance.json");

/** Conformance roots: the repository's testdata/ plus each folder in PORTCULLIS_VECTORS (colon-separated). */
export function vectorRoots() {
  const roots = [join(repoDir, "testdata")];
  for (const extra of (process.env.PORTCULLIS_VECTORS ?? "").split(":")) {
    if (extra) roots.push(resolve(extra));
  }
  return roots;
}

/** Every *.json under the roots, sorted, like core/tests/conformance.rs. */
export function vectorFiles() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".json")) files.push(path);
    }
  };
  for (const root of vectorRoots()) {
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`test-data folder ${root} does not exist`);
    walk(root);
  }
  return files.sort();
}

/** The code blocks of README.md that start with `// example: <kind>`, with the text block after each. */
export function readmeExamples() {
  const readme = readFileSync(join(npmDir, "README.md"), "utf8");
  const examples = [];
  const re = /```js\n\/\/ example: (\w+)\n([\s\S]*?)```(?:\s*\n(?:[^`\n][^\n]*\n|\n)*?```text\n([\s\S]*?)```)?/g;
  for (const m of readme.matchAll(re)) examples.push({ kind: m[1], code: m[2], output: m[3] });
  return examples;
}


/** The generated `medium` workload (bench/workload): its store text and requests, made once into test-output/. */
export function mediumWorkload() {
  const dir = join(outputDir, "workload");
  const storeFile = join(dir, "medium-store.json");
  const requestsFile = join(dir, "medium-requests.json");
  if (!existsSync(storeFile) || !existsSync(requestsFile)) {
    mkdirSync(dir, { recursive: true });
    execFileSync("cargo", ["run", "--quiet", "--release", "-p", "portcullis-workload", "--bin", "gen-workload", "--", "medium", dir], {
      cwd: repoDir,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return { storeText: readFileSync(storeFile, "utf8"), requests: JSON.parse(readFileSync(requestsFile, "utf8")) };
}
