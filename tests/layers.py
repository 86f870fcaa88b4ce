#!/usr/bin/env python3
"""Dependencies point one way (docs/layout.md).

Every #include "..." of a file under src/ must name a file of its own layer
or of a lower one, in the order

    kernels < io < run < shadow < audit < models < sweep < app

and no two modules (a .c with its .h; a header X_private.h belongs to module
X) may include each other, directly or through others (the module graph has
no cycle).  Exit 1 with one line per
offence.

Usage: layers.py [SRC_DIR]         check the tree (default src)
       layers.py --self-test       the checker must reject a broken tree
"""
import os
import re
import sys
import tempfile

ORDER = ["kernels", "io", "run", "shadow", "audit", "models", "sweep", "app"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer(path):
    return ORDER.index(path.split("/")[0])


def module(path):
    """module of a path without .c/.h: X_private belongs to X"""
    return path[:-len("_private")] if path.endswith("_private") else path


def scan(src):
    """module name (path without .c/.h) -> set of modules it includes"""
    deps = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)
            mod = module(rel[:-2])
            with open(os.path.join(root, f), encoding="utf-8") as fp:
                text = fp.read()
            for inc in INCLUDE.findall(text):
                if inc.startswith("specs/"):
                    continue  # ACSL logic, not a module
                deps.setdefault(mod, set()).add(module(inc[:-2]) if inc.endswith(".h") else inc)
            deps.setdefault(mod, set())
    return deps


def check(src):
    deps = scan(src)
    errors = []
    for mod, incs in sorted(deps.items()):
        for inc in sorted(incs):
            if inc == mod:
                continue
            if inc not in deps:
                errors.append(f"{mod}: includes {inc}.h, which is not under {src}/")
                continue
            if layer(inc) > layer(mod):
                errors.append(f"{mod}: includes {inc}.h from the higher layer "
                              f"{inc.split('/')[0]} (order: {' < '.join(ORDER)})")
    # cycles in the module graph (Tarjan-free DFS with colours)
    colour, stack = {}, []

    def visit(m):
        colour[m] = 1
        stack.append(m)
        for n in sorted(deps.get(m, ())):
            if n == m or n not in deps:
                continue
            if colour.get(n) == 1:
                cyc = stack[stack.index(n):] + [n]
                errors.append("module cycle: " + " -> ".join(cyc))
            elif n not in colour:
                visit(n)
        stack.pop()
        colour[m] = 2

    for m in sorted(deps):
        if m not in colour:
            visit(m)
    return errors


def self_test():
    with tempfile.TemporaryDirectory() as d:
        def put(p, text):
            os.makedirs(os.path.dirname(os.path.join(d, p)), exist_ok=True)
            with open(os.path.join(d, p), "w") as fp:
                fp.write(text)
        put("kernels/a.h", '#include "io/b.h"\n')        # upward include
        put("io/b.h", "\n")
        put("run/c.h", '#include "run/e.h"\n')
        put("run/e.h", '#include "run/c.h"\n')           # cycle
        errs = check(d)
        up = any("higher layer" in e for e in errs)
        cyc = any("module cycle" in e for e in errs)
        if not (up and cyc):
            print("layers: FAIL: the checker accepted a broken tree:", errs)
            return 1
        put("kernels/a.h", "\n")
        put("run/e.h", "\n")
        if check(d):
            print("layers: FAIL: the checker rejected a clean tree:", check(d))
            return 1
    print("layers: self-test passed (upward include and cycle rejected, clean tree accepted)")
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        return self_test()
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    errs = check(src)
    for e in errs:
        print("layers: " + e)
    n = len(scan(src))
    print(f"layers: {n} modules, {len(errs)} offences")
    return 1 if errs else 0


sys.exit(main())
