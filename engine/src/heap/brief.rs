//! heapy's `byid` texts: one object's brief (`list: 0x7f..*3`), the id table's header word and kind name.
//!
//! heapy (guppy/heapy/UniSet.py `Summary_str`, Classifiers.py `DictofFamily`) renders an
//! object by its exact type: values (`str`, `int`, ...) and names (functions, code, types)
//! come from the agent's `prev` section (`capture/heaplens/_preview.py` has the rule per
//! type), a module from `MODN`, `list`/`tuple`/`dict` as `0xADDR*LEN` with the length
//! counted from the object's edges, a `dict of X` as its owner, anything else as `0xADDR`.

use crate::heap::graph::Graph;
use crate::heap::ids::{KindId, ObjId};
use crate::heap::set::ObjSet;
use crate::heap::snapshot::EdgeName;

/// The kind label of an object (`None` for the root).
pub(crate) fn kind_label(heap: &Graph, o: ObjId) -> Option<&str> {
    heap.kinds.of(o).map(|k| heap.kinds.label(k))
}

/// The object's exact type label (`None` for the root).
pub(crate) fn type_label(heap: &Graph, o: ObjId) -> Option<&str> {
    heap.snap.type_of(o).map(|t| heap.snap.type_label(t))
}

/// `len()` of an exact list, tuple or dict, counted from its edges: one edge per item
/// (list, tuple) or per value (dict: the edges not named `.keys()[i]`).
fn container_len(heap: &Graph, o: ObjId, is_dict: bool) -> usize {
    let edges = heap.snap.edges_of(o);
    if !is_dict {
        return edges.len();
    }
    edges.filter(|&e| !matches!(heap.snap.edge_name(e), EdgeName::Key(_))).count()
}

/// heapy's rendering of one object by its own type, without the kind prefix.
pub(crate) fn render_plain(heap: &Graph, o: ObjId) -> String {
    plain(heap, o).to_string()
}

/// What [`render_plain`] prints, before it is printed (sorting compares it without allocating).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plain<'a> {
    /// A value preview or a module name.
    Text(&'a str),
    /// `0xADDR`
    Address(u64),
    /// `0xADDR*LEN` (lists, tuples, dicts)
    AddressLen(u64, usize),
}

impl std::fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Plain::Text(t) => f.write_str(t),
            Plain::Address(a) => write!(f, "{a:#x}"),
            Plain::AddressLen(a, n) => write!(f, "{a:#x}*{n}"),
        }
    }
}

/// See [`Plain`].
pub(crate) fn plain(heap: &Graph, o: ObjId) -> Plain<'_> {
    plain_with(heap, o, heap.snap.preview(o))
}

/// [`plain`] when the object's preview is already known.
pub(crate) fn plain_with<'a>(heap: &'a Graph, o: ObjId, preview: Option<&'a str>) -> Plain<'a> {
    let addr = heap.snap.addr[o.idx()];
    if let Some(p) = preview {
        return Plain::Text(p);
    }
    match type_label(heap, o) {
        Some("module") => match heap.snap.module_name(o) {
            Some(n) => Plain::Text(n),
            None => Plain::Address(addr),
        },
        Some(t @ ("list" | "tuple" | "dict")) => Plain::AddressLen(addr, container_len(heap, o, t == "dict")),
        _ => Plain::Address(addr),
    }
}

/// The part after `<kind>: ` of heapy's brief: a `dict of X` renders as its owner.
pub fn render(heap: &Graph, o: ObjId) -> String {
    match heap.kinds.owner(o) {
        Some(owner) if type_label(heap, o) == Some("dict") => render_plain(heap, owner),
        _ => render_plain(heap, o),
    }
}

/// heapy's brief of one object, as a `byid` row of a mixed set prints it:
/// `str: 'abc'`, `dict of module: sys`, `list: 0x7f..*2`, `__main__.A: 0x7f..`.
/// In a mixed set heapy shortens an owner's dotted text to its last part
/// (`dict of function: ..f`, `dict of module: ..path` for `os.path`), unlike a
/// single-kind table (see [`id_row_text`]). The root prints as `hp.Root`.
pub fn brief(heap: &Graph, o: ObjId) -> String {
    let Some(k) = kind_label(heap, o) else { return "hp.Root".to_owned() };
    match heap.kinds.owner(o) {
        Some(owner) if type_label(heap, o) == Some("dict") => {
            let text = render_plain(heap, owner);
            match text.rsplit_once('.') {
                Some((_, last)) => format!("{k}: ..{last}"),
                None => format!("{k}: {text}"),
            }
        }
        _ => format!("{k}: {}", render(heap, o)),
    }
}

/// heapy's `_idpart_header` of the render used for one object's own type.
fn plain_header(heap: &Graph, o: ObjId) -> &'static str {
    match type_label(heap, o) {
        Some("str" | "bytes") => "Representation (limited)",
        Some("int" | "bool" | "float" | "complex" | "types.NoneType") => "Value",
        Some("list" | "tuple" | "dict") => "Address*Length",
        Some("module") => "Name",
        Some("function" | "type" | "types.BuiltinFunctionType" | "types.BuiltinMethodType") => "Name",
        Some("types.CodeType") => "File:Line:Name",
        Some("types.FrameType") => "Name at Address",
        Some("types.MethodType") => "Type/<Type at address> . method",
        Some("types.TracebackType") => "Frame at Address",
        // the agent stores other previews only for instances of metaclasses (classes)
        _ if heap.snap.preview(o).is_some() => "Name",
        _ => "Address",
    }
}

/// The one kind all members of a non-empty set share, if they do (`None`: mixed or empty).
pub fn single_kind(heap: &Graph, set: &ObjSet) -> Option<KindId> {
    single_kind_member(heap, set).and_then(|o| heap.kinds.of(o))
}

/// A member of the set when all members share one kind.
fn single_kind_member(heap: &Graph, set: &ObjSet) -> Option<ObjId> {
    let mut it = set.iter();
    let first = it.next()?;
    let k = heap.kinds.of(first);
    it.all(|o| heap.kinds.of(o) == k).then_some(first)
}

/// The header word heapy prints after ` Index     Size   %   Cumulative  %   ` in a `byid`
/// table: `Brief` for a mixed set, else the kind's own (`Address`, `Address*Length`,
/// `Representation (limited)`, `Value`, `Name`, `File:Line:Name`, `Owner Name`,
/// `Owner Address`, ...).
pub fn id_header(heap: &Graph, set: &ObjSet) -> String {
    let Some(o) = single_kind_member(heap, set) else { return "Brief".to_owned() };
    if type_label(heap, o) == Some("dict") {
        return match heap.kinds.owner(o) {
            Some(owner) => format!("Owner {}", plain_header(heap, owner)),
            None => "Address*Length".to_owned(),
        };
    }
    plain_header(heap, o).to_owned()
}

/// The `<kind>` of heapy's title `Set of N <kind> objects. Total size = S bytes.`, without
/// the angle brackets: `mixed` when the members have several kinds (or the set is empty),
/// else the kind label (`str`, `dict of module`).
pub fn id_kind_name(heap: &Graph, set: &ObjSet) -> String {
    match single_kind_member(heap, set).and_then(|o| kind_label(heap, o)) {
        Some(k) => k.to_owned(),
        None => "mixed".to_owned(),
    }
}

/// What one `byid` row shows: the brief when the set is mixed, else the render alone
/// (a `dict of function` set shows `Owner Name` rows `__main__.f`, unshortened).
/// `single_kind` is [`single_kind`]`(heap, set).is_some()`, decided once per table.
pub fn id_row_text(heap: &Graph, single_kind: bool, o: ObjId) -> String {
    if single_kind {
        render(heap, o)
    } else {
        brief(heap, o)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::heap::snapshot::EdgeName;
    use crate::Heap;
    use crate::{read_snapshot, SnapshotWriter};

    /// root → modules dict → module `m` → its dict → values of every kind.
    pub(crate) fn heap() -> Heap {
        let mut w = SnapshotWriter::new(Vec::new()).unwrap();
        let t_module = w.add_type(None, "module").unwrap();
        let t_dict = w.add_type(None, "dict").unwrap();
        let t_str = w.add_type(None, "str").unwrap();
        let t_int = w.add_type(None, "int").unwrap();
        let t_list = w.add_type(None, "list").unwrap();
        let t_a = w.add_type(Some(ObjId(9)), "m.A").unwrap();
        let t_type = w.add_type(None, "type").unwrap();
        let t_code = w.add_type(None, "types.CodeType").unwrap();
        let t_func = w.add_type(None, "function").unwrap();
        let n_mod = w.name(".i0_modules").unwrap();
        let dd = w.name(".__dict__").unwrap();
        let k = |w: &mut SnapshotWriter<Vec<u8>>, s: &str| w.name(&format!("['{s}']")).unwrap();
        let (km, ks, ki, kl, ka, kt, kc, kf, kd) = (
            k(&mut w, "m"),
            k(&mut w, "s"),
            k(&mut w, "i"),
            k(&mut w, "l"),
            k(&mut w, "a"),
            k(&mut w, "A"),
            k(&mut w, "c"),
            k(&mut w, "f"),
            k(&mut w, "d"),
        );
        // 0 root, 1 sys.modules, 2 module m, 3 dict of m, 4 str, 5 int, 6 list, 7 A, 8 dict of A,
        // 9 class A, 10 code, 11 function, 12 dict (no owner) with a non-str key, 13 dict of function
        w.object(0, None, 0, &[(ObjId(1), n_mod)]).unwrap();
        w.object(0x1000, Some(t_dict), 640, &[(ObjId(2), km)]).unwrap();
        w.object(0x2000, Some(t_module), 72, &[(ObjId(3), dd)]).unwrap();
        w.object(
            0x3000,
            Some(t_dict),
            360,
            &[
                (ObjId(4), ks),
                (ObjId(5), ki),
                (ObjId(6), kl),
                (ObjId(7), ka),
                (ObjId(9), kt),
                (ObjId(10), kc),
                (ObjId(11), kf),
                (ObjId(12), kd),
            ],
        )
        .unwrap();
        w.object(0x4000, Some(t_str), 109, &[]).unwrap();
        w.object(0x5000, Some(t_int), 28, &[]).unwrap();
        w.object(0x6000, Some(t_list), 72, &[(ObjId(4), EdgeName::Index(0)), (ObjId(5), EdgeName::Index(1))]).unwrap();
        w.object(0x7f00_0000_7000, Some(t_a), 56, &[(ObjId(8), dd)]).unwrap();
        w.object(0x8000, Some(t_dict), 104, &[(ObjId(5), kl)]).unwrap();
        w.object(0x9000, Some(t_type), 1688, &[]).unwrap();
        w.object(0xa000, Some(t_code), 192, &[]).unwrap();
        w.object(0xb000, Some(t_func), 152, &[(ObjId(13), dd)]).unwrap();
        w.object(0xc000, Some(t_dict), 232, &[(ObjId(5), kl), (ObjId(5), EdgeName::Key(0)), (ObjId(4), ks)]).unwrap();
        w.object(0xd000, Some(t_dict), 64, &[]).unwrap();
        w.module_name(ObjId(2), "m").unwrap();
        w.preview(ObjId(4), "'abcabcabcabc...cabcabcabcabc'").unwrap();
        w.preview(ObjId(5), "12345").unwrap();
        w.preview(ObjId(9), "m.A").unwrap();
        w.preview(ObjId(10), "m.py:21:f").unwrap();
        w.preview(ObjId(11), "m.f").unwrap();
        let bytes = w.finish(&serde_json::json!({})).unwrap();
        Heap::new(read_snapshot(&bytes).unwrap())
    }

    fn set(ids: &[u32]) -> ObjSet {
        ObjSet::from_unsorted(ids.to_vec())
    }

    #[test]
    fn briefs_match_heapy() {
        let h = heap();
        let b = |o: u32| brief(&h, ObjId(o));
        assert_eq!(b(4), "str: 'abcabcabcabc...cabcabcabcabc'");
        assert_eq!(b(5), "int: 12345");
        assert_eq!(b(3), "dict of module: m");
        assert_eq!(b(6), "list: 0x6000*2");
        assert_eq!(b(7), "m.A: 0x7f0000007000");
        assert_eq!(b(8), "dict of m.A: 0x7f0000007000");
        assert_eq!(b(9), "type: m.A");
        assert_eq!(b(10), "types.CodeType: m.py:21:f");
        assert_eq!(b(11), "function: m.f");
        // a dict's length counts values, not its `.keys()[i]` edges
        assert_eq!(b(12), "dict (no owner): 0xc000*2");
        // heapy's mixed-set render of a dict's owner keeps the last dotted part only
        assert_eq!(b(13), "dict of function: ..f");
        assert_eq!(render(&h, ObjId(13)), "m.f");
        assert_eq!(b(2), "module: m");
        assert_eq!(b(0), "hp.Root");
    }

    #[test]
    fn headers_and_kind_names() {
        let h = heap();
        let hd = |ids: &[u32]| id_header(&h, &set(ids));
        let kn = |ids: &[u32]| id_kind_name(&h, &set(ids));
        assert_eq!(hd(&[4, 5]), "Brief");
        assert_eq!(kn(&[4, 5]), "mixed");
        assert_eq!(hd(&[4]), "Representation (limited)");
        assert_eq!(kn(&[4]), "str");
        assert_eq!(hd(&[5]), "Value");
        assert_eq!(hd(&[6]), "Address*Length");
        assert_eq!(hd(&[12]), "Address*Length");
        assert_eq!(kn(&[12]), "dict (no owner)");
        assert_eq!(hd(&[3]), "Owner Name");
        assert_eq!(kn(&[3]), "dict of module");
        assert_eq!(hd(&[8]), "Owner Address");
        assert_eq!(hd(&[13]), "Owner Name");
        assert_eq!(hd(&[7]), "Address");
        assert_eq!(hd(&[9]), "Name");
        assert_eq!(hd(&[10]), "File:Line:Name");
        assert_eq!(hd(&[11]), "Name");
        assert_eq!(kn(&[]), "mixed");
        assert_eq!(id_row_text(&h, true, ObjId(3)), "m");
        assert_eq!(id_row_text(&h, false, ObjId(3)), "dict of module: m");
        assert_eq!(id_row_text(&h, true, ObjId(13)), "m.f");
        assert_eq!(id_row_text(&h, false, ObjId(13)), "dict of function: ..f");
    }
}
