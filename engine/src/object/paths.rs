//! heapy's `shpaths`: every shortest path from the root (`hp.Root`) to the members of a set
//! that lie at the smallest depth, in heapy's order, with heapy's text
//! (` 0: hp.Root.i0_modules['__main__'].__dict__['cache'][3]`, then `<... N more paths ...>`).
//!
//! One call is O(reachable objects + edges): a breadth-first search from the root with an
//! explicit queue stops after the layer where the set is first met; the shortest-path graph
//! is then walked backwards through referrers one layer up, the number of paths counted by
//! dynamic programming over its layers (saturating `u64`), and the first paths enumerated
//! depth-first the way guppy3's `PathsIter` does (guppy/heapy/Path.py): from the root, at
//! each step the edges sorted by heapy's relation order (relation kind first: attribute,
//! index or value, key, `->` member, ..., set member; then the name or number).

use crate::format::EdgeName;
use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::snapshot::Snapshot;
use crate::heap::Heap;
use std::cmp::Ordering;
use std::collections::HashMap;

/// Paths returned when the caller does not say how many (heapy prints ten).
pub const DEFAULT_LIMIT: usize = 10;
/// Paths heapy prints before its `<... N more paths ...>` line.
const HEAPY_MAX_LINES: usize = 10;
/// heapy's name of the root in a path.
pub const ROOT_NAME: &str = "hp.Root";
/// The text line for a set none of whose members the root reaches.
pub const NO_PATH: &str = "<No path: hp.Root does not reach it (heapu)>";

/// One step of a path: the edge taken (a forward edge index) and the object it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub edge: u32,
    pub target: ObjId,
}

/// The shortest paths from the root to a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortestPaths {
    /// The length of the shortest paths; `None` when the root reaches no member.
    pub depth: Option<u32>,
    /// The members at that depth, ascending.
    pub targets: Vec<ObjId>,
    /// The number of shortest paths (saturating), counting parallel edges separately.
    pub total: u64,
    /// The first paths in heapy's order: `limit` of them, or when `limit` is at least 10,
    /// also every path the text numbers (heapy prints an 11th path rather than a `more` line).
    pub paths: Vec<Vec<Step>>,
    /// heapy's text: up to 11 numbered lines, or 10 and `<... N more paths ...>`
    /// ([`NO_PATH`] alone when there is no path).
    pub text: Vec<String>,
}

/// Distances are `u32`; this bit marks objects on the shortest-path graph.
const ON_GRAPH: u32 = 1 << 31;
const UNSEEN: u32 = u32::MAX;

/// heapy's `shpaths(X)`: all shortest paths from the root to the members of `set` at the
/// smallest depth; the first `limit` in full. A set holding the root has the empty path.
pub fn shpaths(heap: &Heap, set: &ObjSet, limit: usize) -> ShortestPaths {
    let snap = &heap.snap;
    if set.contains(ObjId::ROOT) {
        let paths = if limit > 0 { vec![Vec::new()] } else { Vec::new() };
        return ShortestPaths {
            depth: Some(0),
            targets: vec![ObjId::ROOT],
            total: 1,
            paths,
            text: vec![format!("{:2}: {ROOT_NAME}", 0)],
        };
    }
    let (mut dist, found) = bfs_until(snap, set);
    let Some((depth, targets)) = found else {
        return ShortestPaths {
            depth: None,
            targets: Vec::new(),
            total: 0,
            paths: Vec::new(),
            text: vec![NO_PATH.into()],
        };
    };
    // backwards: the shortest-path graph, one layer of referrers at distance d - 1 at a time
    let mut graph: Vec<Vec<u32>> = vec![Vec::new(); depth as usize + 1];
    for &t in &targets {
        dist[t as usize] |= ON_GRAPH;
    }
    graph[depth as usize] = targets.clone();
    for k in (1..=depth as usize).rev() {
        let mut up = Vec::new();
        for &t in &graph[k] {
            crate::work::check();
            for &s in heap.rev.sources(ObjId(t)) {
                if dist[s as usize] == k as u32 - 1 {
                    dist[s as usize] |= ON_GRAPH;
                    up.push(s);
                }
            }
        }
        graph[k - 1] = up;
    }
    // forwards: paths from the root to each node of the graph, layer by layer
    let mut count: HashMap<u32, u64> = HashMap::from([(0, 1)]);
    for (k, layer) in graph.iter().enumerate().skip(1) {
        for &v in layer {
            crate::work::check();
            let mut n = 0u64;
            for &s in heap.rev.sources(ObjId(v)) {
                if dist[s as usize] == (k as u32 - 1) | ON_GRAPH {
                    n = n.saturating_add(count[&s]);
                }
            }
            count.insert(v, n);
        }
    }
    let total = targets.iter().fold(0u64, |a, t| a.saturating_add(count[t]));
    // heapy prints 11 paths whole, 12 or more as 10 and a `more` line
    let lines = if total <= HEAPY_MAX_LINES as u64 + 1 { total as usize } else { HEAPY_MAX_LINES };
    let mut paths = enumerate(snap, &dist, depth, limit.max(lines));
    let text = heapy_text(snap, &paths, total, lines);
    paths.truncate(if limit >= HEAPY_MAX_LINES { limit.max(lines) } else { limit });
    ShortestPaths { depth: Some(depth), targets: targets.into_iter().map(ObjId).collect(), total, paths, text }
}

/// Breadth-first search from the root, layer by layer, until a layer holds a member of
/// `set`. Returns the distances (`UNSEEN` beyond the last layer looked at) and, if a member
/// was found, its depth and the members in that layer (ascending).
fn bfs_until(snap: &Snapshot, set: &ObjSet) -> (Vec<u32>, Option<(u32, Vec<u32>)>) {
    let mut dist = vec![UNSEEN; snap.object_count()];
    dist[0] = 0;
    if set.is_empty() {
        return (dist, None);
    }
    let mut layer = vec![0u32];
    let mut depth = 0;
    loop {
        depth += 1;
        let mut next = Vec::new();
        for &u in &layer {
            crate::work::check();
            for &v in snap.referents(ObjId(u)) {
                if dist[v as usize] == UNSEEN {
                    dist[v as usize] = depth;
                    next.push(v);
                }
            }
        }
        if next.is_empty() {
            return (dist, None);
        }
        let mut found: Vec<u32> = next.iter().copied().filter(|&v| set.contains(ObjId(v))).collect();
        if !found.is_empty() {
            found.sort_unstable();
            return (dist, Some((depth, found)));
        }
        layer = next;
    }
}

/// heapy's relation order of an edge name (guppy/heapy/Path.py `RelationBase.__lt__`): the
/// relation code, then the attribute name, index or key. (heapy orders keys of different
/// types by the address of their type; here numbers come before text.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RelKey<'a> {
    code: i8,
    value: RelValue<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RelValue<'a> {
    Int(i128),
    Text(&'a str),
}

/// The inside of `[...]` as heapy's key: a number, or a quoted string without its quotes.
fn index_value(inner: &str) -> RelValue<'_> {
    if let Ok(n) = inner.parse::<i128>() {
        return RelValue::Int(n);
    }
    let b = inner.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        return RelValue::Text(&inner[1..inner.len() - 1]);
    }
    RelValue::Text(inner)
}

/// The [`RelKey`] of an encoded edge name (`Snapshot::edge_name`'s values).
pub(crate) fn rel_key<'a>(snap: &'a Snapshot, name: u32) -> RelKey<'a> {
    let (code, value) = match EdgeName::decode(name).expect("validated on read") {
        EdgeName::Index(i) => (2, RelValue::Int(i as i128)),
        EdgeName::Key(i) => (3, RelValue::Int(i as i128)),
        EdgeName::Member(i) => (9, RelValue::Int(i as i128)),
        EdgeName::Str(s) => {
            let t = snap.strings.get(s);
            let bracket = |rest: &'a str| index_value(rest.strip_suffix(']').unwrap_or(rest));
            if t.is_empty() {
                (-1, RelValue::Text(""))
            } else if let Some(r) = t.strip_prefix("->f_valuestack[") {
                (8, bracket(r))
            } else if let Some(r) = t.strip_prefix("->") {
                (4, RelValue::Text(r))
            } else if let Some(r) = t.strip_prefix(".__dict__.keys()[") {
                (5, bracket(r))
            } else if let Some(r) = t.strip_prefix(".keys()[") {
                (3, bracket(r))
            } else if let Some(r) = t.strip_prefix(".f_locals [") {
                (7, bracket(r))
            } else if let Some(r) = t.strip_prefix(".f_locals[") {
                (6, bracket(r))
            } else if let Some(r) = t.strip_prefix('.') {
                (1, RelValue::Text(r))
            } else if let Some(r) = t.strip_prefix('[') {
                (2, bracket(r))
            } else if let Some(r) = t.strip_prefix("list(_)[") {
                (9, bracket(r))
            } else {
                (10, RelValue::Text(t))
            }
        }
    };
    RelKey { code, value }
}

/// The first `want` shortest paths in heapy's order: depth-first from the root over the
/// shortest-path graph (objects marked `ON_GRAPH` one layer further), each object's edges
/// sorted by [`RelKey`] (then by target, for equal names).
fn enumerate(snap: &Snapshot, dist: &[u32], depth: u32, want: usize) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    if want == 0 {
        return out;
    }
    let mut children: HashMap<u32, Vec<Step>> = HashMap::new();
    let mut kids = |u: u32, k: u32| -> Vec<Step> {
        children
            .entry(u)
            .or_insert_with(|| {
                let mut v: Vec<Step> = snap
                    .edges_of(ObjId(u))
                    .filter(|&e| dist[snap.edge_target[e] as usize] == (k + 1) | ON_GRAPH)
                    .map(|e| Step { edge: e as u32, target: ObjId(snap.edge_target[e]) })
                    .collect();
                v.sort_by(|a, b| {
                    rel_key(snap, snap.edge_name[a.edge as usize])
                        .cmp(&rel_key(snap, snap.edge_name[b.edge as usize]))
                        .then_with(|| cmp_addr(snap, a.target, b.target))
                });
                v
            })
            .clone()
    };
    // explicit stack: (children of the object at this depth, next child to take)
    let mut stack: Vec<(Vec<Step>, usize)> = vec![(kids(0, 0), 0)];
    let mut path: Vec<Step> = Vec::new();
    while let Some((list, next)) = stack.last_mut() {
        crate::work::check();
        if *next >= list.len() {
            stack.pop();
            path.pop();
            continue;
        }
        let step = list[*next];
        *next += 1;
        path.push(step);
        if path.len() as u32 == depth {
            out.push(path.clone());
            if out.len() >= want {
                break;
            }
            path.pop();
        } else {
            let k = path.len() as u32;
            stack.push((kids(step.target.0, k), 0));
        }
    }
    out
}

fn cmp_addr(snap: &Snapshot, a: ObjId, b: ObjId) -> Ordering {
    snap.addr[a.idx()].cmp(&snap.addr[b.idx()])
}

/// The name of a path step as the page shows it: heapy's edge name, `.??` for an edge
/// heapy cannot name.
pub fn step_name(snap: &Snapshot, edge: u32) -> String {
    let t = snap.edge_name_text(edge as usize);
    if t.is_empty() {
        ".??".to_owned()
    } else {
        t
    }
}

/// A path as heapy prints it: `hp.Root` then each step (a set member wraps what came
/// before: `list(hp.Root.x)[0]`).
pub fn path_text(snap: &Snapshot, path: &[Step]) -> String {
    let mut s = ROOT_NAME.to_owned();
    for step in path {
        let name = step_name(snap, step.edge);
        s = match name.strip_prefix("list(_)") {
            Some(rest) => format!("list({s}){rest}"),
            None => s + &name,
        };
    }
    s
}

/// heapy's printout: the first `shown` paths numbered, then `<... N more paths ...>` for the
/// rest, if any.
fn heapy_text(snap: &Snapshot, paths: &[Vec<Step>], total: u64, shown: usize) -> Vec<String> {
    let mut lines: Vec<String> =
        paths.iter().take(shown).enumerate().map(|(i, p)| format!("{i:2}: {}", path_text(snap, p))).collect();
    if total > shown as u64 {
        lines.push(format!("<... {} more paths ...>", total - shown as u64));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::small_snapshot;
    use crate::{read_snapshot, SnapshotWriter};

    fn small() -> Heap {
        Heap::new(read_snapshot(&small_snapshot()).unwrap())
    }

    fn one(o: u32) -> ObjSet {
        ObjSet::from_sorted(vec![o])
    }

    #[test]
    fn one_path_through_the_module_dict() {
        let h = small();
        let p = shpaths(&h, &one(9), DEFAULT_LIMIT);
        // str 9 is list[0] and A(4).__dict__['x']: the list is one step nearer the root
        assert_eq!(p.depth, Some(5));
        assert_eq!(p.total, 1);
        assert_eq!(p.text, vec![" 0: hp.Root.i0_modules['m'].__dict__['l'][0]"]);
        let targets: Vec<u32> = p.paths[0].iter().map(|s| s.target.0).collect();
        assert_eq!(targets, vec![1, 2, 3, 8, 9]);
        assert_eq!(step_name(&h.snap, p.paths[0][4].edge), "[0]");
    }

    #[test]
    fn a_set_takes_its_members_at_the_smallest_depth() {
        let h = small();
        // dicts of A (5, 7) are at depth 5, the free dict 12 at depth 4: only 12 counts
        let p = shpaths(&h, &ObjSet::from_unsorted(vec![5, 7, 12]), DEFAULT_LIMIT);
        assert_eq!(p.targets, vec![ObjId(12)]);
        assert_eq!(p.text, vec![" 0: hp.Root.i0_modules['m'].__dict__['free']"]);
        let p = shpaths(&h, &ObjSet::from_unsorted(vec![5, 7]), DEFAULT_LIMIT);
        assert_eq!(p.total, 2);
        assert_eq!(
            p.text,
            vec![
                " 0: hp.Root.i0_modules['m'].__dict__['a'].__dict__",
                " 1: hp.Root.i0_modules['m'].__dict__['b'].__dict__"
            ]
        );
    }

    #[test]
    fn the_root_has_the_empty_path_and_an_empty_set_none() {
        let h = small();
        assert_eq!(shpaths(&h, &one(0), 5).text, vec![" 0: hp.Root"]);
        let none = shpaths(&h, &ObjSet::default(), 5);
        assert_eq!((none.depth, none.total, none.text), (None, 0, vec![NO_PATH.to_owned()]));
    }

    /// root → a list of `n` references to one dict d (a diamond of n parallel edges),
    /// d → a tuple → a str; plus an unreachable object. Names chosen to test heapy's order.
    fn fan(n: u32) -> Heap {
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t_list = w.add_type(None, "list").unwrap();
        let t_dict = w.add_type(None, "dict").unwrap();
        let t_set = w.add_type(None, "set").unwrap();
        let t_str = w.add_type(None, "str").unwrap();
        let top = w.name(".i0_top").unwrap();
        let zed = w.name(".zed").unwrap();
        let arrow = w.name("->ob_type").unwrap();
        let key_b = w.name("['b']").unwrap();
        let key_a = w.name("['a']").unwrap();
        let unnamed = w.name("").unwrap();
        // 0 root, 1 list, 2 dict, 3 set, 4 str, 5 unreachable str
        w.object(0, None, 0, &[(ObjId(1), top)]).unwrap();
        let items: Vec<_> = (0..n).rev().map(|i| (ObjId(2), EdgeName::Index(i))).collect();
        w.object(0x100, Some(t_list), 56, &items).unwrap();
        w.object(
            0x200,
            Some(t_dict),
            64,
            &[(ObjId(3), key_b), (ObjId(3), arrow), (ObjId(3), zed), (ObjId(3), key_a), (ObjId(3), unnamed)],
        )
        .unwrap();
        w.object(0x300, Some(t_set), 200, &[(ObjId(4), EdgeName::Member(0))]).unwrap();
        w.object(0x400, Some(t_str), 50, &[]).unwrap();
        w.object(0x500, Some(t_str), 50, &[]).unwrap();
        w.unreachable(ObjId(5));
        Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap())
    }

    #[test]
    fn heapy_order_counts_and_the_more_line() {
        let h = fan(3);
        let p = shpaths(&h, &one(4), DEFAULT_LIMIT);
        // 3 list slots × 5 dict edges; heapy's relation order: .?? (none), attribute,
        // value by key, `->` member; a set member wraps the path before it
        assert_eq!(p.total, 15);
        assert_eq!(p.paths.len(), 10);
        assert_eq!(
            p.text[..6],
            [
                " 0: list(hp.Root.i0_top[0].??)[0]",
                " 1: list(hp.Root.i0_top[0].zed)[0]",
                " 2: list(hp.Root.i0_top[0]['a'])[0]",
                " 3: list(hp.Root.i0_top[0]['b'])[0]",
                " 4: list(hp.Root.i0_top[0]->ob_type)[0]",
                " 5: list(hp.Root.i0_top[1].??)[0]",
            ]
        );
        assert_eq!(p.text.len(), 11);
        assert_eq!(p.text[10], "<... 5 more paths ...>");
        assert_eq!(p.paths[0].iter().map(|s| s.target.0).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
        assert_eq!(shpaths(&h, &one(4), 3).paths.len(), 3);
        assert_eq!(shpaths(&h, &one(4), 20).paths.len(), 15);
    }

    #[test]
    fn eleven_paths_print_whole_like_heapy() {
        // heapy prints an 11th line rather than `<... 1 more paths ...>`
        let h = fan(1);
        assert_eq!(shpaths(&h, &one(3), DEFAULT_LIMIT).total, 5);
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t = w.add_type(None, "list").unwrap();
        let top = w.name(".i0_top").unwrap();
        let items: Vec<_> = (0..11).map(|i| (ObjId(2), EdgeName::Index(i))).collect();
        w.object(0, None, 0, &[(ObjId(1), top)]).unwrap();
        w.object(0x100, Some(t), 56, &items).unwrap();
        w.object(0x200, Some(t), 56, &[]).unwrap();
        let h = Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap());
        let p = shpaths(&h, &one(2), DEFAULT_LIMIT);
        assert_eq!(p.total, 11);
        assert_eq!(p.text.len(), 11);
        assert_eq!(p.text[10], "10: hp.Root.i0_top[10]");
        // every numbered line has its steps
        assert_eq!(p.paths.len(), 11);
        assert_eq!(shpaths(&h, &one(2), 5).paths.len(), 5);
    }

    #[test]
    fn unreachable_objects_have_no_path() {
        let h = fan(2);
        let p = shpaths(&h, &one(5), DEFAULT_LIMIT);
        assert_eq!((p.depth, p.total, p.paths.len()), (None, 0, 0));
        assert_eq!(p.text, vec![NO_PATH]);
    }

    #[test]
    fn counts_saturate_instead_of_overflowing() {
        // 64 layers of two parallel edges: 2^64 paths
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t = w.add_type(None, "list").unwrap();
        w.object(0, None, 0, &[(ObjId(1), EdgeName::Index(0)), (ObjId(1), EdgeName::Index(1))]).unwrap();
        for i in 1..=64u32 {
            let next = ObjId(i + 1);
            let edges: Vec<_> =
                if i < 64 { vec![(next, EdgeName::Index(0)), (next, EdgeName::Index(1))] } else { Vec::new() };
            w.object(0x1000 * i as u64, Some(t), 56, &edges).unwrap();
        }
        let h = Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap());
        assert_eq!(shpaths(&h, &one(10), 0).total, 1 << 10);
        assert_eq!(shpaths(&h, &one(63), 0).total, 1 << 63);
        let p = shpaths(&h, &one(64), 2);
        assert_eq!(p.total, u64::MAX);
        assert_eq!(p.paths.len(), 2);
        // the first path takes [0] everywhere, the second differs in the last step only
        assert!(p.text[0].ends_with("[0][0][0]"));
        assert!(p.text[1].ends_with("[0][0][1]"));
    }
}
