#!/usr/bin/env python3
"""Deterministic synthetic inputs for benchmarking stepup.

    gen.py OUT_DIR --files N [--legacy-fraction F] [--seed S] [--all-dynamic] [--barrels B]
    gen.py OUT_DIR --big-file N [--big-hook useMfa|useIsMfaRequiredForAction]
    gen.py OUT_DIR --components N

The first form writes N source files (.ts/.tsx/.js of varied sizes, ~3 KB on
average) across packages/apps of a monorepo. A fraction F (default 0.02) use
the legacy action-based MFA API in the shapes of stepup's fixtures; with
--all-dynamic every file imports the Dynamic SDK (the worst case for the
prefilter). With --barrels B, about B/2 modules live in a folder of their own
and up to B directories get an `index.ts` barrel (`export * from` /
`export { … } from` their modules; parents' barrels re-export the
children's), as component libraries do. Also writes node_modules/ and dist/ trees
that a correct tool skips.

The second form writes OUT_DIR/BigComponent.tsx: one component whose body
binds the legacy hook N times and uses every binding once, for measuring how
the analysis of one file grows with its size. The third writes
OUT_DIR/Components.tsx: N small components, each with one hook use rewritten
into its own `useStepUpAuthentication()`, for how the work per component body
grows with the number of bodies in the file.

run.py imports this module: `legacy_templates` and `inject_legacy` put the
same legacy files into a real checkout.
"""
import argparse
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")

WORDS = "account balance wallet token price chart order swap bridge asset network profile settings modal table row list item card header footer button input form field value status error loading".split()

def ident(rng, cap=False):
    w = rng.choice(WORDS) + rng.choice(WORDS).capitalize() + str(rng.randint(1, 999))
    return w[0].upper() + w[1:] if cap else w

def plain_component(rng, name):
    props = [ident(rng) for _ in range(rng.randint(1, 5))]
    body = []
    for _ in range(rng.randint(2, 14)):
        v = ident(rng)
        kind = rng.random()
        if kind < 0.3:
            body.append(f"  const [{v}, set{v[0].upper()+v[1:]}] = useState<number>({rng.randint(0, 99)});")
        elif kind < 0.6:
            body.append(f"  const {v} = useMemo(() => {props[0]} ? {rng.randint(1, 9)} * 2 : 0, [{props[0]}]);")
        else:
            body.append(f"  useEffect(() => {{\n    if (!{props[0]}) return;\n    const id = setTimeout(() => console.log('{v}'), {rng.randint(10, 900)});\n    return () => clearTimeout(id);\n  }}, [{props[0]}]);")
    items = "\n".join(f"      <li key=\"{i}\" className=\"{rng.choice(WORDS)}\">{{String({props[0]})}} {rng.choice(WORDS)}</li>" for i in range(rng.randint(1, 12)))
    return (
        "import { useEffect, useMemo, useState } from 'react';\n"
        f"import {{ {ident(rng, True)} }} from '../ui/{rng.choice(WORDS)}';\n\n"
        f"type {name}Props = {{ {'; '.join(p + '?: unknown' for p in props)} }};\n\n"
        f"export function {name}({{ {', '.join(props)} }}: {name}Props) {{\n" + "\n".join(body) +
        f"\n  return (\n    <ul>\n{items}\n    </ul>\n  );\n}}\n"
    )

def plain_module(rng, name):
    fns = []
    for _ in range(rng.randint(2, 20)):
        f = ident(rng)
        fns.append(
            f"export function {f}(input: number[], factor = {rng.randint(1, 9)}): number {{\n"
            f"  let total = 0;\n  for (const x of input) {{\n    total += x * factor - {rng.randint(0, 5)};\n  }}\n"
            f"  return total / Math.max(input.length, 1);\n}}\n"
        )
    return f"// {name}: helpers for {rng.choice(WORDS)} {rng.choice(WORDS)}\n" + "\n".join(fns)

def dynamic_plain(rng, name):
    # Uses the SDK and its MFA hook (device management), but has nothing to
    # migrate: stepup must analyse the whole file to know that.
    return (
        "import { useDynamicContext, useMfa } from '@dynamic-labs/sdk-react-core';\n"
        + plain_component(rng, name).replace(
            "  return (",
            "  const { user } = useDynamicContext();\n  const { getUserDevices } = useMfa();\n"
            "  useEffect(() => {\n    getUserDevices().then((d) => console.log(user?.email, d.length));\n"
            "  }, [getUserDevices, user]);\n  return (",
            1,
        )
    )

def legacy_templates(fixtures):
    out = []
    for case in sorted(os.listdir(fixtures)):
        d = os.path.join(fixtures, case)
        for ext in ("tsx", "ts"):
            p = os.path.join(d, "input." + ext)
            if os.path.isfile(p) and os.path.isfile(os.path.join(d, "expected." + ext)):
                with open(p, encoding="utf-8") as f:
                    out.append((ext, f.read()))
    return out

def inject_legacy(root, dirs, count, seed, templates=None):
    """Write `count` legacy files (fixture inputs, as the synthetic corpora
    have them) into directories chosen from `dirs` (relative to `root`) with a
    fixed seed. Returns the paths written, relative to `root`."""
    rng = random.Random(seed)
    templates = templates or legacy_templates(FIXTURES)
    dirs = sorted(set(dirs))
    chosen = rng.sample(dirs, count) if count <= len(dirs) else [rng.choice(dirs) for _ in range(count)]
    written = []
    for i, d in enumerate(chosen):
        ext, text = rng.choice(templates)
        rel = os.path.join(d, f"StepupBenchLegacy{i}.{ext}")
        with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
            f.write(text)
        written.append(rel)
    return written

ALIASED_EXPORT = (
    "export {\n"
    "  useMfa as useWalletMfa,\n"
    "  useIsMfaRequiredForAction as useWalletNeedsMfa,\n"
    "  MFAAction as WalletAction,\n"
    "} from '@dynamic-labs/sdk-react-core';\n"
)

ALIASED_COMPONENT = """import {{ useWalletMfa, useWalletNeedsMfa, WalletAction }} from '{spec}';

export function StepupBenchAliased{i}() {{
  const {{ authenticateDevice }} = useWalletMfa();
  const isMfaRequiredForAction = useWalletNeedsMfa();
  const onExport = async (code: string) => {{
    if (await isMfaRequiredForAction({{ mfaAction: WalletAction.WalletWaasExport }})) {{
      await authenticateDevice({{ code, createMfaToken: true }});
    }}
  }};
  return <button onClick={{() => onExport('000000')}}>Export</button>;
}}
"""


def inject_aliased(root, dirs, count, seed, barrels=()):
    """Legacy files that reach the SDK only through one of the app's own
    barrels, under names of the app's own (`useMfa as useWalletMfa`): the
    shape that makes stepup widen its prefilter with the barrel's aliases.
    The re-export is appended to an existing `index.ts` of the tree (one of
    `barrels`, relative paths) when there is one, else written as a new
    module. Returns the paths written or changed, relative to `root`."""
    rng = random.Random(seed * 7919 + 1)
    if count <= 0:
        return []
    dirs = sorted(set(dirs))
    barrels = sorted(b for b in barrels if b.endswith(("index.ts", "index.tsx")))
    if barrels:
        barrel = rng.choice(barrels)
        with open(os.path.join(root, barrel), "a", encoding="utf-8") as f:
            f.write("\n" + ALIASED_EXPORT)
        target_dir = os.path.dirname(barrel) or "."
        target = target_dir  # imported as the directory: resolved through index.ts
    else:
        target_dir = rng.choice(dirs)
        barrel = os.path.join(target_dir, "stepupBenchDynamic.ts")
        with open(os.path.join(root, barrel), "w", encoding="utf-8") as f:
            f.write(ALIASED_EXPORT)
        target = os.path.join(target_dir, "stepupBenchDynamic")
    chosen = rng.sample(dirs, count) if count <= len(dirs) else [rng.choice(dirs) for _ in range(count)]
    written = [barrel]
    for i, d in enumerate(chosen):
        spec = os.path.relpath(target, d).replace(os.sep, "/")
        if not spec.startswith("."):
            spec = "./" + spec
        rel = os.path.join(d, f"StepupBenchAliased{i}.tsx")
        with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
            f.write(ALIASED_COMPONENT.format(spec=spec, i=i))
        written.append(rel)
    return written


def write_barrels(rng, out, modules, limit):
    """`index.ts` barrels for up to `limit` directories: those of `modules`
    ({directory: [(file stem, exported names)]}) and their ancestors up to the
    package's src/, deepest first; a parent's barrel re-exports its
    children's barrels. Returns how many were written."""
    dirs = set(modules)
    for d in modules:
        p = d
        while os.path.basename(p) != "src" and os.sep in p:
            p = os.path.dirname(p)
            dirs.add(p)
    written = set()
    for d in sorted(dirs, key=lambda d: (-d.count(os.sep), d)):
        if len(written) >= limit:
            break
        lines = []
        for stem, names in modules.get(d, []):
            if names and rng.random() < 0.5:
                picked = rng.sample(names, min(len(names), rng.randint(1, 3)))
                items = ", ".join(n if rng.random() < 0.7 else f"{n} as {n}Alias" for n in picked)
                lines.append(f"export {{ {items} }} from './{stem}';")
            else:
                lines.append(f"export * from './{stem}';")
        for child in sorted(c for c in written if os.path.dirname(c) == d):
            lines.append(f"export * from './{os.path.basename(child)}';")
        if not lines:
            continue
        with open(os.path.join(out, d, "index.ts"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        written.add(d)
    return len(written)

BIG_HOOKS = ("useMfa", "useIsMfaRequiredForAction")
# Uses per handler in the big component: each handler stays small, so only the
# number of bindings grows with N.
BIG_PER_HANDLER = 20

def big_component(n, hook="useMfa"):
    """One component binding `hook` n times and using every binding once, in
    shapes stepup rewrites: `adI({ code, createMfaToken: true })` in handlers
    that also call `signMessage` (scope inferred), or `irI({ mfaAction: … })`
    action checks. Uses are grouped BIG_PER_HANDLER to a handler. Compact, so
    that N = 10000 stays under stepup's 1 MiB limit for one source file."""
    if hook == "useMfa":
        head = ("import { useMfa } from '@dynamic-labs/sdk-react-core';\n\n"
                "type Props = { code: string; wallet: { signMessage: (m: string) => Promise<string> } };\n\n"
                "export function BigComponent({ code, wallet }: Props) {\n")
        bind = "  const {{ authenticateDevice: ad{i} }} = useMfa();"
        use = "    ad{i}({{ code, createMfaToken: true }});"
        tail = "    wallet.signMessage('gm');"
    elif hook == "useIsMfaRequiredForAction":
        head = ("import { useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';\n"
                "import { MFAAction } from '@dynamic-labs/sdk-api-core';\n\n"
                "export function BigComponent({ onSign }: { onSign: () => void }) {\n")
        bind = "  const ir{i} = useIsMfaRequiredForAction();"
        use = "    ir{i}({{ mfaAction: MFAAction.UserUpdate }});"
        tail = "    onSign();"
    else:
        raise ValueError(f"unknown hook {hook}: one of {', '.join(BIG_HOOKS)}")
    out = [head.rstrip("\n")]
    out += [bind.format(i=i) for i in range(n)]
    handlers = range(0, n, BIG_PER_HANDLER)
    for h in handlers:
        out.append(f"  const on{h} = async () => {{")
        out += [use.format(i=i) for i in range(h, min(n, h + BIG_PER_HANDLER))]
        out += [tail, "  };"]
    out += ["  return (", "    <div>"]
    out += [f"      <button onClick={{on{h}}} />" for h in handlers]
    out += ["    </div>", "  );", "}", ""]
    return "\n".join(out)

def many_components(n):
    """n small components in one file, each binding `useMfa()` once and
    calling it in a handler that also signs (so the token call is rewritten
    and each component gets its own `useStepUpAuthentication()`): the work
    per body must not grow with the number of bodies around it."""
    out = ["import { useMfa } from '@dynamic-labs/sdk-react-core';", "",
           "type P = { code: string; w: { signMessage: (m: string) => Promise<string> } };", ""]
    for i in range(n):
        out += [f"export function C{i}({{ code, w }}: P) {{",
                "  const { authenticateDevice } = useMfa();",
                "  const go = async () => { await authenticateDevice({ code, createMfaToken: true }); await w.signMessage('gm'); };",
                "  return <b onClick={go} />;",
                "}"]
    return "\n".join(out) + "\n"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int)
    ap.add_argument("--legacy-fraction", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--all-dynamic", action="store_true")
    ap.add_argument("--barrels", type=int, default=0, help="write up to this many index.ts barrels")
    ap.add_argument("--big-file", type=int, help="write one component with this many hook uses instead")
    ap.add_argument("--big-hook", choices=BIG_HOOKS, default="useMfa")
    ap.add_argument("--components", type=int, help="write one file of this many small components instead")
    a = ap.parse_args()
    if a.big_file is not None:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "BigComponent.tsx"), "w", encoding="utf-8") as f:
            f.write(big_component(a.big_file, a.big_hook))
        return
    if a.components is not None:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "Components.tsx"), "w", encoding="utf-8") as f:
            f.write(many_components(a.components))
        return
    if a.files is None:
        ap.error("--files, --big-file or --components is required")
    rng = random.Random(a.seed)
    templates = legacy_templates(FIXTURES)
    modules = {}
    apps = [f"packages/{rng.choice(WORDS)}-{i}" for i in range(max(1, a.files // 400))]
    for i in range(a.files):
        app = apps[i % len(apps)]
        sub = rng.choice(["components", "hooks", "lib", "features/" + rng.choice(WORDS), "pages"])
        name = ident(rng, True)
        r = rng.random()
        if r < a.legacy_fraction:
            ext, text = rng.choice(templates)
        elif a.all_dynamic:
            ext, text = "tsx", dynamic_plain(rng, name)
        elif r < 0.55:
            ext, text = "tsx", plain_component(rng, name)
        elif r < 0.9:
            ext, text = "ts", plain_module(rng, name)
        else:
            ext, text = "js", plain_module(rng, name).replace(": number[]", "").replace("): number", ")")
        rel_dir = os.path.join(app, "src", sub)
        if a.barrels and i % max(1, 2 * a.files // a.barrels) == 0:
            # A module in a folder of its own, behind an index.ts (Button/index.ts → ./Button).
            rel_dir = os.path.join(rel_dir, f"{name}{i}")
        path = os.path.join(a.out, rel_dir, f"{name}{i}.{ext}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        modules.setdefault(rel_dir, []).append(
            (f"{name}{i}", sorted(set(re.findall(r"^export function (\w+)", text, re.M)))))
    if a.barrels:
        # A generator of their own: the files' contents do not depend on --barrels.
        made = write_barrels(random.Random(a.seed + 1), a.out, modules, a.barrels)
        if made < a.barrels:
            print(f"gen.py: {made} barrels (one per directory; {a.barrels} asked)")
    # Trees every correct tool skips: dependencies and build output.
    for i in range(max(1, a.files // 20)):
        for skipped in ("node_modules/@dynamic-labs/sdk-react-core/dist", "packages/web/dist", "packages/web/.next/static"):
            p = os.path.join(a.out, skipped, f"chunk{i}.js")
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(rng.choice(templates)[1])
    with open(os.path.join(a.out, ".gitignore"), "w") as f:
        f.write("node_modules/\ndist/\n.next/\n")

if __name__ == "__main__":
    main()
