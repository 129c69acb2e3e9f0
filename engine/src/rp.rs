//! heapy's reference pattern (`hp.iso(x).rp`, guppy/heapy/RefPat.py): a tree of referrer
//! partitions. Line 0 is the set; the children of a line are the rows of its referrers
//! partitioned by clodo (heapy's default kind), in heapy's row order, depth first. A line is
//! not expanded when its set was already printed (`[^ N]`, N the first line with that set),
//! when nothing refers to it (`[R]`), when all its members are of a stop kind (`[S]`:
//! module, type, their dicts, code, frame; not on line 0) or at the depth limit (`[+]`,
//! default 7); expanded lines are `[-]`. heapy's root is a referrer like any other object,
//! printed as its type `guppy.heapy.heapyc.RootStateType`.
//!
//! The text is heapy's first page: the label, then at most 11 lines, or 10 and
//! `<Type e.g. '_.more' for more.>`. Lines are generated with an explicit stack, at most
//! `max_lines` of them (heapy generates lazily; a pattern can be exponentially wide).

use crate::heap::brief::{brief, kind_label, render_plain};
use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::Heap;
use crate::partition::{partition, Relation};
use crate::query::{Expr, Query, Selector};
use std::collections::HashMap;
use std::sync::Arc;

/// heapy's default depth (`RefPat._GLUECLAMP_.depth`).
pub const DEFAULT_DEPTH: u32 = 7;
/// heapy's first line.
pub const LABEL: &str = "Reference Pattern by <[dict of] class>.";
/// heapy's root as a referrer: its type, and `sys.getsizeof` of it (which orders its row).
pub const ROOT_KIND: &str = "guppy.heapy.heapyc.RootStateType";
const ROOT_SIZE: u64 = 16;
/// heapy's `line_length` and `max_more_lines`.
const LINE_LENGTH: usize = 80;
const MAX_MORE_LINES: usize = 10;
/// Characters of rendered members in [`RpLine::members`].
pub const MEMBERS_WIDTH: isize = 160;
const MORE: &str = "<Type e.g. '_.more' for more.>";
/// The kinds whose members end a branch (`RefPat._get_stopkind`).
const STOP_KINDS: [&str; 6] = ["module", "type", "dict of module", "dict of type", "types.CodeType", "types.FrameType"];
/// Kinds heapy renders with the one function `repr`, so a set mixing only these renders values.
const REPR_KINDS: [&str; 5] = ["int", "float", "bool", "complex", "types.NoneType"];

/// How a line ends its branch, printed between the fill and the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `[^ N]`: the same set as line N, not expanded again.
    Seen(u32),
    /// `[R]`: nothing refers to the set.
    Root,
    /// `[S]`: every member is of a stop kind.
    Stop,
    /// `[-]`: expanded.
    Expanded,
    /// `[+]`: at the depth limit.
    DepthLimit,
}

impl std::fmt::Display for Marker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Marker::Seen(n) => write!(f, "[^ {n}]"),
            Marker::Root => f.write_str("[R]"),
            Marker::Stop => f.write_str("[S]"),
            Marker::Expanded => f.write_str("[-]"),
            Marker::DepthLimit => f.write_str("[+]"),
        }
    }
}

/// One line of a reference pattern.
#[derive(Debug, Clone)]
pub struct RpLine {
    /// heapy's name of the line: the child index at each level as letters, runs of more than
    /// two as letter and count (`_`, `a`, `ab`, `a3`).
    pub name: String,
    pub depth: u32,
    pub parent: Option<u32>,
    pub marker: Marker,
    /// The kind label (`dict of module`), `(float | int)` for a mixed line 0, [`ROOT_KIND`].
    pub kind: String,
    pub set: ObjSet,
    pub size: u64,
    /// The row of the parent's referrers by clodo this line is (`None` on line 0 and for
    /// heapy's root): by label, or by index when two kinds share the label.
    pub selector: Option<Selector>,
    /// The first members as the kind renders them (heapy's summary with room for
    /// [`MEMBERS_WIDTH`] characters instead of what an 80-column line leaves).
    pub members: String,
    /// heapy's line, e.g. ` 1: a      [S] 1 dict of module: __main__`.
    pub text: String,
}

/// A reference pattern: its lines in heapy's order and heapy's printout of them.
#[derive(Debug, Clone)]
pub struct ReferencePattern {
    pub depth: u32,
    pub lines: Vec<RpLine>,
    /// False when generation stopped at `max_lines`.
    pub complete: bool,
    /// heapy's `str(rp)`: [`LABEL`], then the first page of lines.
    pub text: String,
}

/// A child of a line before it is a line: its kind label, set, and row of the parent's
/// referrers by clodo (`None` for heapy's root).
struct Child {
    kind: String,
    set: ObjSet,
    selector: Option<Selector>,
}

/// heapy's `rp(X, depth)`, generated up to `max_lines` lines (at least heapy's first page).
pub fn rp(heap: &Heap, set: &ObjSet, depth: u32, max_lines: usize) -> ReferencePattern {
    let max_lines = max_lines.max(MAX_MORE_LINES + 2);
    let mut lines: Vec<RpLine> = Vec::new();
    // heapy's `seensets`: the first line of each set, found by the set's hash
    let mut seen: HashMap<u64, Vec<u32>> = HashMap::new();
    // (line, its children, the next child to make)
    let mut stack: Vec<(u32, Vec<Child>, usize)> = Vec::new();
    let mut ixl: Vec<u32> = Vec::new();
    let mut pending = Some((Child { kind: set_kind(heap, set), set: set.clone(), selector: None }, None::<u32>));
    let mut complete = true;
    loop {
        if let Some((child, parent)) = pending.take() {
            if lines.len() >= max_lines {
                complete = false;
                break;
            }
            let index = lines.len() as u32;
            let d = parent.map_or(0, |p| lines[p as usize].depth + 1);
            let hash = set_hash(&child.set);
            let seen_line =
                seen.get(&hash).and_then(|ls| ls.iter().copied().find(|&l| lines[l as usize].set == child.set));
            let stop = d > 0 && is_stop(heap, &child.set);
            let expand = seen_line.is_none() && d < depth && !stop;
            let children = if expand { children(heap, &child.set) } else { Vec::new() };
            let no_referrers = if expand { children.is_empty() } else { !has_referrers(heap, &child.set) };
            let marker = match seen_line {
                Some(n) => Marker::Seen(n),
                None if no_referrers => Marker::Root,
                None if stop => Marker::Stop,
                None if d < depth => Marker::Expanded,
                None => Marker::DepthLimit,
            };
            if seen_line.is_none() {
                seen.entry(hash).or_default().push(index);
            }
            let name = ixl_name(&ixl);
            let text = line_text(heap, index, &name, d, marker, &child.kind, &child.set);
            let size = heap.size_of(&child.set);
            let members = rendered(heap, &child.kind, &child.set, MEMBERS_WIDTH);
            lines.push(RpLine {
                name,
                depth: d,
                parent,
                marker,
                kind: child.kind,
                set: child.set,
                size,
                selector: child.selector,
                members,
                text,
            });
            if expand && !children.is_empty() {
                stack.push((index, children, 0));
            }
            continue;
        }
        let Some(top) = stack.last_mut() else { break };
        if top.2 < top.1.len() {
            let i = top.2;
            top.2 += 1;
            let child =
                std::mem::replace(&mut top.1[i], Child { kind: String::new(), set: ObjSet::default(), selector: None });
            ixl.truncate(lines[top.0 as usize].depth as usize);
            ixl.push(i as u32);
            pending = Some((child, Some(top.0)));
        } else {
            stack.pop();
        }
    }
    ReferencePattern { depth, text: page_text(&lines), lines, complete }
}

impl ReferencePattern {
    /// The query selecting line `i`'s set, from the query of line 0's set: each level is
    /// `.referrers.byclodo["kind"]` of its parent (`None` on a line of heapy's root).
    pub fn line_query(&self, base: &Query, i: usize) -> Option<Query> {
        let mut chain = Vec::new();
        let mut at = i as u32;
        while let Some(parent) = self.lines[at as usize].parent {
            chain.push(self.lines[at as usize].selector.clone()?);
            at = parent;
        }
        let mut expr = base.expr.clone();
        for selector in chain.into_iter().rev() {
            expr = Expr::Row {
                of: Arc::new(Expr::Referrers(Arc::new(expr))),
                relation: Relation::Clodo,
                selector,
                position: 0,
            };
        }
        Some(Query { expr, view: None })
    }
}

fn set_hash(set: &ObjSet) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    set.as_slice().hash(&mut h);
    h.finish()
}

/// heapy's `X.referrers` with its root: the reachable objects that refer to a member.
fn referrers(heap: &Heap, set: &ObjSet) -> (ObjSet, bool) {
    let by_root = set.iter().any(|o| heap.rev.sources(o).contains(&ObjId::ROOT.0));
    (heap.referrers_of(set), by_root)
}

fn has_referrers(heap: &Heap, set: &ObjSet) -> bool {
    set.iter().any(|o| heap.rev.sources(o).iter().any(|&s| s == ObjId::ROOT.0 || heap.reachable[s as usize]))
}

/// The rows of the referrers partitioned by clodo, heapy's root placed by its size. The
/// referrers are split into the rows in one pass by kind label; a label that two kinds
/// share (two classes of one name) is split by the partition itself.
fn children(heap: &Heap, set: &ObjSet) -> Vec<Child> {
    let (refs, by_root) = referrers(heap, set);
    let p = partition(heap, &refs, Relation::Clodo);
    let rows: Vec<crate::partition::Row> = p.rows(heap).collect();
    let mut row_of: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        row_of.entry(r.label.as_str()).and_modify(|e| *e = None).or_insert(Some(i));
    }
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); rows.len()];
    for o in refs.iter() {
        crate::work::check();
        if let Some(&Some(i)) = kind_label(heap, o).and_then(|k| row_of.get(k)) {
            members[i].push(o.0);
        }
    }
    let mut out: Vec<(u64, Child)> = Vec::with_capacity(rows.len() + 1);
    for (i, (r, m)) in rows.iter().zip(members).enumerate() {
        let (set, selector) = match row_of[r.label.as_str()] {
            Some(_) => (ObjSet::from_sorted(m), Selector::Label(r.label.clone())),
            None => (p.row_set(heap, &refs, i), Selector::Index(i as i64)),
        };
        out.push((r.size, Child { kind: r.label.clone(), set, selector: Some(selector) }));
    }
    if by_root {
        let at = out
            .iter()
            .position(|(size, c)| *size < ROOT_SIZE || (*size == ROOT_SIZE && c.kind.as_str() > ROOT_KIND))
            .unwrap_or(out.len());
        let root = Child { kind: ROOT_KIND.to_owned(), set: ObjSet::from_sorted(vec![ObjId::ROOT.0]), selector: None };
        out.insert(at, (ROOT_SIZE, root));
    }
    out.into_iter().map(|(_, c)| c).collect()
}

/// `set <= stopkind`.
fn is_stop(heap: &Heap, set: &ObjSet) -> bool {
    set.iter().all(|o| kind_label(heap, o).is_some_and(|k| STOP_KINDS.contains(&k)))
}

/// heapy's `set.kind` by clodo: the one kind, or `(a | b)` of the sorted kinds.
fn set_kind(heap: &Heap, set: &ObjSet) -> String {
    let mut kinds: Vec<&str> = set.iter().map(|o| kind_label(heap, o).unwrap_or(ROOT_KIND)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    match kinds.as_slice() {
        [] => "<Nothing>".to_owned(),
        [one] => (*one).to_owned(),
        many => format!("({})", many.join(" | ")),
    }
}

/// heapy's `ixl_as_str`: `_` for line 0, else a letter per level, runs of three or more
/// as the letter and the run's length.
fn ixl_name(ixl: &[u32]) -> String {
    if ixl.is_empty() {
        return "_".to_owned();
    }
    let chars: Vec<char> = ixl.iter().map(|&i| char::from_u32('a' as u32 + i).unwrap_or('?')).collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut j = i + 1;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        if j - i > 2 {
            out.push(chars[i]);
            out.push_str(&(j - i).to_string());
        } else {
            (i..j).for_each(|_| out.push(chars[i]));
        }
        i = j;
    }
    out
}

/// heapy's `RefPatRow.__str__`: number, name, a fill of `-` (even lines) or spaces (odd)
/// up to column 9 + depth, the marker, and the summary cut to 80 columns.
fn line_text(heap: &Heap, index: u32, name: &str, depth: u32, marker: Marker, kind: &str, set: &ObjSet) -> String {
    let prestr = format!("{index:2}: {name} ");
    let fill_to = (9 + depth as usize).min(100);
    let fill = if index & 1 == 1 { " " } else { "-" }.repeat(fill_to.saturating_sub(prestr.chars().count()));
    let prefix = format!("{prestr}{fill} {marker} ");
    let max_len = LINE_LENGTH as isize - prefix.chars().count() as isize;
    format!("{prefix}{}", summary(heap, kind, set, max_len))
}

/// heapy's `get_str_refpat`: `N kind: ` and the rendered members, cut with `...`.
fn summary(heap: &Heap, kind: &str, set: &ObjSet, max_len: isize) -> String {
    let head = format!("{} {kind}: ", set.len());
    let rendered = rendered(heap, kind, set, max_len - head.chars().count() as isize);
    let s = head + &rendered;
    if s.chars().count() as isize > max_len {
        let keep = py_slice_end(s.chars().count(), max_len - 3);
        let mut cut: String = s.chars().take(keep).collect();
        cut.push_str("...");
        return cut;
    }
    s
}

/// The end index of Python's `s[:end]` for a string of `len` characters.
fn py_slice_end(len: usize, end: isize) -> usize {
    if end < 0 {
        len.saturating_sub(end.unsigned_abs())
    } else {
        (end as usize).min(len)
    }
}

/// heapy's `get_str_rendered`: members in address order while they fit, the last one
/// that fits marked `...` when more follow, then sorted as strings.
fn rendered(heap: &Heap, kind: &str, set: &ObjSet, max_len: isize) -> String {
    let mut strs: Vec<String> = Vec::new();
    let mut lens: isize = 0;
    for o in first_by_address(heap, set) {
        let rs = render(heap, kind, o);
        let n = rs.chars().count() as isize;
        if lens != 0 && lens + n + 2 >= max_len {
            if let Some(last) = strs.last_mut() {
                last.push_str("...");
            }
            break;
        }
        lens += n + 2;
        strs.push(rs);
    }
    strs.sort();
    strs.join(", ")
}

/// The members with the smallest addresses, ascending: more than a line can show.
fn first_by_address(heap: &Heap, set: &ObjSet) -> Vec<ObjId> {
    const ENOUGH: usize = 64;
    let addr = &heap.snap.addr;
    let mut v: Vec<(u64, u32)> = set.as_slice().iter().map(|&o| (addr[o as usize], o)).collect();
    if v.len() > ENOUGH {
        v.select_nth_unstable(ENOUGH);
        v.truncate(ENOUGH);
    }
    v.sort_unstable();
    v.into_iter().map(|(_, o)| ObjId(o)).collect()
}

/// One member as the line's kind renders it: a kind's own render (the part of heapy's
/// brief after `kind: `), or for a mixed line 0 the address (values when every kind is
/// rendered by `repr`).
fn render(heap: &Heap, kind: &str, o: ObjId) -> String {
    let addr = heap.snap.addr[o.idx()];
    let Some(own) = kind_label(heap, o) else { return format!("{addr:#x}") };
    if own == kind {
        let b = brief(heap, o);
        return b.strip_prefix(own).and_then(|r| r.strip_prefix(": ")).map(str::to_owned).unwrap_or(b);
    }
    let all_repr = kind.trim_matches(|c| c == '(' || c == ')').split(" | ").all(|k| REPR_KINDS.contains(&k));
    if all_repr {
        render_plain(heap, o)
    } else {
        format!("{addr:#x}")
    }
}

/// heapy's first page of `str(rp)`: the label and 11 lines, or 10 and the `more` line.
fn page_text(lines: &[RpLine]) -> String {
    let mut out = vec![LABEL];
    if lines.len() <= MAX_MORE_LINES + 1 {
        out.extend(lines.iter().map(|l| l.text.as_str()));
    } else {
        out.extend(lines[..MAX_MORE_LINES].iter().map(|l| l.text.as_str()));
        out.push(MORE);
    }
    out.join("\n").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_snapshot;
    use crate::testing::small_snapshot;

    fn heap() -> Heap {
        Heap::new(read_snapshot(&small_snapshot()).unwrap())
    }

    #[test]
    fn names_compress_runs_like_heapy() {
        assert_eq!(ixl_name(&[]), "_");
        assert_eq!(ixl_name(&[0, 0]), "aa");
        assert_eq!(ixl_name(&[0, 0, 0]), "a3");
        assert_eq!(ixl_name(&[1, 0, 0, 0, 0, 2]), "ba4c");
    }

    #[test]
    fn a_shared_str_pattern() {
        let h = heap();
        // str 9 is held by the list and by the first A's dict
        let p = rp(&h, &ObjSet::from_sorted(vec![9]), DEFAULT_DEPTH, 100);
        let text: Vec<&str> = p.text.lines().collect();
        assert_eq!(text[0], LABEL);
        assert!(text[1].starts_with(" 0: _ --- [-] 1 str: "), "{}", text[1]);
        let markers: Vec<String> = p.lines.iter().map(|l| format!("{} {} {}", l.name, l.marker, l.kind)).collect();
        assert_eq!(
            markers,
            [
                "_ [-] str",
                "a [-] dict of m.A",
                "aa [-] m.A",
                "a3 [S] dict of module",
                "b [-] list",
                "ba [^ 3] dict of module"
            ]
        );
        assert_eq!(text[2], " 1: a      [-] 1 dict of m.A: 0x4000");
        assert_eq!(text[4], " 3: a3       [S] 1 dict of module: m");
        assert_eq!(text[5], " 4: b ---- [-] 1 list: 0x8000*3");
        assert!(p.complete);
    }

    #[test]
    fn the_root_is_a_referrer_and_depth_limits() {
        let h = heap();
        let p = rp(&h, &ObjSet::from_sorted(vec![1]), DEFAULT_DEPTH, 100);
        assert_eq!(p.lines[1].kind, ROOT_KIND);
        assert_eq!(p.lines[1].marker, Marker::Root);
        assert_eq!(p.lines[1].text, format!(" 1: a      [R] 1 {ROOT_KIND}: 0x0"));
        let p = rp(&h, &ObjSet::from_sorted(vec![9]), 1, 100);
        assert_eq!(
            p.lines.iter().map(|l| l.marker).collect::<Vec<_>>(),
            [Marker::Expanded, Marker::DepthLimit, Marker::DepthLimit]
        );
    }

    #[test]
    fn mixed_sets_and_queries() {
        let h = heap();
        let base = Query::parse("@0x9000 | @0x4000").unwrap();
        let set = h.select(&base).unwrap().set;
        let p = rp(&h, &set, DEFAULT_DEPTH, 100);
        assert_eq!(p.lines[0].text, " 0: _ --- [-] 2 (m.A | str): 0x4000, 0x9000");
        for i in 0..p.lines.len() {
            let q = p.line_query(&base, i).unwrap();
            let reparsed = Query::parse(&q.to_string()).unwrap();
            assert_eq!(h.select(&reparsed).unwrap().set, p.lines[i].set, "line {i}: {q}");
        }
    }

    #[test]
    fn long_lines_are_cut_and_pages_end_with_more() {
        let h = heap();
        let p = rp(&h, &ObjSet::from_sorted(vec![9, 10, 11]), DEFAULT_DEPTH, 100);
        assert!(p.text.lines().all(|l| l.chars().count() <= LINE_LENGTH));
        let many: Vec<u32> = (1..13).collect();
        let p = rp(&h, &ObjSet::from_sorted(many), DEFAULT_DEPTH, 100);
        assert!(p.lines.len() <= 12 || p.text.ends_with(MORE));
    }

    #[test]
    fn two_kinds_of_one_label_are_two_rows_picked_by_index() {
        use crate::format::EdgeName;
        use crate::SnapshotWriter;
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t_dict = w.add_type(None, "dict").unwrap();
        let t_a1 = w.add_type(None, "m.A").unwrap();
        let t_a2 = w.add_type(None, "m.A").unwrap();
        let t_str = w.add_type(None, "str").unwrap();
        let modules = w.name(".i0_modules").unwrap();
        let x = w.name(".x").unwrap();
        w.object(0, None, 0, &[(ObjId(1), modules)]).unwrap();
        w.object(0x1000, Some(t_dict), 640, &[(ObjId(2), EdgeName::Index(0)), (ObjId(3), EdgeName::Index(1))]).unwrap();
        w.object(0x2000, Some(t_a1), 56, &[(ObjId(4), x)]).unwrap();
        w.object(0x3000, Some(t_a2), 48, &[(ObjId(4), x)]).unwrap();
        w.object(0x4000, Some(t_str), 50, &[]).unwrap();
        let h = Heap::new(read_snapshot(&w.finish(&serde_json::json!({})).unwrap()).unwrap());
        let base = Query::parse("@0x4000").unwrap();
        let p = rp(&h, &ObjSet::from_sorted(vec![4]), DEFAULT_DEPTH, 100);
        let rows: Vec<(&str, usize)> =
            p.lines.iter().filter(|l| l.depth == 1).map(|l| (l.kind.as_str(), l.set.len())).collect();
        assert_eq!(rows, [("m.A", 1), ("m.A", 1)]);
        for i in 0..p.lines.len() {
            let Some(q) = p.line_query(&base, i) else {
                assert_eq!(p.lines[i].kind, ROOT_KIND);
                continue;
            };
            assert_eq!(h.select(&Query::parse(&q.to_string()).unwrap()).unwrap().set, p.lines[i].set, "{q}");
        }
    }
}
