//! The row order of heapy's one-row-per-object partitions (`byid`, `byidset`), computed once at load.
//!
//! heapy orders these rows by size descending, then by a per-object key: `byid` by kind label,
//! then value (ints numerically) or address; `byidset` by its row label `<1 kind: detail>`.
//! Sorting 10M objects by such keys on every request would take seconds, and labelling every
//! row costs gigabytes. So [`Heap::new`](crate::Heap::new) sorts every object once per relation
//! (integers first, in parallel; strings only to break ties among objects of equal size and
//! kind), and a partition keeps just the object numbers of its rows in that order: the labels
//! of the rows that are shown are made when they are shown.
//!
//! A set's rows are the global order filtered by membership (one pass over a bit set), or, for
//! a set much smaller than the heap, its members sorted by the same key. Both give one order.

use crate::heap::brief::{kind_label, plain, plain_with, type_label, Plain};
use crate::heap::graph::Graph;
use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use rayon::prelude::*;
use std::cmp::{Ordering, Reverse};

/// Which per-object relation an order is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdMode {
    /// heapy's `byid`: size, then kind label, then value or address.
    Id,
    /// heapy's `byidset`: size, then the row label `<1 kind: detail>`.
    Idset,
}

/// Every object (the root and unreachable objects included) in one mode's row order, and
/// the rank of each kind in that order.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModeOrder {
    pub(crate) order: Vec<u32>,
    /// Rank of each kind's label (`byid`) or label prefix `kind: ` (`byidset`); the
    /// root, which has no kind, has the rank `kinds.len()` in the slot at the end.
    pub(crate) kind_rank: Vec<u32>,
}

/// The `byid` and `byidset` orders of a heap.
#[derive(Debug, Clone, Default)]
pub struct IdOrder {
    pub(crate) id: ModeOrder,
    pub(crate) idset: ModeOrder,
}

/// A set is sorted directly (instead of filtering the global order) when it has fewer
/// members than the heap has objects divided by this.
const SMALL_SET_DIVISOR: usize = 32;

impl IdOrder {
    /// Sorts every object of `heap` for both modes.
    pub fn new(heap: &Graph) -> IdOrder {
        IdOrder { id: ModeOrder::new(heap, IdMode::Id), idset: ModeOrder::new(heap, IdMode::Idset) }
    }

    /// The members of `set` in `mode`'s row order.
    pub fn rows_of(&self, heap: &Graph, mode: IdMode, set: &ObjSet) -> Vec<u32> {
        let m = match mode {
            IdMode::Id => &self.id,
            IdMode::Idset => &self.idset,
        };
        m.rows_of(heap, mode, set)
    }
}

impl ModeOrder {
    fn new(heap: &Graph, mode: IdMode) -> ModeOrder {
        let kind_rank = kind_ranks(heap, mode);
        let root_rank = kind_rank[heap.kinds.len()];
        let rank = |o: u32| heap.kinds.of(ObjId(o)).map_or(root_rank, |k| kind_rank[k.idx()]);
        let size = |o: u32| heap.snap.size[o as usize];
        // integers first: size descending, then kind (two stable counting sorts, O(N))
        let mut order = by_size_then_kind(heap, &rank, kind_rank.len());
        // then each run of equal size and kind by detail (value, address or text), in parallel
        let mut groups: Vec<&mut [u32]> =
            order.chunk_by_mut(|&a, &b| size(a) == size(b) && rank(a) == rank(b)).filter(|g| g.len() > 1).collect();
        groups.par_iter_mut().for_each(|g| sort_group(heap, mode, g));
        ModeOrder { order, kind_rank }
    }

    fn rows_of(&self, heap: &Graph, mode: IdMode, set: &ObjSet) -> Vec<u32> {
        if set.len().saturating_mul(SMALL_SET_DIVISOR) < self.order.len() {
            return self.sort_members(heap, mode, set);
        }
        let mut member = vec![0u64; self.order.len().div_ceil(64)];
        for o in set.as_slice() {
            member[*o as usize / 64] |= 1 << (o % 64);
        }
        self.order.iter().copied().filter(|&o| member[o as usize / 64] & (1 << (o % 64)) != 0).collect()
    }

    /// The members of a small set sorted by the key the global order uses.
    fn sort_members(&self, heap: &Graph, mode: IdMode, set: &ObjSet) -> Vec<u32> {
        let root_rank = self.kind_rank[heap.kinds.len()];
        let mut rows = set.as_slice().to_vec();
        rows.sort_by_cached_key(|&o| {
            let rank = heap.kinds.of(ObjId(o)).map_or(root_rank, |k| self.kind_rank[k.idx()]);
            (Reverse(heap.snap.size[o as usize]), rank, detail(heap, mode, ObjId(o)), o)
        });
        rows
    }
}

/// Every object ordered by size descending, then kind rank, then object number: a stable
/// counting sort by kind, then one by size (sizes below 64 KiB bucket directly, bigger
/// ones through a sorted table).
fn by_size_then_kind(heap: &Graph, rank: &(impl Fn(u32) -> u32 + Sync), ranks: usize) -> Vec<u32> {
    let n = heap.snap.object_count();
    let sizes = &heap.snap.size;
    let mut by_kind = vec![0u32; n];
    counting_sort(0..n as u32, ranks, rank, &mut by_kind);
    const DENSE: u64 = 1 << 16;
    let mut big: Vec<u64> = sizes.iter().copied().filter(|&s| s >= DENSE).collect();
    big.sort_unstable_by(|a, b| b.cmp(a));
    big.dedup();
    // bucket of a size, biggest size first: the big sizes, then DENSE-1 down to 0
    let bucket = |o: u32| {
        let s = sizes[o as usize];
        if s >= DENSE {
            big.binary_search_by(|b| s.cmp(b)).unwrap_or(0) as u32
        } else {
            (big.len() as u64 + DENSE - 1 - s) as u32
        }
    };
    let mut order = vec![0u32; n];
    counting_sort(by_kind.iter().copied(), big.len() + DENSE as usize, &bucket, &mut order);
    order
}

/// Stable counting sort of `items` by `key` (< `keys`) into `out`.
fn counting_sort(items: impl Iterator<Item = u32> + Clone, keys: usize, key: &impl Fn(u32) -> u32, out: &mut [u32]) {
    let mut start = vec![0u32; keys + 1];
    for o in items.clone() {
        start[key(o) as usize + 1] += 1;
    }
    for k in 0..keys {
        start[k + 1] += start[k];
    }
    for o in items {
        let slot = &mut start[key(o) as usize];
        out[*slot as usize] = o;
        *slot += 1;
    }
}

/// Sorts objects of one size and kind by (detail, object): by a 16-byte prefix of the detail
/// first (integers), then the rare equal prefixes by the whole detail.
fn sort_group(heap: &Graph, mode: IdMode, group: &mut [u32]) {
    // members are in object order here: their previews are found by walking the sorted table
    let previews = &heap.snap.previews;
    let mut at = 0;
    let mut keyed: Vec<(u128, u32)> = group
        .iter()
        .map(|&o| {
            at += previews[at..].partition_point(|&(m, _)| m.0 < o);
            let preview = previews.get(at).filter(|&&(m, _)| m.0 == o).map(|&(_, s)| heap.snap.strings.get(s));
            (detail_with(heap, mode, ObjId(o), preview).prefix(), o)
        })
        .collect();
    keyed.sort_unstable();
    for tie in keyed.chunk_by_mut(|a, b| a.0 == b.0).filter(|t| t.len() > 1) {
        tie.sort_by_cached_key(|&(_, o)| (detail(heap, mode, ObjId(o)), o));
    }
    for (slot, (_, o)) in group.iter_mut().zip(keyed) {
        *slot = o;
    }
}

/// The rank of every kind (and, in the last slot, of the root) in `mode`'s order:
/// `byid` compares kind labels (the root's is empty); `byidset` compares what its row
/// labels start with, `kind: ` (the root's whole label is `hp.Root`).
fn kind_ranks(heap: &Graph, mode: IdMode) -> Vec<u32> {
    let k = heap.kinds.len();
    let text = |i: usize| -> String {
        match (mode, i == k) {
            (IdMode::Id, true) => String::new(),
            (IdMode::Id, false) => heap.kinds.label(crate::KindId(i as u32)).to_owned(),
            (IdMode::Idset, true) => "hp.Root>".to_owned(),
            (IdMode::Idset, false) => format!("{}: ", heap.kinds.label(crate::KindId(i as u32))),
        }
    };
    let texts: Vec<String> = (0..=k).map(text).collect();
    let mut by_text: Vec<usize> = (0..=k).collect();
    by_text.sort_by(|&a, &b| texts[a].cmp(&texts[b]).then(a.cmp(&b)));
    let mut rank = vec![0u32; k + 1];
    for (r, &i) in by_text.iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// What orders objects of equal size and kind. The variant order is heapy's: in `byid`,
/// ints by value before objects shown by address before text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Detail<'a> {
    Int(i128),
    Address(u64),
    Text(Text<'a>),
}

impl Detail<'_> {
    /// A 128-bit key that orders like the detail wherever the keys differ.
    fn prefix(&self) -> u128 {
        const HALF: i128 = 1 << 125;
        match self {
            Detail::Int(v) => (v.clamp(&-HALF, &(HALF - 1)) + HALF) as u128,
            Detail::Address(a) => 1 << 126 | *a as u128,
            Detail::Text(t) => t.with_bytes(|b| {
                let mut first = [0u8; 16];
                for (slot, byte) in first.iter_mut().zip(b) {
                    *slot = *byte;
                }
                2 << 126 | u128::from_be_bytes(first) >> 2
            }),
        }
    }
}

/// Text compared byte for byte, with `>` appended for `byidset` (whose labels end in `>`,
/// which matters when one text is a prefix of another).
#[derive(Debug, PartialEq, Eq)]
struct Text<'a> {
    text: TextBytes<'a>,
    closing: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum TextBytes<'a> {
    Plain(Plain<'a>),
    Owned(String),
}

impl Text<'_> {
    /// Calls `f` with the text's bytes (closing `>` included); addresses are printed on the stack.
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        use std::io::Write;
        let raw: Option<&str> = match &self.text {
            TextBytes::Plain(Plain::Text(t)) => Some(t),
            TextBytes::Owned(t) => Some(t),
            TextBytes::Plain(_) => None,
        };
        let mut buf = [0u8; 64];
        let mut cur = std::io::Cursor::new(&mut buf[..]);
        match raw {
            Some(t) if !self.closing => return f(t.as_bytes()),
            Some(t) if t.len() >= 63 => {
                // longer than the buffer: copy (rare: only ties of a 16-byte prefix get here)
                let mut v = t.as_bytes().to_vec();
                v.push(b'>');
                return f(&v);
            }
            Some(t) => cur.write_all(t.as_bytes()),
            None => match &self.text {
                TextBytes::Plain(Plain::Address(a)) => cur.write_all(hex(&mut [0; 40], *a, None)),
                TextBytes::Plain(Plain::AddressLen(a, n)) => cur.write_all(hex(&mut [0; 40], *a, Some(*n))),
                TextBytes::Plain(Plain::Text(_)) | TextBytes::Owned(_) => unreachable!("text is raw"),
            },
        }
        .expect("fits in 64 bytes");
        if self.closing {
            cur.write_all(b">").expect("fits in 64 bytes");
        }
        let len = cur.position() as usize;
        f(&buf[..len])
    }
}

/// `0xADDR` or `0xADDR*LEN` as [`Plain`]'s `Display` prints it, without the formatting machinery.
fn hex(buf: &mut [u8; 40], addr: u64, len: Option<usize>) -> &[u8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    buf[..2].copy_from_slice(b"0x");
    let digits = (64 - addr.leading_zeros()).div_ceil(4).max(1) as usize;
    for i in 0..digits {
        buf[2 + i] = DIGITS[(addr >> (4 * (digits - 1 - i)) & 0xf) as usize];
    }
    let mut end = 2 + digits;
    if let Some(n) = len {
        buf[end] = b'*';
        end += 1;
        let mut dec = [0u8; 20];
        let mut k = dec.len();
        let mut v = n;
        loop {
            k -= 1;
            dec[k] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        buf[end..end + dec.len() - k].copy_from_slice(&dec[k..]);
        end += dec.len() - k;
    }
    &buf[..end]
}

impl Ord for Text<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.with_bytes(|a| other.with_bytes(|b| a.cmp(b)))
    }
}

impl PartialOrd for Text<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn text(p: Plain<'_>, closing: bool) -> Detail<'_> {
    Detail::Text(Text { text: TextBytes::Plain(p), closing })
}

/// One object's detail key: for `byid` heapy's value key (ints by value; objects shown by
/// address by address; others by their text), for `byidset` the part of its label after
/// `<1 kind: `. (heapy compares `str` objects by value; we compare their previews, which
/// differ for strings longer than the preview.)
fn detail(heap: &Graph, mode: IdMode, o: ObjId) -> Detail<'_> {
    detail_with(heap, mode, o, heap.snap.preview(o))
}

/// [`detail`] when the object's preview is already known.
fn detail_with<'a>(heap: &'a Graph, mode: IdMode, o: ObjId, preview: Option<&'a str>) -> Detail<'a> {
    let ty = type_label(heap, o);
    // only exact dicts have owners (looked up only for them)
    let owner = if ty == Some("dict") { heap.kinds.owner(o) } else { None };
    match mode {
        IdMode::Id => match (ty, preview) {
            (Some("int"), Some(p)) => p.parse::<i128>().map_or_else(|_| text(Plain::Text(p), false), Detail::Int),
            (Some("bool"), Some(p)) => Detail::Int((p == "True") as i128),
            (_, Some(p)) => text(Plain::Text(p), false),
            (Some("module"), None) => text(plain_with(heap, o, None), false),
            (_, None) if owner.is_some() => text(plain(heap, owner.unwrap_or(o)), false),
            _ => Detail::Address(heap.snap.addr[o.idx()]),
        },
        IdMode::Idset => {
            if kind_label(heap, o).is_none() {
                return text(Plain::Text(""), false);
            }
            match owner {
                // in a brief, an owner's dotted name shortens to `..last`
                Some(owner) => match plain(heap, owner) {
                    Plain::Text(t) if t.contains('.') => {
                        let last = t.rsplit_once('.').map_or(t, |(_, l)| l);
                        Detail::Text(Text { text: TextBytes::Owned(format!("..{last}")), closing: true })
                    }
                    p => text(p, true),
                },
                None => text(plain_with(heap, o, preview), true),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partition::{partition, Relation};
    use crate::Heap;

    fn small() -> Heap {
        crate::testing::real_heap()
    }

    /// `byidset` rows follow heapy's rule read literally: size descending, then the label.
    #[test]
    fn idset_order_is_size_then_label_on_a_real_heap() {
        let h = small();
        let p = partition(&h, h.heap(), Relation::Idset);
        let rows: Vec<(u64, String)> = p.rows(&h).map(|r| (r.size, r.label)).collect();
        assert!(rows.len() > 1000, "the small heap has {} objects", rows.len());
        let mut expected = rows.clone();
        expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let ties = rows.windows(2).filter(|w| w[0].0 == w[1].0).count();
        assert!(ties > 500, "equal sizes must be common for this test to mean something ({ties})");
        assert_eq!(rows, expected);
    }

    /// `byid` rows: size descending, then kind label, then ints by value and others by address or text.
    #[test]
    fn id_order_is_size_kind_then_value() {
        let h = small();
        let p = partition(&h, h.heap(), Relation::Id);
        let objs: Vec<ObjId> = (0..p.len()).map(|i| p.row_set(&h, h.heap(), i).iter().next().unwrap()).collect();
        for w in objs.windows(2) {
            let (a, b) = (w[0], w[1]);
            let key = |o: ObjId| (Reverse(h.snap.size[o.idx()]), kind_label(&h, o).unwrap_or("").to_owned());
            assert!(key(a) <= key(b), "{:?} before {:?}", key(a), key(b));
            if key(a) == key(b) {
                assert!(detail(&h, IdMode::Id, a) <= detail(&h, IdMode::Id, b));
            }
        }
        // ints of one size sort by value, not by text
        let ints: Vec<i128> = objs
            .iter()
            .filter(|&&o| type_label(&h, o) == Some("int") && h.snap.size[o.idx()] == 28)
            .filter_map(|&o| h.snap.preview(o)?.parse().ok())
            .collect();
        assert!(ints.len() > 10 && ints.windows(2).all(|w| w[0] <= w[1]), "{ints:?}");
        assert!(ints.iter().any(|&i| i >= 10) && ints.iter().any(|&i| i < 10), "{ints:?}");
    }

    /// A small set is sorted directly, a big one filtered from the global order: same rows.
    #[test]
    fn small_and_big_sets_give_the_same_order() {
        let h = small();
        for mode in [IdMode::Id, IdMode::Idset] {
            let m = match mode {
                IdMode::Id => &h.id_order().id,
                IdMode::Idset => &h.id_order().idset,
            };
            for step in [2usize, 7, 40] {
                let set = h.heap().filter(|o| o.idx() % step == 0);
                let filtered: Vec<u32> = {
                    let keep: std::collections::HashSet<u32> = set.as_slice().iter().copied().collect();
                    m.order.iter().copied().filter(|o| keep.contains(o)).collect()
                };
                assert_eq!(m.sort_members(&h, mode, &set), filtered, "{mode:?} every {step}th object");
                assert_eq!(h.id_order().rows_of(&h, mode, &set), filtered);
            }
        }
    }

    #[test]
    fn idset_closing_bracket_orders_prefixes_like_heapy() {
        // the labels compared are `<1 str: ab>` and `<1 str: abc>`: '>' (0x3e) is between digits and letters
        let t = |s: &'static str| Text { text: TextBytes::Plain(Plain::Text(s)), closing: true };
        assert!(t("ab") < t("abc"), "'>' sorts before letters");
        assert!(t("ab") > t("ab1"), "'>' sorts after digits");
        let open = |s: &'static str| Text { text: TextBytes::Plain(Plain::Text(s)), closing: false };
        assert!(open("ab") < open("ab1"));
        let addr = |a: u64| Text { text: TextBytes::Plain(Plain::Address(a)), closing: true };
        assert!(addr(0x10) < addr(0x9), "addresses compare as text: 0x10 before 0x9");
        assert!(addr(0x7f1) > addr(0x7f10), "`0x7f1>` after `0x7f10>`");
        let hexlen = |a: u64| Text { text: TextBytes::Plain(Plain::AddressLen(a, 3)), closing: true };
        assert!(hexlen(0x7f1) < hexlen(0x7f10), "`0x7f1*3>` before `0x7f10*3>`");
        for (a, n) in [(0u64, None), (0x7f3a_12c0_ffee, Some(0usize)), (u64::MAX, Some(usize::MAX)), (0x10, Some(305))]
        {
            let want = match n {
                Some(n) => format!("{}", Plain::AddressLen(a, n)),
                None => format!("{}", Plain::Address(a)),
            };
            assert_eq!(hex(&mut [0; 40], a, n), want.as_bytes());
        }
    }
}
