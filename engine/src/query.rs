//! The query language, modelled on heapy's expressions: `heap` (or `heapu`), postfix steps
//! `.by<relation>[row]`, `.referrers`, `.referents`, set operators `& | - ^` with Python's
//! precedence (`-` binds tightest, then `&`, `^`, `|`) and parentheses, optionally ending
//! with `.by<relation>` (the relation to show). Rows are picked by index (`[2]`, `[-1]`) or
//! by label (`["dict of __main__.Node"]`). Errors point at the offending byte.
//!
//! Examples: `heap.byclodo["dict of app.Node"].referrers.byvia`,
//! `(heap.bytype["list"] | heap.bytype["tuple"]) - heap.byclodo[0].referents`.
//! One object is the atom `@0x7f12ab` (its address): `@0x7f12ab.referrers.byvia`.
//! After `heaplens.setref()`, `heapnew` is the heap's objects created since the reference
//! point (heapy's `hp.heap()` after `hp.setref()`) and `heapref` the others (`refpoint`).

use crate::heap::Heap;
use crate::ids::ObjId;
use crate::partition::{partition, Relation};
use crate::set::ObjSet;
use std::fmt;

/// A parse or evaluation error with the byte position in the query it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at position {position} of the query)")]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

fn err<T>(position: usize, message: impl Into<String>) -> Result<T, QueryError> {
    Err(QueryError { position, message: message.into() })
}

/// How a row step picks its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Index(i64),
    Label(String),
}

/// A set operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `&`: intersection.
    And,
    /// `|`: union.
    Or,
    /// `-`: difference.
    Sub,
    /// `^`: symmetric difference.
    Xor,
}

impl SetOp {
    fn symbol(self) -> char {
        match self {
            SetOp::And => '&',
            SetOp::Or => '|',
            SetOp::Sub => '-',
            SetOp::Xor => '^',
        }
    }

    /// Python's binding strength: higher binds tighter.
    fn precedence(self) -> u8 {
        match self {
            SetOp::Sub => 4,
            SetOp::And => 3,
            SetOp::Xor => 2,
            SetOp::Or => 1,
        }
    }
}

/// An expression selecting a set of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// heapy's `hp.heap()`: everything the root reaches.
    Heap,
    /// heapy's `hp.heapu()`: GC-tracked objects the root does not reach.
    Heapu,
    /// `heapnew`: the heap's objects created since the reference point (heapy's `hp.heap()`
    /// after `hp.setref()`). `position` is the atom's byte.
    HeapNew { position: usize },
    /// `heapref`: the heap's objects that existed at the reference point.
    HeapRef { position: usize },
    /// `@0x7f12ab`: the set of the one object at that address. `position` is the `@`'s byte.
    Object { addr: u64, position: usize },
    /// One row of a partition: `X.by<relation>[selector]`. `position` is the selector's byte.
    Row { of: Box<Expr>, relation: Relation, selector: Selector, position: usize },
    /// `X.referrers`: the objects (reached from the root) that refer to a member of X.
    Referrers(Box<Expr>),
    /// `X.referents`: the objects a member of X refers to.
    Referents(Box<Expr>),
    /// `X.dominos`: what the root reaches only through X (X's reachable members included):
    /// what would be freed if the references to X were deleted (heapy's `dominos`).
    Dominos(Box<Expr>),
    /// `X.imdom`: the referrers of X the root reaches without passing another referrer (heapy's `imdom`).
    Imdom(Box<Expr>),
    /// `A op B`.
    Binary { op: SetOp, lhs: Box<Expr>, rhs: Box<Expr> },
}

/// A parsed query: an expression and the relation to show, if it ends with `.by<relation>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub expr: Expr,
    pub view: Option<Relation>,
}

impl Query {
    /// The whole heap.
    pub fn heap() -> Query {
        Query { expr: Expr::Heap, view: None }
    }

    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut p = Parser { s: text.as_bytes(), text, i: 0 };
        let (expr, view) = p.expr(0)?;
        p.skip_ws();
        if p.i < p.s.len() {
            return err(p.i, format!("unexpected {:?}: expected an operator or the end of the query", p.char_here()));
        }
        Ok(Query { expr, view })
    }

    /// The set part alone (no relation to show).
    pub fn set_query(&self) -> Query {
        Query { expr: self.expr.clone(), view: None }
    }

    /// This query's set, then one row of it under `relation`.
    pub fn then(&self, relation: Relation, selector: Selector) -> Query {
        Query { expr: Expr::Row { of: Box::new(self.expr.clone()), relation, selector, position: 0 }, view: None }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

impl Expr {
    /// Writes the normalised text; `outer` is the precedence of the enclosing operator.
    fn write(&self, f: &mut fmt::Formatter<'_>, outer: u8) -> fmt::Result {
        match self {
            Expr::Heap => f.write_str("heap"),
            Expr::Heapu => f.write_str("heapu"),
            Expr::HeapNew { .. } => f.write_str("heapnew"),
            Expr::HeapRef { .. } => f.write_str("heapref"),
            Expr::Object { addr, .. } => write!(f, "@{addr:#x}"),
            Expr::Row { of, relation, selector, .. } => {
                of.write(f, u8::MAX)?;
                write!(f, ".by{}", relation.name())?;
                match selector {
                    Selector::Index(i) => write!(f, "[{i}]"),
                    Selector::Label(l) => write!(f, "[{}]", quote_label(l)),
                }
            }
            Expr::Referrers(of) => {
                of.write(f, u8::MAX)?;
                f.write_str(".referrers")
            }
            Expr::Referents(of) => {
                of.write(f, u8::MAX)?;
                f.write_str(".referents")
            }
            Expr::Dominos(of) => {
                of.write(f, u8::MAX)?;
                f.write_str(".dominos")
            }
            Expr::Imdom(of) => {
                of.write(f, u8::MAX)?;
                f.write_str(".imdom")
            }
            Expr::Binary { op, lhs, rhs } => {
                let p = op.precedence();
                let paren = p < outer;
                if paren {
                    f.write_str("(")?;
                }
                lhs.write(f, p)?;
                write!(f, " {} ", op.symbol())?;
                // left-associative: a right operand of equal precedence needs parentheses
                rhs.write(f, p + 1)?;
                if paren {
                    f.write_str(")")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Query {
    /// The normalised text, e.g. `heap.byclodo[2].referrers.byvia`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.view {
            Some(v) if matches!(self.expr, Expr::Binary { .. }) => write!(f, "({}).by{}", self.expr, v.name()),
            Some(v) => write!(f, "{}.by{}", self.expr, v.name()),
            None => write!(f, "{}", self.expr),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn char_here(&self) -> char {
        self.text[self.i..].chars().next().unwrap_or(' ')
    }

    fn skip_ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek_op(&mut self) -> Option<SetOp> {
        self.skip_ws();
        match self.s.get(self.i) {
            Some(b'&') => Some(SetOp::And),
            Some(b'|') => Some(SetOp::Or),
            Some(b'-') => Some(SetOp::Sub),
            Some(b'^') => Some(SetOp::Xor),
            _ => None,
        }
    }

    /// Precedence climbing. Returns the expression and a trailing view relation, which is
    /// allowed only at the very end of the query.
    fn expr(&mut self, min: u8) -> Result<(Expr, Option<Relation>), QueryError> {
        let (mut lhs, mut view) = self.term()?;
        while let Some(op) = self.peek_op() {
            if op.precedence() < min {
                break;
            }
            if view.is_some() {
                return err(self.i, "`.by<relation>` without a row must end the query");
            }
            self.i += 1;
            let (rhs, rview) = self.expr(op.precedence() + 1)?;
            lhs = Expr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
            view = rview;
        }
        Ok((lhs, view))
    }

    fn term(&mut self) -> Result<(Expr, Option<Relation>), QueryError> {
        self.skip_ws();
        let start = self.i;
        let mut e = if self.s.get(self.i) == Some(&b'(') {
            self.i += 1;
            let (inner, view) = self.expr(0)?;
            self.skip_ws();
            if self.s.get(self.i) != Some(&b')') {
                return err(self.i, "expected `)`");
            }
            self.i += 1;
            if let Some(v) = view {
                // `(X.byR)` is just X shown by R; allowed only if nothing follows
                return self.end_view(inner, v);
            }
            inner
        } else if self.s.get(self.i) == Some(&b'@') {
            self.object()?
        } else {
            let word = self.word();
            match word {
                "heap" => Expr::Heap,
                "heapu" => Expr::Heapu,
                "heapnew" => Expr::HeapNew { position: start },
                "heapref" => Expr::HeapRef { position: start },
                "" => return err(start, "expected `heap`, `heapu`, `heapnew`, `heapref`, `@0x<address>` or `(`"),
                other => {
                    return err(
                        start,
                        format!("unknown set `{other}`: a query starts with `heap`, `heapu`, `heapnew`, `heapref`, `@0x<address>` or `(`"),
                    )
                }
            }
        };
        loop {
            if self.s.get(self.i) != Some(&b'.') {
                return Ok((e, None));
            }
            self.i += 1;
            let at = self.i;
            let word = self.word();
            match word {
                "referrers" => e = Expr::Referrers(Box::new(e)),
                "referents" => e = Expr::Referents(Box::new(e)),
                "dominos" => e = Expr::Dominos(Box::new(e)),
                "imdom" => e = Expr::Imdom(Box::new(e)),
                w if w.starts_with("by") => {
                    let Some(relation) = Relation::parse(&w[2..]) else {
                        let known: Vec<_> = Relation::ALL.iter().map(|r| format!("by{}", r.name())).collect();
                        return err(at, format!("unknown relation `{w}`; known: {}", known.join(", ")));
                    };
                    if self.s.get(self.i) == Some(&b'[') {
                        let position = self.i + 1;
                        let selector = self.selector()?;
                        e = Expr::Row { of: Box::new(e), relation, selector, position };
                    } else {
                        return self.end_view(e, relation);
                    }
                }
                w => {
                    return err(
                        at,
                        format!(
                        "unknown operation `.{w}`: expected `.by<relation>`, `.referrers`, `.referents`, `.dominos` or `.imdom`"
                    ),
                    )
                }
            }
        }
    }

    /// After a `.by<relation>` without a row: only the end of the query (or a closing
    /// parenthesis handled by the caller) may follow.
    fn end_view(&mut self, e: Expr, relation: Relation) -> Result<(Expr, Option<Relation>), QueryError> {
        self.skip_ws();
        match self.s.get(self.i) {
            None | Some(b')') => Ok((e, Some(relation))),
            Some(_) => err(self.i, "`.by<relation>` without a row must end the query; pick a row with `[...]`"),
        }
    }

    fn word(&mut self) -> &str {
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            self.i += 1;
        }
        &self.text[start..self.i]
    }

    /// `@0x<hex digits>`: one object by address.
    fn object(&mut self) -> Result<Expr, QueryError> {
        let position = self.i;
        self.i += 1; // '@'
        if !matches!(self.s.get(self.i..self.i + 2), Some(b"0x" | b"0X")) {
            return err(self.i, "expected a hex address after `@`, like `@0x7f12ab`");
        }
        self.i += 2;
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_hexdigit() {
            self.i += 1;
        }
        if self.i == start {
            return err(start, "expected hex digits after `@0x`");
        }
        if self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
            return err(self.i, format!("unexpected {:?} in an address: expected hex digits", self.char_here()));
        }
        let addr = u64::from_str_radix(&self.text[start..self.i], 16)
            .or_else(|_| err(start, "address does not fit in 64 bits"))?;
        Ok(Expr::Object { addr, position })
    }

    fn selector(&mut self) -> Result<Selector, QueryError> {
        self.i += 1; // '['
        let start = self.i;
        let sel = match self.s.get(self.i) {
            Some(b'"') => {
                // a JSON string literal: find its end, honouring escapes
                let mut j = self.i + 1;
                while j < self.s.len() && self.s[j] != b'"' {
                    j += if self.s[j] == b'\\' { 2 } else { 1 };
                }
                if j >= self.s.len() {
                    return err(start, "unterminated string");
                }
                let label: String = serde_json::from_str(&self.text[start..=j])
                    .or_else(|e| err(start, format!("bad string literal: {e}")))?;
                self.i = j + 1;
                Selector::Label(label)
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' => {
                let mut j = self.i + 1;
                while j < self.s.len() && self.s[j].is_ascii_digit() {
                    j += 1;
                }
                let n: i64 = self.text[start..j].parse().or_else(|_| err(start, "bad row index"))?;
                self.i = j;
                Selector::Index(n)
            }
            _ => return err(start, "expected a row index or a quoted row label"),
        };
        if self.s.get(self.i) != Some(&b']') {
            return err(self.i, "expected `]`");
        }
        self.i += 1;
        Ok(sel)
    }
}

/// A row label as a quoted string literal that the parser reads back to the same label
/// (`heap.byclodo[<this>]`): a JSON string, so quotes, backslashes and control characters
/// are escaped and markup such as `<script>` stays plain text.
pub fn quote_label(label: &str) -> String {
    serde_json::to_string(label).expect("strings serialise")
}

/// One step of the outermost chain of an evaluated query, for breadcrumbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    /// The query that selects the set reached after this step.
    pub query: Query,
    /// The relation a row was picked under (`None` for `.referrers` / `.referents` / a set
    /// expression).
    pub relation: Option<Relation>,
    /// What to show: the row label, `referrers`, `referents`, or the expression.
    pub label: String,
}

/// The set a query selects, with the path that led to it.
#[derive(Debug, Clone)]
pub struct Selection {
    pub set: ObjSet,
    pub crumbs: Vec<Crumb>,
}

impl Heap {
    /// Evaluates a query to its set. The first crumb is the base set (`heap`, `heapu` or a
    /// parenthesised expression); then one crumb per postfix step.
    pub fn select(&self, q: &Query) -> Result<Selection, QueryError> {
        let mut crumbs = Vec::new();
        let set = self.eval(&q.expr, &mut crumbs)?;
        Ok(Selection { set, crumbs })
    }

    fn eval(&self, e: &Expr, crumbs: &mut Vec<Crumb>) -> Result<ObjSet, QueryError> {
        let crumb =
            |e: &Expr, relation, label: String| Crumb { query: Query { expr: e.clone(), view: None }, relation, label };
        let set = match e {
            Expr::Heap => {
                crumbs.push(crumb(e, None, "heap".into()));
                self.heap().clone()
            }
            Expr::Heapu => {
                crumbs.push(crumb(e, None, "heapu".into()));
                self.heapu()
            }
            Expr::HeapNew { position } | Expr::HeapRef { position } => {
                let new = matches!(e, Expr::HeapNew { .. });
                crumbs.push(crumb(e, None, e.to_string()));
                match if new { self.heapnew() } else { self.heapref() } {
                    Ok(set) => set,
                    Err(message) => return err(*position, message),
                }
            }
            Expr::Object { addr, position } => {
                let o = match crate::inspect::find_address(self, *addr) {
                    Some(ObjId::ROOT) => {
                        return err(*position, format!("{addr:#x} is the root (hp.Root), which no set holds"))
                    }
                    Some(o) => o,
                    None => return err(*position, format!("no object has the address {addr:#x}")),
                };
                crumbs.push(crumb(e, None, crate::brief::brief(self, o)));
                ObjSet::from_sorted(vec![o.0])
            }
            Expr::Binary { op, lhs, rhs } => {
                let a = self.eval(lhs, &mut Vec::new())?;
                let b = self.eval(rhs, &mut Vec::new())?;
                crumbs.push(crumb(e, None, e.to_string()));
                match op {
                    SetOp::And => a.and(&b),
                    SetOp::Or => a.or(&b),
                    SetOp::Sub => a.sub(&b),
                    SetOp::Xor => a.xor(&b),
                }
            }
            Expr::Referrers(of) => {
                let x = self.eval(of, crumbs)?;
                crumbs.push(crumb(e, None, ".referrers".into()));
                self.referrers_of(&x)
            }
            Expr::Referents(of) => {
                let x = self.eval(of, crumbs)?;
                crumbs.push(crumb(e, None, ".referents".into()));
                self.referents_of(&x)
            }
            Expr::Dominos(of) => {
                let x = self.eval(of, crumbs)?;
                crumbs.push(crumb(e, None, ".dominos".into()));
                crate::retained::dominos(self, &x)
            }
            Expr::Imdom(of) => {
                let x = self.eval(of, crumbs)?;
                crumbs.push(crumb(e, None, ".imdom".into()));
                crate::retained::imdom(self, &x)
            }
            Expr::Row { of, relation, selector, position } => {
                let x = self.eval(of, crumbs)?;
                let p = partition(self, &x, *relation);
                let row = match selector {
                    Selector::Index(i) => {
                        let len = p.len() as i64;
                        let r = if *i < 0 { i + len } else { *i };
                        if r < 0 || r >= len {
                            return err(
                                *position,
                                format!("row {i} does not exist: {of}.by{} has {len} rows", relation.name()),
                            );
                        }
                        r as usize
                    }
                    Selector::Label(l) => match p.find_label(self, l) {
                        Some(r) => r,
                        None => return err(*position, format!("no row labelled {l:?} in {of}.by{}", relation.name())),
                    },
                };
                crumbs.push(crumb(e, Some(*relation), p.row(self, row).label));
                p.row_set(self, &x, row)
            }
        };
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(q.expr, Expr::Referrers(Box::new(Expr::Object { addr: 0x7f12ab, position: 0 })));
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
                    assert_eq!((*of, l.as_str()), (Expr::Heap, label))
                }
                other => panic!("{label:?}: {other:?}"),
            }
            assert!(!quote_label(label).contains('\n'), "one line: {label:?}");
        }
    }
}
