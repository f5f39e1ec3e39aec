#!/usr/bin/env python3
"""Module graph of planner-core: which top-level module names which (`crate::x` paths in code,
comments left out), and the cycles (strongly connected components) of the library's graph.
Test code (`#[cfg(test)]` items, tests.rs, testing.rs, proptests.rs) is not built into the
library: its extra edges are listed apart and may point up.

    python3 docs/modgraph.py [crates/planner-core/src]

Exits 1 when a cycle exists."""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "crates/planner-core/src"

def module_of(rel):
    # top-level module a file belongs to: capacity/line.rs -> capacity, error.rs -> error
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first

def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)

TEST_FILES = ("tests.rs", "testing.rs", "proptests.rs")

def split_tests(text):
    """(library code, test code): items under `#[cfg(test)]` and the test files are test code."""
    lib, test, i = [], [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]", text):
        if m.start() < i: continue
        lib.append(text[i:m.start()])
        j = m.end()
        # the item ends at the first `;` before any `{`, or at the brace that closes its block
        semi, brace = text.find(";", j), text.find("{", j)
        if brace == -1 or (semi != -1 and semi < brace):
            end = semi + 1
        else:
            depth, end = 0, brace
            while end < len(text):
                if text[end] == "{": depth += 1
                elif text[end] == "}":
                    depth -= 1
                    if depth == 0: break
                end += 1
            end += 1
        test.append(text[m.start():end]); i = end
    lib.append(text[i:])
    return "".join(lib), "".join(test)

def crate_refs(code):
    refs = set()
    # grouped uses: use crate::{a::x, b, c::{d, e}};
    for m in re.finditer(r"crate::\{", code):
        depth, i, tok, start = 1, m.end(), "", True
        while i < len(code) and depth:
            ch = code[i]
            if ch == "{": depth += 1
            elif ch == "}": depth -= 1
            elif ch == "," and depth == 1: start = True
            elif start and depth == 1 and (ch.isalnum() or ch == "_"):
                j = i
                while j < len(code) and (code[j].isalnum() or code[j] == "_"): j += 1
                refs.add(code[i:j]); start = False; i = j; continue
            i += 1
    for m in re.finditer(r"crate::([a-z_][a-z0-9_]*)", code):
        refs.add(m.group(1))
    return refs

mods = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if f.endswith(".rs"):
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            if rel == "lib.rs": continue
            mods.setdefault(module_of(rel), [])
            mods[module_of(rel)].append(rel)

edges = {m: {} for m in mods}
test_edges = {m: {} for m in mods}
for m, files in mods.items():
    for rel in files:
        code = strip_comments(open(os.path.join(root, rel)).read())
        lib, test = ("", code) if os.path.basename(rel) in TEST_FILES else split_tests(code)
        for part, into in ((lib, edges), (test, test_edges)):
            for r in crate_refs(part):
                if r in mods and r != m:
                    into[m].setdefault(r, set()).add(rel)

# Tarjan's strongly connected components
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in sorted(edges[v]):
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(mods):
    if v not in index: visit(v)

for m in sorted(mods):
    print(f"{m:14} -> {', '.join(sorted(edges[m])) or '(leaf)'}")
for m in sorted(mods):
    extra = sorted(set(test_edges[m]) - set(edges[m]))
    if extra:
        print(f"{m:14} -> {', '.join(extra)}  (tests only)")
cycles = [c for c in sccs if len(c) > 1]
for c in cycles:
    print("CYCLE:", " <-> ".join(c))
    for a in c:
        for b in sorted(edges[a]):
            if b in c: print(f"    {a} -> {b} in {', '.join(sorted(edges[a][b]))}")
if not cycles:
    print(f"no cycle: {len(mods)} modules, one-way")
sys.exit(1 if cycles else 0)
