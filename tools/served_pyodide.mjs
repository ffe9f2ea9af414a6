// What the tools/*.mjs scripts share: their arguments, and the Pyodide a built site serves, under Node.

import fs from "node:fs";
import path from "node:path";

/** The script's arguments, `names` of them; a missing one prints the usage and exits with status 2. */
export function scriptArguments(script, ...names) {
  const values = process.argv.slice(2, 2 + names.length);
  if (values.length < names.length || values.some((value) => !value)) {
    console.error(`usage: node tools/${script} ${names.join(" ")}`);
    process.exit(2);
  }
  return values;
}

/** The Pyodide served from DIR: its loadPyodide, and the options the site's worker passes it. */
export async function servedPyodide(dir) {
  const indexURL = path.resolve(dir) + "/";
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const lockFileContents = fs.readFileSync(indexURL + "pyodide-lock.json", "utf8");
  return { loadPyodide, indexURL, lockFileContents, options: { indexURL, lockFileContents, packageBaseUrl: indexURL } };
}
