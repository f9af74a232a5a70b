#!/usr/bin/env python3
"""Benchmark stepup against ripgrep, ast-grep and a bare tree-sitter parse.

    python3 bench/run.py [--sizes 1000,10000,50000] [--runs 7] [--out bench/RESULTS.md]

Generates the corpora with bench/gen.py (cached under $STEPUP_BENCH_DIR,
default /tmp/stepup-bench), builds stepup and the bare-parse baseline in
release mode, then for each corpus runs every command in turn, alternating,
`--runs` times, and reports the median wall time, the ratio to `rg -c`, and
the peak RSS (/usr/bin/time -v). ast-grep is used when `ast-grep` is on PATH
or named by $AST_GREP (`npm i --prefix /opt/ast-grep @ast-grep/cli` ships the
binary; a global install can clash with Debian's /usr/bin/sg).
"""
import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STEPUP = os.path.join(ROOT, "target", "release", "stepup")
BARE = os.path.join(ROOT, "target", "release", "examples", "bare_parse")


def corpus(base, files, all_dynamic=False, legacy=None):
    name = f"corpus-{files}{'-all-dynamic' if all_dynamic else ''}{'' if legacy is None else f'-legacy{legacy}'}"
    path = os.path.join(base, name)
    if not os.path.isfile(os.path.join(path, ".done")):
        shutil.rmtree(path, ignore_errors=True)
        cmd = [sys.executable, os.path.join(HERE, "gen.py"), path, "--files", str(files), "--seed", str(files)]
        if all_dynamic:
            cmd.append("--all-dynamic")
        if legacy is not None:
            cmd += ["--legacy-fraction", str(legacy)]
        subprocess.run(cmd, check=True)
        # A git repository, so every tool honours the same .gitignore.
        subprocess.run(["git", "init", "-q", path], check=True)
        open(os.path.join(path, ".done"), "w").close()
    return path


def timed(cmd):
    """Wall seconds and peak RSS (KiB) of one run."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    rss = 0
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1])
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return wall, rss


def bench(commands, runs):
    walls = {k: [] for k in commands}
    rss = {k: 0 for k in commands}
    for k, cmd in commands.items():  # warm the page cache once
        timed(cmd)
    for _ in range(runs):
        for k, cmd in commands.items():
            w, r = timed(cmd)
            walls[k].append(w)
            rss[k] = max(rss[k], r)
    return {k: (statistics.median(v), rss[k]) for k, v in walls.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    base = os.environ.get("STEPUP_BENCH_DIR", "/tmp/stepup-bench")
    os.makedirs(base, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "stepup", "--example", "bare_parse"], cwd=ROOT, check=True)
    rg = shutil.which("rg")
    sg = os.environ.get("AST_GREP") or shutil.which("ast-grep")
    if not rg:
        raise SystemExit("ripgrep (rg) is needed: apt-get install ripgrep")
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        c = corpus(base, n)
        cmds = {
            "stepup check": [STEPUP, "check", "--quiet", c],
            "stepup migrate (dry run)": [STEPUP, "migrate", "--quiet", c],
            "rg -c useMfa": [rg, "-c", "useMfa", c],
        }
        if sg:
            cmds["ast-grep run -p 'useMfa()'"] = [sg, "run", "-p", "useMfa()", c]
        res = bench(cmds, a.runs)
        rows.append((f"{n} files", res))
        print(n, {k: f"{v[0]*1000:.0f} ms / {v[1]//1024} MiB" for k, v in res.items()}, flush=True)
    # The scan alone: the largest tree with no legacy file (after the migration,
    # what CI runs on every push).
    n_clean = max(int(s) for s in a.sizes.split(","))
    c = corpus(base, n_clean, legacy=0)
    res = bench({"stepup check": [STEPUP, "check", "--quiet", c], "rg -c useMfa": [rg, "-c", "useMfa", c]}, a.runs)
    rows.append((f"{n_clean} files, none uses the legacy API (CI after the migration)", res))
    print("clean", {k: f"{v[0]*1000:.0f} ms" for k, v in res.items()}, flush=True)
    # Worst case for the prefilter: every file imports the SDK.
    n_all = 10000
    c = corpus(base, n_all, all_dynamic=True)
    res = bench({
        "stepup check": [STEPUP, "check", "--quiet", c],
        "bare tree-sitter parse": [BARE, c],
        "rg -c useMfa": [rg, "-c", "useMfa", c],
    }, a.runs)
    rows.append((f"{n_all} files, all import the SDK", res))
    print("all-dynamic", {k: f"{v[0]*1000:.0f} ms" for k, v in res.items()}, flush=True)

    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    out = [
        "# stepup benchmark results",
        "",
        f"Generated by `python3 bench/run.py` on {datetime.date.today()} — {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()} {platform.release()}. Median of {a.runs} alternating runs after one warm-up; "
        "peak RSS from `/usr/bin/time -v`. Corpora from `bench/gen.py` (2 % of files use the legacy API; "
        "node_modules/, dist/ and .next/ trees present and skipped by every tool).",
        "",
    ]
    for title, res in rows:
        rg_t = res["rg -c useMfa"][0]
        out += [f"## {title}", "", "| command | median | × rg -c | peak RSS |", "|---|---:|---:|---:|"]
        for k, (t, r) in res.items():
            out.append(f"| `{k}` | {t*1000:.0f} ms | {t/rg_t:.2f} | {r/1024:.1f} MiB |")
        out.append("")
    # A hand-written analysis section survives re-runs.
    try:
        old = open(a.out).read()
        if "## Analysis" in old:
            out.append(old[old.index("## Analysis"):].rstrip("\n"))
    except OSError:
        pass
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
