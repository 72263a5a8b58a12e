#!/usr/bin/env node
// A small static file server for the built playground (dist/): the same
// files any static host would serve. Binds 127.0.0.1 only.
//
//   node scripts/serve.mjs [--port N] [--root DIR]     (PORT also sets the port; 0 picks a free one)
//
// Also imported by the browser tests: `serve(root, port)` resolves to the server.
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export function serve(root, port = 0, host = "127.0.0.1") {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    let file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = option("--root") ?? fileURLToPath(new URL("../dist", import.meta.url));
  const port = Number(option("--port") ?? process.env.PORT ?? 5178);
  if (!existsSync(join(root, "index.html"))) {
    console.error(`serve: ${root}/index.html is missing; build the playground first (scripts/build-playground.sh)`);
    process.exit(1);
  }
  try {
    const server = await serve(root, port);
    const { port: actual } = server.address();
    console.log(`Portcullis playground: http://127.0.0.1:${actual}/`);
    console.log("(Ctrl+C stops the server)");
  } catch (e) {
    console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.message}${e.code === "EADDRINUSE" ? " (set PORT to another port)" : ""}`);
    process.exit(1);
  }
}
