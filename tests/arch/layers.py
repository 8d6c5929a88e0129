#!/usr/bin/env python3
"""The side panel's layers (ui/src), checked from its `crate::` paths.

Fails (exit 1, naming each offence) if and only if:
- a lower layer uses a higher one: `db`, `chrome`, `files` use `state`, `features`, `app`,
  `lazy` or `widgets`; `widgets` use `db`, `features`, `app` or `lazy`;
  `state` uses `features`, `app` or `lazy`;
- the features' import graph (feature A's files naming `crate::features::B`, or reaching B through
  `crate::lazy`, which belongs to the feature that calls it) has a cycle;
- `db` imports `leptos` (the data layer knows no signals);
- a feature uses another feature along an edge not in `ALLOWED` (a new edge is a design decision:
  add it here, and to ARCHITECTURE.md, on purpose).
"""
import pathlib, re, sys

SRC = pathlib.Path(__file__).resolve().parents[2] / "ui" / "src"
RANK = {"db": 0, "chrome": 0, "files": 0, "state": 1, "widgets": 1, "features": 2, "lazy": 2, "app": 3}
# What each lazy entry point shows (lazy.rs names a feature's component).
errors = []
# The edges between features the design allows (ARCHITECTURE.md, `ui/`).
ALLOWED = {
    ("card", "address"), ("card", "orders"), ("card", "team"),
    ("composer", "templates"), ("composer", "media"),
    ("templates", "media"),
    ("data", "composer"),
    ("campaigns", "media"),
}


def layer(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".rs")


def feature(path: pathlib.Path):
    rel = path.relative_to(SRC).parts
    return rel[1].removesuffix(".rs") if rel[0] == "features" and len(rel) > 1 else None


lazy_targets = {}
lazy_src = (SRC / "lazy.rs").read_text()
for m in re.finditer(r"pub fn (\w+)\((?:.|\n)*?\n\}", lazy_src):
    lazy_targets[m.group(1)] = set(re.findall(r"crate::features::(\w+)", m.group(0)))

graph = {}
for path in sorted(SRC.rglob("*.rs")):
    # Doc and line comments name other layers freely.
    text = re.sub(r"//[^\n]*", "", path.read_text())
    own = layer(path)
    used = set(re.findall(r"crate::(\w+)", text))
    if own in ("lib", "main"):
        continue
    for other in used:
        if other in RANK and own in RANK and RANK[other] > RANK[own] and own != other:
            errors.append(f"{path.relative_to(SRC)}: the {own} layer uses crate::{other}")
    if own == "widgets" and "db" in used:
        errors.append(f"{path.relative_to(SRC)}: a widget reads the store (crate::db)")
    if own == "db" and re.search(r"\bleptos\b", text):
        errors.append(f"{path.relative_to(SRC)}: the data layer uses leptos")
    f = feature(path)
    if f and f != "mod":
        targets = set(re.findall(r"crate::features::(\w+)", text))
        for entry in re.findall(r"crate::lazy::(\w+)", text):
            targets |= lazy_targets.get(entry, set())
        graph.setdefault(f, set()).update(t for t in targets if t != f)

for f, targets in sorted(graph.items()):
    for t in sorted(targets):
        if (f, t) not in ALLOWED:
            errors.append(f"features/{f} uses features/{t}: not an allowed edge (tests/arch/layers.py ALLOWED)")

# Cycle check (depth-first, reporting the cycle's path).
state = {}


def visit(node, stack):
    state[node] = "open"
    for nxt in sorted(graph.get(node, ())):
        if state.get(nxt) == "open":
            cycle = stack[stack.index(nxt):] + [nxt]
            errors.append("features import each other in a cycle: " + " -> ".join(cycle))
        elif nxt not in state:
            visit(nxt, stack + [nxt])
    state[node] = "done"


for node in sorted(graph):
    if node not in state:
        visit(node, [node])

for f in sorted(graph):
    print(f"  {f} -> {', '.join(sorted(graph[f])) or '(none)'}")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print("panel layers: ok (no feature cycle, no upward use)")
