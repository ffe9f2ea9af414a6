#!/usr/bin/env node
// Run the calculators pytest suite inside Pyodide (the pinned npm package), under Node, offline.
//
//   node tests/pyodide/run_tests.mjs --wheels DIR [--wheels DIR2] [--wheel FILE]
//        [--root .] [--tests tests] [--copy pricing.json ...] [-- extra pytest args]
//
// DIR holds pure-Python wheels for Python 3.14 (the version Pyodide 314 embeds): the test
// tools (see tests/pyodide/requirements.txt and the pip download command in it) and the
// calculators wheel (tools/build_runtime.py --wheel-dir DIR). They are unzipped into
// Pyodide's site-packages. ROOT/TESTS and a few ROOT files (pricing.json, pytest config)
// are copied into Pyodide's in-memory FS at /repo, which is the working directory; the
// calculators source tree is NOT copied, so the tests import the installed wheel.
// Exit status is pytest's.

import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { basename, join, resolve, relative, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
const FS_ROOT = "/repo";
const DEFAULT_COPY = ["pricing.json", "pricing.schema.json", "pyproject.toml", "pytest.ini", "conftest.py"];
const SKIP_DIRS = new Set(["__pycache__", ".pytest_cache", ".hypothesis", "node_modules"]);

function usage(message) {
  if (message) console.error(`run_tests.mjs: ${message}`);
  console.error(
    "usage: node tests/pyodide/run_tests.mjs --wheels DIR [--wheel FILE] [--root DIR] " +
      "[--tests DIR] [--copy FILE ...] [-- pytest args]",
  );
  process.exit(2);
}

/** Parse the command line; everything after `--` goes to pytest. */
function parseCommandLine(argv) {
  const split = argv.indexOf("--");
  const own = split === -1 ? argv : argv.slice(0, split);
  const pytestExtra = split === -1 ? [] : argv.slice(split + 1);
  let values;
  try {
    ({ values } = parseArgs({
      args: own,
      options: {
        wheels: { type: "string", multiple: true, default: [] },
        wheel: { type: "string", multiple: true, default: [] },
        root: { type: "string", default: "." },
        tests: { type: "string", default: "tests" },
        copy: { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    usage(err.message);
  }
  if (values.help) usage();
  return { ...values, pytestExtra };
}

/** Absolute paths of every wheel named by --wheels DIR and --wheel FILE. */
function collectWheels(dirs, files) {
  const wheels = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) usage(`--wheels ${dir} is not a directory`);
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".whl")) wheels.push(resolve(dir, name));
    }
  }
  for (const file of files) {
    if (!existsSync(file)) usage(`--wheel ${file} does not exist`);
    wheels.push(resolve(file));
  }
  const names = wheels.map((w) => basename(w).toLowerCase());
  for (const needed of ["pytest-", "pluggy-", "iniconfig-", "packaging-", "calculators-"]) {
    if (!names.some((n) => n.startsWith(needed))) {
      usage(`no ${needed}*.whl given. Download the test wheels as tests/pyodide/requirements.txt says, ` +
        "and build the calculators wheel with tools/build_runtime.py --wheel-dir DIR.");
    }
  }
  const dists = names.map((n) => n.split("-")[0].replace(/[-_.]+/g, "_"));
  const twice = [...new Set(dists.filter((d, i) => dists.indexOf(d) !== i))];
  if (twice.length) usage(`more than one wheel of: ${twice.join(", ")} (remove the stale ones)`);
  const impure = names.filter((n) => !/-none-any\.whl$/.test(n));
  if (impure.length) usage(`not pure-Python wheels (Pyodide cannot use them): ${impure.join(", ")}`);
  return wheels;
}

/** Refuse any network fetch: the run must be offline. */
function forbidNetwork() {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/^(https?|wss?):/i.test(url)) {
      return Promise.reject(new Error(`run_tests.mjs: network access refused: ${url}`));
    }
    return realFetch(input, init);
  };
}

/** Copy a host file or directory tree into the Pyodide FS (skipping caches). */
function copyIntoFS(FS, hostPath, fsPath) {
  if (statSync(hostPath).isDirectory()) {
    FS.mkdirTree(fsPath);
    for (const name of readdirSync(hostPath)) {
      if (!SKIP_DIRS.has(name)) copyIntoFS(FS, join(hostPath, name), `${fsPath}/${name}`);
    }
  } else {
    FS.writeFile(fsPath, readFileSync(hostPath));
  }
}

// Unzip wheels into site-packages; paths come in as data, not pasted into code.
const INSTALL_WHEELS = `
import importlib, sysconfig, zipfile
def _install_wheels(paths):
    target = sysconfig.get_paths()["purelib"]
    for path in paths:
        with zipfile.ZipFile(path) as wheel:
            wheel.extractall(target)
    importlib.invalidate_caches()
    return target
_install_wheels
`;

/** Write the wheels into the FS and unpack them into site-packages. */
function installWheels(pyodide, wheels) {
  pyodide.FS.mkdirTree("/tmp/wheels");
  const fsPaths = wheels.map((w) => {
    const fsPath = `/tmp/wheels/${basename(w)}`;
    pyodide.FS.writeFile(fsPath, readFileSync(w));
    return fsPath;
  });
  const install = pyodide.runPython(INSTALL_WHEELS);
  const target = install(pyodide.toPy(fsPaths));
  install.destroy();
  console.log(`installed ${wheels.length} wheels into ${target}: ${wheels.map((w) => basename(w)).join(" ")}`);
}

/** Copy the tests directory and the chosen root files to /repo and chdir there. */
function stageProject(pyodide, root, testsDir, copyList) {
  const FS = pyodide.FS;
  FS.mkdirTree(FS_ROOT);
  const testsRel = relative(root, testsDir);
  if (testsRel.startsWith("..") || !existsSync(testsDir)) usage(`--tests ${testsDir} must exist inside --root ${root}`);
  copyIntoFS(FS, testsDir, `${FS_ROOT}/${testsRel}`);
  for (const name of copyList) {
    const hostPath = join(root, name);
    if (existsSync(hostPath)) copyIntoFS(FS, hostPath, `${FS_ROOT}/${name}`);
  }
  FS.chdir(FS_ROOT);
  return testsRel;
}

async function main() {
  const opts = parseCommandLine(process.argv.slice(2));
  const root = resolve(opts.root);
  const testsDir = resolve(root, opts.tests);
  const wheels = collectWheels(opts.wheels, opts.wheel);
  forbidNetwork();
  const { loadPyodide } = await import(pathToFileURL(join(REPO_ROOT, "node_modules", "pyodide", "pyodide.mjs")).href).catch((err) => {
    console.error(`run_tests.mjs: cannot load node_modules/pyodide (run \`npm ci\` in ${REPO_ROOT}): ${err.message}`);
    process.exit(2);
  });
  const started = performance.now();
  const pyodide = await loadPyodide({ env: { PYTHONDONTWRITEBYTECODE: "1" } });
  console.log(`Pyodide ${pyodide.version}, Python ${pyodide.runPython("import sys; sys.version.split()[0]")}, ` +
    `started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  installWheels(pyodide, wheels);
  const testsRel = stageProject(pyodide, root, testsDir, opts.copy ?? DEFAULT_COPY);
  const args = [
    testsRel,
    `--ignore=${testsRel}/browser`,
    `--ignore=${testsRel}/pyodide`,
    "-p", "no:cacheprovider",
    ...opts.pytestExtra,
  ];
  console.log(`pytest ${args.join(" ")}  (cwd ${FS_ROOT} in Pyodide)`);
  const runPytest = pyodide.runPython("lambda args: int(__import__('pytest').main(list(args)))");
  const pyArgs = pyodide.toPy(args);
  const code = runPytest(pyArgs);
  pyArgs.destroy();
  runPytest.destroy();
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(3);
});
