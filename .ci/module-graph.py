#!/usr/bin/env python3
"""The runtime's module graph, and a check that it has no cycles.

A top-level module of runtime/src (`action`, `presence`, ...) depends on another
when its code names `crate::<other>`. Comments and doc comments do not count
(a doc link is not a dependency), nor do test code: `#[cfg(test)] mod tests { .. }`
at the end of a file and files declared with `#[cfg(test)] mod name;`.

Inside a module folder, the files are checked the same way: a file depends on
a sibling when it names `super::<sibling>`, `crate::<module>::<sibling>`, or an
item the folder's mod.rs re-exports from that sibling (`super::Reject`, from
`pub use reject::Reject`). mod.rs itself composes its files and is no node.

Prints each module's dependencies, then the cycles (strongly connected
components of more than one module or file) and exits 1 if there is any.
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


IDENT = re.compile(r"[A-Za-z_]\w*")


def group(text, start):
    """The text of the balanced `{ .. }` group opening at `start`."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i]
    return text[start + 1 :]


def split_top(text):
    """`a, b::{c, d}` split at the commas outside braces."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def leaves(tree):
    """The (first segment, name brought in) pairs of a use tree."""
    tree = tree.strip()
    if tree.startswith("{"):
        return [leaf for part in split_top(group(tree, 0)) for leaf in leaves(part)]
    head = IDENT.match(tree)
    if not head:
        return []
    rest = tree[head.end() :].lstrip()
    if rest.startswith("::"):
        return [(head.group(), name) for _, name in leaves(rest[2:])]
    alias = re.match(r"as\s+(\w+)", rest)
    return [(head.group(), alias.group(1) if alias else head.group())]


def heads_after(code, prefix):
    """The first segments of the paths that follow each `prefix` in `code`."""
    found = []
    for m in re.finditer(re.escape(prefix), code):
        rest = code[m.end() :]
        if rest.startswith("{"):
            found.extend(first for first, _ in leaves(rest[: len(group(rest, 0)) + 2]))
        elif IDENT.match(rest):
            found.append(IDENT.match(rest).group())
    return found


def file_graph(folder, skip):
    """The files of one module folder and the siblings each one names."""
    files = {p.stem: p for p in folder.glob("*.rs") if p.name != "mod.rs" and p not in skip}
    targets = set(files) | {d.name for d in folder.iterdir() if (d / "mod.rs").is_file()}
    reexports = {}
    uses = re.findall(r"\buse\s+([^;]+);", code_of(folder / "mod.rs"))
    for tree in uses:
        for first, name in leaves(tree):
            if first in targets:
                reexports[name] = first
    module = "::".join(folder.relative_to(ROOT).parts)
    edges = {}
    for name, path in files.items():
        code = code_of(path)
        named = heads_after(code, "super::") + heads_after(code, f"crate::{module}::")
        deps = {h if h in targets else reexports.get(h) for h in named}
        edges[name] = sorted(d for d in deps if d in files and d != name)
    return edges


def file_cycles():
    """Loops between the files of each module folder, by folder."""
    skip = test_only_files()
    found = {}
    for mod_rs in sorted(ROOT.rglob("mod.rs")):
        folder = mod_rs.parent
        loops = cycles(file_graph(folder, skip))
        if loops:
            found[folder.relative_to(ROOT).as_posix()] = loops
    return found


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
    for component in found:
        print("cycle among:", ", ".join(component))
    loops = file_cycles()
    for folder, components in loops.items():
        for component in components:
            print(f"cycle among the files of {folder}/:", ", ".join(component))
    if found or loops:
        return 1
    print("no cycles between modules, nor between the files of a module")
    return 0


if __name__ == "__main__":
    sys.exit(main())
