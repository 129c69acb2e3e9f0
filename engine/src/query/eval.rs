//! Evaluating a query against a heap: the set it selects and the breadcrumbs that led there.
//!
//! A chain of `.` steps is evaluated in a loop (down to its base, then step by step back up),
//! so only set operators nest calls, and those are bounded by the parser's step limit. Each
//! breadcrumb shares its subtree of the query (`Arc`), so evaluation is linear in the steps.

use super::{err, Expr, Query, QueryError, Selector, SetOp};
use crate::heap::ids::ObjId;
use crate::heap::set::ObjSet;
use crate::heap::Heap;
use crate::partition::{partition, Relation};
use std::collections::HashMap;

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

/// The labels of the rows a query's row steps picked, keyed by the step's node.
pub(crate) type RowLabels = HashMap<*const Expr, String>;

impl Heap {
    /// Evaluates a query to its set. The first crumb is the base set (`heap`, `heapu` or a
    /// parenthesised expression); then one crumb per postfix step.
    pub fn select(&self, q: &Query) -> Result<Selection, QueryError> {
        let mut crumbs = Vec::new();
        let set = Eval { heap: self, labels: None }.eval(&q.expr, Some(&mut crumbs))?;
        Ok(Selection { set, crumbs })
    }

    /// Evaluates `e` once and returns the label of the row every row step in it picked
    /// (anywhere in the tree, operands of set operators included).
    pub(crate) fn row_labels(&self, e: &Expr) -> Result<RowLabels, QueryError> {
        let mut ev = Eval { heap: self, labels: Some(HashMap::new()) };
        ev.eval(e, None)?;
        Ok(ev.labels.unwrap_or_default())
    }
}

struct Eval<'h> {
    heap: &'h Heap,
    labels: Option<RowLabels>,
}

fn crumb(e: &Expr, relation: Option<Relation>, label: String) -> Crumb {
    Crumb { query: Query { expr: e.clone(), view: None }, relation, label }
}

impl Eval<'_> {
    /// The set of `e`; crumbs (when wanted) for its base and each step of its outer chain.
    fn eval(&mut self, e: &Expr, mut crumbs: Option<&mut Vec<Crumb>>) -> Result<ObjSet, QueryError> {
        let (base, chain) = e.chain();
        let mut set = self.base(base, crumbs.as_deref_mut())?;
        let mut below = base;
        for &step in chain.iter().rev() {
            let (next, relation, label) = self.step(step, below, &set)?;
            if let Some(c) = crumbs.as_deref_mut() {
                c.push(crumb(step, relation, label));
            }
            set = next;
            below = step;
        }
        Ok(set)
    }

    fn base(&mut self, e: &Expr, crumbs: Option<&mut Vec<Crumb>>) -> Result<ObjSet, QueryError> {
        let heap = self.heap;
        let (set, label) = match e {
            Expr::Heap => (heap.heap().clone(), None),
            Expr::Heapu => (heap.heapu(), None),
            Expr::HeapNew { position } | Expr::HeapRef { position } => {
                let got = if matches!(e, Expr::HeapNew { .. }) { heap.heapnew() } else { heap.heapref() };
                match got {
                    Ok(set) => (set, None),
                    Err(message) => return err(*position, message),
                }
            }
            Expr::Object { addr, position } => {
                let o = match crate::heap::find_address(heap, *addr) {
                    Some(ObjId::ROOT) => {
                        return err(*position, format!("{addr:#x} is the root (hp.Root), which no set holds"))
                    }
                    Some(o) => o,
                    None => return err(*position, format!("no object has the address {addr:#x}")),
                };
                (ObjSet::from_sorted(vec![o.0]), crumbs.is_some().then(|| crate::heap::brief::brief(heap, o)))
            }
            Expr::Binary { op, lhs, rhs } => {
                let a = self.eval(lhs, None)?;
                let b = self.eval(rhs, None)?;
                let set = match op {
                    SetOp::And => a.and(&b),
                    SetOp::Or => a.or(&b),
                    SetOp::Sub => a.sub(&b),
                    SetOp::Xor => a.xor(&b),
                };
                (set, None)
            }
            _ => unreachable!("a chain's base is not a step"),
        };
        if let Some(c) = crumbs {
            c.push(crumb(e, None, label.unwrap_or_else(|| e.to_string())));
        }
        Ok(set)
    }

    /// One `.` step from `x` (the set of `of`, the step's operand): the new set, the relation
    /// a row was picked under and the crumb's label.
    fn step(&mut self, e: &Expr, of: &Expr, x: &ObjSet) -> Result<(ObjSet, Option<Relation>, String), QueryError> {
        let heap = self.heap;
        Ok(match e {
            Expr::Referrers(_) => (heap.referrers_of(x), None, ".referrers".into()),
            Expr::Referents(_) => (heap.referents_of(x), None, ".referents".into()),
            Expr::Dominos(_) => (crate::retained::dominos(heap, x), None, ".dominos".into()),
            Expr::Imdom(_) => (crate::retained::imdom(heap, x), None, ".imdom".into()),
            Expr::Row { relation, selector, position, .. } => {
                let p = partition(heap, x, *relation);
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
                    Selector::Label(l) => match p.find_label(heap, l) {
                        Some(r) => r,
                        None => return err(*position, format!("no row labelled {l:?} in {of}.by{}", relation.name())),
                    },
                };
                let label = p.row(heap, row).label;
                if let Some(labels) = self.labels.as_mut() {
                    labels.insert(e as *const Expr, label.clone());
                }
                (p.row_set(heap, x, row), Some(*relation), label)
            }
            _ => unreachable!("not a step"),
        })
    }
}
