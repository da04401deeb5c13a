#!/usr/bin/env node
// Stand-in for a native `solc` binary, backed by solc-js (WebAssembly) from npm.
//
// Why: forge downloads native solc builds from a host this project cannot
// reach. foundry.toml points `solc` at this file; forge only ever asks it for
// `--version` and runs `--standard-json` with the input on stdin, so that is
// all this speaks. Other flags forge adds (--base-path, --include-path,
// --allow-paths) only steer how imports missing from the input are read.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const solc = require("solc");

const args = process.argv.slice(2);

if (args.includes("--version") || args.includes("-v")) {
  // Native solc prints this exact shape; forge parses the semver out of line 2.
  const version = solc.version().replace(/\.Emscripten\.clang$/, ".Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write(`solc-js wrapper: only --version and --standard-json are supported (got: ${args.join(" ")})\n`);
  process.exit(1);
}

const searchRoots = collectSearchRoots(args);
const input = readFileSync(0, "utf8");
const output = solc.compile(input, { import: readImport });
process.stdout.write(output);

/** Directories an import path may be relative to, in the order native solc tries them. */
function collectSearchRoots(argv) {
  const roots = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--base-path" || flag === "--include-path") {
      const value = argv[++i];
      if (value) roots.push(path.resolve(value));
    } else if (flag.startsWith("--base-path=") || flag.startsWith("--include-path=")) {
      roots.push(path.resolve(flag.slice(flag.indexOf("=") + 1)));
    }
  }
  roots.push(process.cwd());
  return roots;
}

/** Only reached for sources forge left out of the input; forge normally inlines all of them. */
function readImport(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : searchRoots.map((root) => path.join(root, importPath));
  for (const candidate of candidates) {
    try {
      return { contents: readFileSync(candidate, "utf8") };
    } catch {
      // try the next root
    }
  }
  return { error: `File not found: ${importPath}` };
}
