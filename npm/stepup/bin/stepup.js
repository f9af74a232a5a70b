#!/usr/bin/env node
// Launcher of the `stepup` npm package: finds the native binary in the
// platform package npm installed (one of the optionalDependencies, chosen by
// their `os`/`cpu`/`libc` fields) and runs it with this process's arguments,
// stdio, exit code and signals. No dependencies; Node >= 14.
//
// STEPUP_BINARY=/path/to/stepup runs that binary instead (a local build, or a
// platform npm has no package for).
"use strict";

const childProcess = require("child_process");
const fs = require("fs");
const path = require("path");

const PACKAGE = require("../package.json");
const EXIT_LAUNCH_FAILED = 2; // stepup's own code for "could not run"

function fail(lines) {
  process.stderr.write(lines.map((l) => "stepup: " + l + "\n").join(""));
  process.exit(EXIT_LAUNCH_FAILED);
}

// glibc or musl, the way Biome, napi-rs and detect-libc tell them apart:
// the ldd script names its libc; failing that, Node's own report says which
// glibc it runs on (absent on musl); failing that, `ldd --version`.
function linuxLibc() {
  try {
    const ldd = fs.readFileSync("/usr/bin/ldd", "utf8");
    if (ldd.includes("musl")) return "musl";
    if (ldd.includes("GNU C Library") || ldd.includes("glibc")) return "gnu";
  } catch (_) {
    // no /usr/bin/ldd (Alpine without musl-utils, distroless): try the report
  }
  try {
    if (process.report && typeof process.report.getReport === "function") {
      process.report.excludeNetwork = true; // getReport() can hang on DNS otherwise
      const report = process.report.getReport();
      if (report.header && report.header.glibcVersionRuntime) return "gnu";
      const objects = Array.isArray(report.sharedObjects) ? report.sharedObjects : [];
      if (objects.some((f) => f.includes("libc.musl-") || f.includes("ld-musl-"))) return "musl";
    }
  } catch (_) {
    // fall through to ldd --version
  }
  const out = childProcess.spawnSync("ldd", ["--version"], { encoding: "utf8" });
  return `${out.stdout || ""}${out.stderr || ""}`.includes("musl") ? "musl" : "gnu";
}

// The platform packages to try, best first. On Linux the other libc comes
// second: the musl binaries are static and run on glibc too, and an old npm
// that ignores the `libc` field may have installed either.
function candidates() {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== "linux") return [base];
  const libc = linuxLibc();
  const other = libc === "musl" ? "gnu" : "musl";
  return [`${base}-${libc}`, `${base}-${other}`];
}

function findBinary() {
  const override = process.env.STEPUP_BINARY;
  if (override) {
    if (!fs.existsSync(override)) {
      fail([`STEPUP_BINARY is set to ${override}, which does not exist.`]);
    }
    return override;
  }
  const exe = process.platform === "win32" ? "stepup.exe" : "stepup";
  const wanted = candidates();
  for (const platform of wanted) {
    const name = `stepup-${platform}`;
    if (!(PACKAGE.optionalDependencies || {})[name]) continue; // not a platform we publish
    let dir;
    try {
      dir = path.dirname(require.resolve(`${name}/package.json`));
    } catch (_) {
      continue; // not installed
    }
    const bin = path.join(dir, exe);
    if (fs.existsSync(bin)) return bin;
    fail([`${name} is installed at ${dir} but has no ${exe}: reinstall it.`]);
  }
  const supported = Object.keys(PACKAGE.optionalDependencies || {}).map((n) => n.replace(/^stepup-/, ""));
  const expected = `stepup-${wanted[0]}`;
  if (!supported.includes(wanted[0])) {
    fail([
      `no prebuilt binary for ${wanted[0]}; prebuilt: ${supported.join(", ")}.`,
      "Build it from source (cargo install --path . in the stepup repository) and set STEPUP_BINARY to it.",
    ]);
  }
  fail([
    `the platform package ${expected}@${PACKAGE.version} is not installed, so there is no stepup binary to run.`,
    `npm installs it as an optional dependency of ${PACKAGE.name}, the one whose os/cpu/libc match this machine`,
    `(${process.platform}, ${process.arch}${process.platform === "linux" ? `, ${wanted[0].split("-").pop()}` : ""}).`,
    "It is missing after an install with --omit=optional (--no-optional, NODE_ENV=production with some npm",
    "versions), or with a lockfile that skipped it. Reinstall without --omit=optional",
    "(rm -rf node_modules && npm install), and check that npm's os/cpu/libc settings are this machine's.",
    "Do not add the platform package to package.json: that pins one platform for everyone.",
    "Or set STEPUP_BINARY to the path of a stepup binary.",
  ]);
}

// The command stepup should show in the hints it prints (`npx stepup migrate
// --write`): the runner that started this launcher, as its user agent says.
function launcher() {
  const agent = process.env.npm_config_user_agent || "";
  if (agent.startsWith("pnpm/")) return "pnpm exec";
  if (agent.startsWith("yarn/")) return "yarn";
  if (agent.startsWith("bun/")) return "bunx";
  return "npx";
}

// The signals this process passes on to the child with child.kill(): none on
// Windows, where that is a hard stop (see run).
function signalsToForward(platform) {
  return platform === "win32" ? [] : ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];
}

function run(bin) {
  // fs.accessSync(X_OK) is always true on Windows; elsewhere an unpacker may have
  // dropped the executable bit, which is harmless to restore.
  if (process.platform !== "win32") {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch (_) {
      try {
        fs.chmodSync(bin, 0o755);
      } catch (_) {
        // spawn reports EACCES below
      }
    }
  }
  const env = Object.assign({}, process.env);
  if (!env.STEPUP_LAUNCHER) env.STEPUP_LAUNCHER = launcher();
  const child = childProcess.spawn(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true, env });

  // Forward the signals someone sends to this process (a CI runner's SIGTERM,
  // a `kill`); a terminal's Ctrl-C reaches the child directly as well. On
  // Windows there is nothing to forward, only to wait: Ctrl-C and Ctrl-Break go
  // to every process of the console, the child included, and child.kill() would
  // end it at once (TerminateProcess), in the middle of writing a file. The
  // handlers still keep this process alive until the child has finished.
  const handlers = {};
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGBREAK"]) {
    const forward = signalsToForward(process.platform).includes(signal);
    handlers[signal] = () => {
      if (!forward) return;
      try {
        child.kill(signal);
      } catch (_) {
        // the child is gone already
      }
    };
    try {
      process.on(signal, handlers[signal]);
    } catch (_) {
      // signal not supported on this platform
    }
  }

  child.on("error", (err) => {
    fail([`could not run ${bin}: ${err.message}`]);
  });
  child.on("exit", (code, signal) => {
    for (const s of Object.keys(handlers)) process.removeListener(s, handlers[s]);
    if (signal) {
      // Die of the same signal, so that our parent sees what the child saw; for a
      // signal Node ignores (SIGPIPE), exit as a shell reports it: 128 + number.
      process.exitCode = 128 + (require("os").constants.signals[signal] || 0);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code === null ? EXIT_LAUNCH_FAILED : code);
  });
}

if (require.main === module) {
  run(findBinary());
} else {
  module.exports = { signalsToForward };
}
