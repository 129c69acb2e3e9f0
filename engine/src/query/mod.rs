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
//!
//! A query has at most [`MAX_QUERY_STEPS`] steps (atoms, `.` steps, operators and
//! parentheses), checked while parsing, so every walk over its tree (evaluation, display,
//! rebasing, dropping) is bounded however long the text a client sends. Subtrees are shared
//! (`Arc`), so a breadcrumb's query costs one node, not a copy of the expression.
//! [`parse`] reads the text, [`eval`] evaluates it.

mod eval;
mod parse;
#[cfg(test)]
mod tests;

pub(crate) use eval::RowLabels;
pub use eval::{Crumb, Selection};

use crate::partition::Relation;
use std::fmt;
use std::sync::Arc;

/// The most steps a query may have: atoms (`heap`, `@0x…`), `.` steps (`.referrers`,
/// `.byclodo[0]`, …), set operators and parentheses each count one. Enough for any drill-down
/// a person makes (a reference pattern of the deepest depth the API allows is 2 steps per
/// level); small enough that the walks over a query's tree stay shallow.
pub const MAX_QUERY_STEPS: usize = 256;

/// A parse or evaluation error with the byte position in the query it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at position {position} of the query)")]
pub struct QueryError {
    pub position: usize,
    pub message: String,
}

pub(crate) fn err<T>(position: usize, message: impl Into<String>) -> Result<T, QueryError> {
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
    pub(crate) fn symbol(self) -> char {
        match self {
            SetOp::And => '&',
            SetOp::Or => '|',
            SetOp::Sub => '-',
            SetOp::Xor => '^',
        }
    }

    /// Python's binding strength: higher binds tighter.
    pub(crate) fn precedence(self) -> u8 {
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
    Row { of: Arc<Expr>, relation: Relation, selector: Selector, position: usize },
    /// `X.referrers`: the objects (reached from the root) that refer to a member of X.
    Referrers(Arc<Expr>),
    /// `X.referents`: the objects a member of X refers to.
    Referents(Arc<Expr>),
    /// `X.dominos`: what the root reaches only through X (X's reachable members included):
    /// what would be freed if the references to X were deleted (heapy's `dominos`).
    Dominos(Arc<Expr>),
    /// `X.imdom`: the referrers of X the root reaches without passing another referrer (heapy's `imdom`).
    Imdom(Arc<Expr>),
    /// `A op B`.
    Binary { op: SetOp, lhs: Arc<Expr>, rhs: Arc<Expr> },
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

    /// Parses a query's text; an error names the byte it is about (and the limit, for a query
    /// of more than [`MAX_QUERY_STEPS`] steps).
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        parse::parse(text)
    }

    /// The number of steps in the query's expression (see [`MAX_QUERY_STEPS`]; parentheses
    /// are not kept, so a parsed query may count fewer than its text did).
    pub fn steps(&self) -> usize {
        self.expr.steps()
    }

    /// The set part alone (no relation to show).
    pub fn set_query(&self) -> Query {
        Query { expr: self.expr.clone(), view: None }
    }

    /// This query's set, then one row of it under `relation`.
    pub fn then(&self, relation: Relation, selector: Selector) -> Query {
        Query { expr: Expr::Row { of: Arc::new(self.expr.clone()), relation, selector, position: 0 }, view: None }
    }
}

impl Expr {
    /// The outer chain of `.` steps: its base (an atom or a set operation) and the steps,
    /// outermost first, found in a loop.
    pub fn chain(&self) -> (&Expr, Vec<&Expr>) {
        let mut chain = Vec::new();
        let mut base = self;
        while let Expr::Row { of, .. }
        | Expr::Referrers(of)
        | Expr::Referents(of)
        | Expr::Dominos(of)
        | Expr::Imdom(of) = base
        {
            chain.push(base);
            base = of;
        }
        (base, chain)
    }

    /// The number of nodes in the tree (each atom, `.` step and operator), counted without
    /// recursion.
    pub fn steps(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            n += 1;
            match e {
                Expr::Row { of, .. }
                | Expr::Referrers(of)
                | Expr::Referents(of)
                | Expr::Dominos(of)
                | Expr::Imdom(of) => stack.push(of),
                Expr::Binary { lhs, rhs, .. } => {
                    stack.push(lhs);
                    stack.push(rhs);
                }
                _ => {}
            }
        }
        n
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
        // a chain of `.` steps is written in a loop: its base, then each step outward
        let (base, chain) = self.chain();
        let outer = if chain.is_empty() { outer } else { u8::MAX };
        match base {
            Expr::Heap => f.write_str("heap")?,
            Expr::Heapu => f.write_str("heapu")?,
            Expr::HeapNew { .. } => f.write_str("heapnew")?,
            Expr::HeapRef { .. } => f.write_str("heapref")?,
            Expr::Object { addr, .. } => write!(f, "@{addr:#x}")?,
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
            }
            _ => unreachable!("a chain's base is not a step"),
        }
        for step in chain.iter().rev() {
            match step {
                Expr::Row { relation, selector, .. } => {
                    write!(f, ".by{}", relation.name())?;
                    match selector {
                        Selector::Index(i) => write!(f, "[{i}]")?,
                        Selector::Label(l) => write!(f, "[{}]", quote_label(l))?,
                    }
                }
                Expr::Referrers(_) => f.write_str(".referrers")?,
                Expr::Referents(_) => f.write_str(".referents")?,
                Expr::Dominos(_) => f.write_str(".dominos")?,
                Expr::Imdom(_) => f.write_str(".imdom")?,
                _ => unreachable!("not a step"),
            }
        }
        Ok(())
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

/// A row label as a quoted string literal that the parser reads back to the same label
/// (`heap.byclodo[<this>]`): a JSON string, so quotes, backslashes and control characters
/// are escaped and markup such as `<script>` stays plain text.
pub fn quote_label(label: &str) -> String {
    serde_json::to_string(label).expect("strings serialise")
}
