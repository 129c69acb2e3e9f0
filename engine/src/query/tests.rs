//! The query language's unit tests: parsing, printing back, selecting.

use super::*;
use crate::heap::Heap;
use crate::testing::small_snapshot;
use crate::{read_snapshot, ObjId};

fn small() -> Heap {
    Heap::new(read_snapshot(&small_snapshot()).unwrap())
}

fn select(h: &Heap, q: &str) -> Result<Selection, QueryError> {
    h.select(&Query::parse(q)?)
}

#[test]
fn object_atoms_parse_and_print_back() {
    let q = Query::parse("@0x7F12ab.referrers.byvia").unwrap();
    assert_eq!(q.expr, Expr::Referrers(Arc::new(Expr::Object { addr: 0x7f12ab, position: 0 })));
    assert_eq!(q.view, Some(Relation::Via));
    assert_eq!(q.to_string(), "@0x7f12ab.referrers.byvia");
    for text in ["@0x10 | @0x20", "(@0x10 | heap.bytype[\"str\"]) - @0xffffffffffffffff", "@0x9000.referents"] {
        let q = Query::parse(text).unwrap();
        assert_eq!(q.to_string(), text);
        assert_eq!(Query::parse(&q.to_string()).unwrap(), q, "{text}");
    }
    let position = |text: &str| Query::parse(text).unwrap_err().position;
    assert_eq!(position("@"), 1);
    assert_eq!(position("heap | @7f"), 8);
    assert_eq!(position("@0x"), 3);
    assert_eq!(position("@0x12g4"), 5);
    assert_eq!(position("@0x10000000000000000"), 3);
    assert!(Query::parse("@0x").unwrap_err().message.contains("hex digits"));
}

#[test]
fn object_atoms_select_one_object_and_combine() {
    let h = small();
    let s = select(&h, "@0x9000").unwrap();
    assert_eq!(s.set.as_slice(), &[9]);
    assert_eq!(s.crumbs.len(), 1);
    assert_eq!(s.crumbs[0].label, "str: 0x9000");
    assert_eq!(s.crumbs[0].query.to_string(), "@0x9000");
    let s = select(&h, "@0x9000.referrers.byvia").unwrap();
    assert_eq!(s.set.as_slice(), &[5, 8]);
    let labels: Vec<&str> = s.crumbs.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, vec!["str: 0x9000", ".referrers"]);
    assert_eq!(select(&h, "@0x9000 | @0xa000").unwrap().set.as_slice(), &[9, 10]);
    assert_eq!(select(&h, "heap.bytype[\"str\"] - @0xa000").unwrap().set.as_slice(), &[9, 11]);
    assert_eq!(select(&h, "@0x3000.referents.byclodo[\"m.A\"]").unwrap().set.as_slice(), &[4, 6]);
    assert!(h.heap().contains(ObjId(9)));
}

#[test]
fn unknown_addresses_and_the_root_are_errors_at_the_atom() {
    let h = small();
    let e = select(&h, "heap - @0x9001").unwrap_err();
    assert_eq!(e.position, 7);
    assert!(e.message.contains("no object has the address 0x9001"), "{e}");
    let e = select(&h, "(@0x0).referents").unwrap_err();
    assert_eq!(e.position, 1);
    assert!(e.message.contains("hp.Root"), "{e}");
}

#[test]
fn quoted_labels_read_back_unchanged() {
    for label in [
        "plain",
        "dict of m.A",
        "say \"hi\"",
        "back\\slash\\",
        "<script>alert('x')</script>",
        "\"]).referrers | heap[\"",
        "tab\tnew\nline\u{1}\u{2028}é",
        "",
    ] {
        let q = Query::heap().then(Relation::Clodo, Selector::Label(label.to_owned()));
        let back = Query::parse(&q.to_string()).unwrap();
        match back.expr {
            Expr::Row { of, relation: Relation::Clodo, selector: Selector::Label(l), .. } => {
                assert_eq!((of.as_ref(), l.as_str()), (&Expr::Heap, label))
            }
            other => panic!("{label:?}: {other:?}"),
        }
        assert!(!quote_label(label).contains('\n'), "one line: {label:?}");
    }
}
