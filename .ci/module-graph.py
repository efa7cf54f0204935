#!/usr/bin/env python3
"""The runtime's module graph, and a check that it has no cycles.

A top-level module of runtime/src (`action`, `presence`, ...) depends on another
when its code names `crate::<other>`. Comments and doc comments do not count
(a doc link is not a dependency), nor do test code: `#[cfg(test)] mod tests { .. }`
at the end of a file and files declared with `#[cfg(test)] mod name;`.

Prints each module's dependencies, then the cycles (strongly connected
components of more than one module) and exits 1 if there is any.
Usage: python3 .ci/module-graph.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "src"
TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*mod\s+(\w+)\s*;")


def test_only_files():
    """Files that are compiled for tests only."""
    found = set()
    for path in ROOT.rglob("*.rs"):
        folder = path.parent if path.name in ("mod.rs", "lib.rs") else path.with_suffix("")
        for name in TEST_MOD.findall(path.read_text()):
            found.add(folder / f"{name}.rs")
            found.add(folder / name / "mod.rs")
    return found


def code_of(path):
    """A file's code without its comments and its trailing test module."""
    text = re.split(r"#\[cfg\(test\)\]\s*mod tests\b", path.read_text())[0]
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def graph():
    skip = test_only_files()
    deps = {}
    for path in sorted(ROOT.rglob("*.rs")):
        top = path.relative_to(ROOT).parts[0].removesuffix(".rs")
        if top == "lib" or path in skip:
            continue
        used = set(re.findall(r"crate::(\w+)", code_of(path)))
        deps.setdefault(top, set()).update(used - {top})
    return {m: sorted(d for d in ds if d in deps) for m, ds in deps.items()}


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def main():
    edges = graph()
    for module in sorted(edges):
        print(f"{module:10} -> {', '.join(edges[module])}")
    found = cycles(edges)
    if found:
        for component in found:
            print("cycle among:", ", ".join(component))
        return 1
    print("no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
