#!/usr/bin/env python3
"""Deterministic synthetic monorepo for benchmarking stepup.

    gen.py OUT_DIR --files N [--legacy-fraction F] [--seed S] [--all-dynamic]

Writes N source files (.ts/.tsx/.js of varied sizes, ~3 KB on average) across
packages/apps of a monorepo. A fraction F (default 0.02) use the legacy
action-based MFA API in the shapes of stepup's fixtures; with --all-dynamic
every file imports the Dynamic SDK (the worst case for the prefilter). Also
writes node_modules/ and dist/ trees that a correct tool skips.
"""
import argparse
import os
import random

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

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--legacy-fraction", type=float, default=0.02)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--all-dynamic", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    here = os.path.dirname(os.path.abspath(__file__))
    templates = legacy_templates(os.path.join(here, "..", "fixtures"))
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
        path = os.path.join(a.out, app, "src", sub, f"{name}{i}.{ext}")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
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
