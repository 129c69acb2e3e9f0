#!/usr/bin/env python3
"""Source-level architecture invariants of ARCHITECTURE.md ("Invariants"), checked without
building anything (run by `scripts/dev.sh test`, or alone: `python3 scripts/invariants.py`).

1. size:    no source file over MAX_LINES lines in engine/, server/, wire/, app/.
2. cycles:  no import cycle between the top-level folders (and files) of server/src,
            app/src and engine/src; the shared core imports no feature, except the one
            list that names them (the "lists" of CRATES below).
3. layers:  no engine module imports from a layer above its own (ENGINE_LAYERS).
4. edges:   no edge walking outside the engine: the server and the app call none of the
            engine's edge iterators (EDGE_APIS).
5. core:    the server's handlers use the shared core's extractors and `blocking()`:
            `spawn_blocking` and `Query::parse` appear only in its folders CORE_ONLY_DIRS.

Known violations that are too big to fix on the spot are listed in ALLOWED, each with why;
everything else fails with the file, the line and what to do. Standard library only.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# --- 1. file size -----------------------------------------------------------------------

MAX_LINES = 600
# Rust sources checked (capture/native: the native walker's crate).
SIZE_DIRS = ["engine", "server", "wire", "app", "capture/native/src"]

# --- 2. import graph --------------------------------------------------------------------

# For each crate: its src folder, the names its own paths start with, the shared core
# (importable by every feature), folders whose sub-folders are the features (app: one page
# or view each), and the list files: each names the features of one kind (the route table,
# the command list, the app's router, the list of views). A list file's imports of the
# features it lists are registrations, not dependencies: they are left out of both rules.
CRATES = {
    "server": {
        "src": "server/src",
        "prefixes": ["crate", "heaplens_server"],
        "core": {"http", "state", "store", "access", "lib", "main"},
        "containers": set(),
        "lists": {
            "server/src/http/mod.rs": "features",  # the route table
            "server/src/main.rs": "features",  # the command list
        },
    },
    "app": {
        "src": "app/src",
        "prefixes": ["crate"],
        "core": {"api", "route", "ui", "viz", "main"},
        "containers": {"pages", "views"},
        "lists": {
            "app/src/main.rs": "pages/",  # the router: one route per page
            "app/src/views/mod.rs": "views/",  # VIEWS: the partition page's views
        },
    },
    "engine": {
        "src": "engine/src",
        "prefixes": ["crate"],
        "core": set(),  # the engine's rule is its layers (below), and no cycle
        "containers": set(),
        "lists": {},
    },
}

# --- 3. engine layers, bottom up (engine/src/README.md) ---------------------------------

ENGINE_LAYERS = [
    ["heap", "work"],  # 1 the loaded heap; stopping long analyses
    ["format"],  # 2 bytes
    ["partition"],  # 3 relations
    ["render", "textwrap", "heapydump"],  # 4 heapy's text
    ["retained"],  # 5 dominos, domisize, imdom, the dominator tree view
    ["query"],  # 6 the query language
    ["object", "rp", "graph", "treemap", "diff", "identity", "series", "redact"],  # 7 analyses
    ["testing", "synth"],  # helpers for tests and benchmarks
    ["lib"],  # the crate root: the list of modules and re-exports
]

# --- 4. edge iterators: the engine's API that walks references --------------------------

# Method calls and fields of Snapshot (CSR edges), Reverse (`heap.rev`), Heap and Dominators
# that follow references; seen in the server or the app, analysis is being done outside
# the engine. A handler asks an engine function (object, rp, graph, retained...).
# The app does not link the engine (it reads wire types only); these names there would be a
# hand-made copy of an engine walk. Dominators' names are common words (d3-hierarchy's
# `.children()` in the treemap), so they are checked in the server only.
BOTH, SERVER = ["server/src", "app/src"], ["server/src"]
EDGE_APIS = [
    (r"\.edges_of\s*\(", BOTH),  # Snapshot: an object's edge range
    (r"\.referents\s*\(", BOTH),  # Snapshot: an object's edge targets
    (r"\.edge_name(_text)?\s*\(", BOTH),  # Snapshot: the name of one edge
    (r"\.edge_(target|start|name)\b(?!\s*\()", BOTH),  # Snapshot's CSR columns
    (r"\.rev\s*\.", BOTH),  # Reverse edges (`heap.rev.edges(o)`, `.sources(o)`)
    (r"\.sources\s*\(", BOTH),  # Reverse: the referrers of an object
    (r"\.referents_of\s*\(", BOTH),  # Heap: one step along references
    (r"\.referrers_of\s*\(", BOTH),  # Heap: one step against references
    (r"\.(children|subtree|idom|dominates)\s*\(", SERVER),  # Dominators: the dominator tree
]

# --- 5. what only the server's shared core calls -------------------------------------------

# A handler takes its set through the extractors of server/src/http/params.rs (which parse
# the query) and runs the engine through http::blocking::blocking (which spawns the blocking
# task and turns a failed one into the API error); so these appear only in the core's folders
# (the store parses and loads off the async threads itself).
CORE_ONLY = [
    (r"\bspawn_blocking\b", "spawn_blocking", "run the engine through http::blocking::blocking()"),
    (r"\bQuery\s*::\s*parse\b", "Query::parse", "take the set as the SetQuery extractor, or http::params::parse_query"),
]
CORE_ONLY_SRC = "server/src"
CORE_ONLY_DIRS = ["server/src/http/", "server/src/store/"]

# --- known violations, each with why it stays ---------------------------------------------

# {(check, file, message): why}, the three as the check prints them ("file:line: [check]
# message", without the line), e.g.
#   ("core", "app/src/ui/x.rs", "the shared core (ui) imports the feature views/rp: move ..."):
#       "why it stays, and the issue that will fix it",
# An entry that no longer happens fails too, so the list only shrinks. Today: none.
ALLOWED = {
}

# --- Rust source, read just enough ---------------------------------------------------------


def strip_rust(text):
    """The code with comments, strings and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif (raw := re.match(r'b?r(#*)"', text[i:i + 64])) and not ident_before(text, i):
            end = '"' + raw.group(1)  # a raw string ends at "#..#, escapes are text
            j = text.find(end, i + len(raw.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (text.startswith('b"', i) and not ident_before(text, i)):
            j = text.index('"', i) + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\(x..|u\{[0-9a-fA-F]*\}|.)|[^\\'])'", text[i:i + 12])
            if m:  # a char literal, not a lifetime
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def ident_before(text, i):
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


def blank_test_code(code):
    """The code with `#[cfg(test)]` items (the inline test modules) blanked."""
    for m in list(re.finditer(r"#\[cfg\(test\)\]", code)):
        start = m.start()
        j = m.end()
        depth = 0
        while j < len(code):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            elif code[j] == ";" and depth == 0:  # `#[cfg(test)] mod tests;` or a `use`
                j += 1
                break
            j += 1
        code = code[:start] + re.sub(r"[^\n]", " ", code[start:j]) + code[j:]
    return code


def is_test_file(rel):
    parts = rel.split("/")
    name = parts[-1]
    return "tests" in parts[:-1] or name == "tests.rs" or name.endswith("_tests.rs")


def rust_files(top):
    for dirpath, dirnames, filenames in os.walk(os.path.join(ROOT, top)):
        dirnames[:] = sorted(d for d in dirnames if d not in ("target", "node_modules"))
        for f in sorted(filenames):
            if f.endswith(".rs"):
                yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def line_of(code, pos):
    return code.count("\n", 0, pos) + 1


# --- use trees ------------------------------------------------------------------------------


def expand_tree(s):
    """`a::{b::c, d}` → [[a, b, c], [a, d]] (segments only; `self`, globs and `as` dropped)."""
    s = re.sub(r"\s+", "", re.sub(r"\s+as\s+\w+", "", s))
    paths = []

    def walk(prefix, t):
        depth, start, items = 0, 0, []
        for k, ch in enumerate(t):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                items.append(t[start:k])
                start = k + 1
        items.append(t[start:])
        for item in items:
            if not item:
                continue
            b = item.find("{")
            if b >= 0 and item.endswith("}"):
                head = [p for p in item[:b].split("::") if p]
                walk(prefix + head, item[b + 1:-1])
            else:
                segs = [p for p in item.split("::") if p and p not in ("self", "*")]
                paths.append(prefix + segs)

    walk([], s)
    return paths


def module_path(rel, src):
    """server/src/a/b.rs → [a, b]; a/mod.rs → [a]; lib.rs and main.rs → []."""
    parts = os.path.relpath(rel, src).split("/")
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "mod" or (len(parts) == 1 and parts[0] in ("lib", "main")):
        parts.pop()
    return parts


def unit_of_file(rel, cfg):
    """The file's node: its top-level folder or file (in a container, its sub-folder or file)."""
    parts = [p[:-3] if p.endswith(".rs") else p for p in os.path.relpath(rel, cfg["src"]).split("/")]
    if parts[0] in cfg["containers"] and len(parts) > 1 and parts[1] != "mod":
        return parts[0] + "/" + parts[1]
    return parts[0]


def top_modules(cfg):
    src = os.path.join(ROOT, cfg["src"])
    mods = set()
    for e in os.listdir(src):
        if e.endswith(".rs"):
            mods.add(e[:-3])
        elif os.path.isdir(os.path.join(src, e)):
            mods.add(e)
    return mods


def submodules(cfg, folder):
    d = os.path.join(ROOT, cfg["src"], folder)
    return {e[:-3] if e.endswith(".rs") else e for e in os.listdir(d) if e != "mod.rs"}


def root_reexports(cfg, mods):
    """Names the crate root re-exports (`pub use format::{read_snapshot, ...}`) → their folder."""
    out = {}
    for root in ("lib.rs", "main.rs"):
        p = os.path.join(ROOT, cfg["src"], root)
        if not os.path.exists(p):
            continue
        code = strip_rust(read(os.path.relpath(p, ROOT)))
        for m in re.finditer(r"\bpub\s+use\s+([^;]+);", code):
            for path in expand_tree(m.group(1)):
                if path and path[0] in mods:
                    out[path[-1]] = path[0]
    return out


def imports(rel, cfg, mods, reexp):
    """(line, unit) for each path of the file that names another module of its crate."""
    code = blank_test_code(strip_rust(read(rel)))
    here = module_path(rel, cfg["src"])
    found = []
    pre = "|".join(cfg["prefixes"])
    # absolute paths: crate::a::b, crate::{a, b::c}
    for m in re.finditer(r"(?<![\w:])(?:%s)\s*::\s*" % pre, code):
        j = m.end()
        if j < len(code) and code[j] == "{":
            depth, k = 0, j
            while k < len(code):
                depth += {"{": 1, "}": -1}.get(code[k], 0)
                if depth == 0:
                    break
                k += 1
            paths = expand_tree(code[j + 1:k])
        else:
            t = re.match(r"[\w:\s]*", code[j:]).group(0)
            paths = [[p for p in re.sub(r"\s+", "", t).split("::") if p]]
        for path in paths:
            found.append((line_of(code, m.start()), path))
    # relative paths: super::super::x (only the ones that leave the file's folder matter)
    for m in re.finditer(r"(?<![\w:])((?:super\s*::\s*)+)([\w:\s]*)", code):
        ups = m.group(1).count("super")
        base = here[: len(here) - ups] if ups <= len(here) else []
        rest = [p for p in re.sub(r"\s+", "", m.group(2)).split("::") if p]
        found.append((line_of(code, m.start()), base + rest))
    out = []
    for line, path in found:
        if not path:
            continue
        if path[0] not in mods:
            if path[0] in reexp:
                path = [reexp[path[0]]] + path
            else:
                continue
        unit = path[0]
        if unit in cfg["containers"] and len(path) > 1 and path[1] in submodules(cfg, unit):
            unit = unit + "/" + path[1]
        out.append((line, unit))
    return out


def find_cycle(graph):
    """One cycle of the graph as a list of nodes (first == last), or None."""
    color = {}
    for start in sorted(graph):
        if color.get(start):
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        color[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
                path.pop()
            elif color.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not color.get(nxt):
                color[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))
    return None


# --- the checks ---------------------------------------------------------------------------


def check_size(fail):
    for top in SIZE_DIRS:
        for rel in rust_files(top):
            if is_test_file(rel):
                continue
            n = read(rel).count("\n")
            if n > MAX_LINES:
                fail("size", rel, 1, f"{n} lines (at most {MAX_LINES}): split it by what its parts do")


def check_imports(fail):
    for name, cfg in CRATES.items():
        mods = top_modules(cfg)
        reexp = root_reexports(cfg, mods)
        graph = {}
        where = {}
        for rel in rust_files(cfg["src"]):
            if is_test_file(rel):
                continue
            src_unit = unit_of_file(rel, cfg)
            listed = cfg["lists"].get(rel)
            for line, unit in imports(rel, cfg, mods, reexp):
                if unit == src_unit:
                    continue
                feature = unit.split("/")[0] not in cfg["core"]
                if listed and feature and (listed == "features" or unit.startswith(listed)):
                    continue  # a list file naming the features it lists
                if cfg["core"] and feature and src_unit.split("/")[0] in cfg["core"]:
                    fail("core", rel, line, f"the shared core ({src_unit}) imports the feature {unit}: "
                         f"move what both need into the core, or this part into the feature")
                    continue
                if name == "engine":
                    lo, hi = layer_of(src_unit), layer_of(unit)
                    if hi > lo:
                        fail("layers", rel, line, f"{src_unit} (layer {lo + 1}) imports {unit} (layer {hi + 1}), "
                             f"a layer above it: move the shared part down")
                        continue
                a, b = node(src_unit, cfg), node(unit, cfg)
                if a != b:
                    graph.setdefault(a, set()).add(b)
                    where.setdefault((a, b), f"{rel}:{line}")
        if "--graph" in sys.argv:
            for a in sorted(graph):
                print(f"{cfg['src']}: {a} → {', '.join(sorted(graph[a]))}")
        cycle = find_cycle(graph)
        while cycle:
            steps = [f"{a} → {b} ({where[(a, b)]})" for a, b in zip(cycle, cycle[1:])]
            fail("cycles", f"{cfg['src']}", 0, "import cycle: " + ", ".join(steps))
            a, b = cycle[-2], cycle[-1]
            graph[a].discard(b)  # report the next one too
            cycle = find_cycle(graph)


def node(unit, cfg):
    """The graph's node of a unit: the shared core is one node (its folders use each other)."""
    return "core" if unit.split("/")[0] in cfg["core"] else unit


def layer_of(unit):
    for i, layer in enumerate(ENGINE_LAYERS):
        if unit in layer:
            return i
    sys.exit(f"invariants.py: engine/src/{unit} is in no layer of ENGINE_LAYERS: add it there "
             f"(and to engine/src/README.md)")


def check_edges(fail):
    for top in BOTH:
        for rel in rust_files(top):
            if is_test_file(rel):
                continue
            code = blank_test_code(strip_rust(read(rel)))
            for p, dirs in EDGE_APIS:
                if top not in dirs:
                    continue
                for m in re.finditer(p, code):
                    fail("edges", rel, line_of(code, m.start()),
                         f"`{m.group(0).strip()}` walks references outside the engine: "
                         f"ask an engine function instead")


def check_core_only(fail):
    for rel in rust_files(CORE_ONLY_SRC):
        if is_test_file(rel) or any(rel.startswith(d) for d in CORE_ONLY_DIRS):
            continue
        code = blank_test_code(strip_rust(read(rel)))
        for p, name, instead in CORE_ONLY:
            for m in re.finditer(p, code):
                fail("core", rel, line_of(code, m.start()),
                     f"`{name}` outside the server's shared core ({', '.join(CORE_ONLY_DIRS)}): {instead}")


def main():
    failures, used = [], set()

    def fail(check, rel, line, what):
        if (check, rel, what) in ALLOWED:  # a cycle's file is its crate's src folder
            used.add((check, rel, what))
            return
        failures.append(f"{rel}:{line}: [{check}] {what}" if line else f"{rel}: [{check}] {what}")

    check_size(fail)
    check_imports(fail)
    check_edges(fail)
    check_core_only(fail)
    for key in sorted(set(ALLOWED) - used):
        failures.append(f"scripts/invariants.py: ALLOWED {key} no longer happens: remove it")
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        print(f"{len(failures)} architecture invariant(s) broken (ARCHITECTURE.md, Invariants)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
