//! heapy-like query paths: `heap`, then `.by<relation>[row]` steps, optionally ending with
//! `.by<relation>` (the relation to show). Rows are chosen by index (`[2]`, `[-1]`) or by
//! label (`["dict of __main__.Node"]`). Errors point at the offending byte.

use crate::heap::Heap;
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

/// How a step picks a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Index(i64),
    Label(String),
}

/// One `.by<relation>[row]` step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub relation: Relation,
    pub selector: Selector,
    /// Byte offset of the selector, for errors.
    pub position: usize,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub steps: Vec<Step>,
    /// A trailing `.by<relation>` without a row: the relation to show.
    pub view: Option<Relation>,
}

impl Query {
    /// The whole heap.
    pub fn heap() -> Query {
        Query { steps: Vec::new(), view: None }
    }

    pub fn parse(text: &str) -> Result<Query, QueryError> {
        Parser { s: text.as_bytes(), text, i: 0 }.query()
    }

    /// The query of the set selected by the first `n` steps (no view relation).
    pub fn prefix(&self, n: usize) -> Query {
        Query { steps: self.steps[..n].to_vec(), view: None }
    }

    /// This query with one more step.
    pub fn then(&self, relation: Relation, selector: Selector) -> Query {
        let mut q = self.prefix(self.steps.len());
        q.steps.push(Step { relation, selector, position: 0 });
        q
    }
}

impl fmt::Display for Query {
    /// The normalised text: `heap.byclodo[2].bytype["str"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("heap")?;
        for s in &self.steps {
            write!(f, ".by{}", s.relation.name())?;
            match &s.selector {
                Selector::Index(i) => write!(f, "[{i}]")?,
                Selector::Label(l) => write!(f, "[{}]", serde_json::to_string(l).expect("strings serialise"))?,
            }
        }
        if let Some(v) = self.view {
            write!(f, ".by{}", v.name())?;
        }
        Ok(())
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn query(mut self) -> Result<Query, QueryError> {
        if !self.text.starts_with("heap") {
            return err(0, "a query starts with `heap`");
        }
        self.i = 4;
        let mut q = Query::heap();
        while self.i < self.s.len() {
            if q.view.is_some() {
                return err(self.i, "expected `[` to pick a row, or the end of the query");
            }
            if self.s[self.i] != b'.' {
                return err(self.i, format!("unexpected {:?}: expected `.by<relation>`", self.char_here()));
            }
            self.i += 1;
            let start = self.i;
            while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
                self.i += 1;
            }
            let word = &self.text[start..self.i];
            let Some(name) = word.strip_prefix("by") else {
                return err(start, format!("unknown operation `.{word}`: expected `.by<relation>`"));
            };
            let Some(relation) = Relation::parse(name) else {
                let known: Vec<_> = Relation::ALL.iter().map(|r| format!("by{}", r.name())).collect();
                return err(start, format!("unknown relation `{word}`; known: {}", known.join(", ")));
            };
            if self.i < self.s.len() && self.s[self.i] == b'[' {
                let position = self.i + 1;
                let selector = self.selector()?;
                q.steps.push(Step { relation, selector, position });
            } else {
                q.view = Some(relation);
            }
        }
        Ok(q)
    }

    fn char_here(&self) -> char {
        self.text[self.i..].chars().next().unwrap_or(' ')
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

/// One step of an evaluated query, for breadcrumbs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    /// The query that selects the set reached after this step.
    pub query: Query,
    pub relation: Relation,
    /// The label of the row chosen.
    pub label: String,
}

/// The set a query selects, with the path that led to it.
#[derive(Debug, Clone)]
pub struct Selection {
    pub set: ObjSet,
    pub crumbs: Vec<Crumb>,
}

impl Heap {
    /// Evaluates a query to its set.
    pub fn select(&self, q: &Query) -> Result<Selection, QueryError> {
        let mut set = self.heap().clone();
        let mut crumbs = Vec::with_capacity(q.steps.len());
        for (n, step) in q.steps.iter().enumerate() {
            let p = partition(self, &set, step.relation);
            let at = q.prefix(n);
            let row = match &step.selector {
                Selector::Index(i) => {
                    let len = p.rows.len() as i64;
                    let r = if *i < 0 { i + len } else { *i };
                    if r < 0 || r >= len {
                        return err(
                            step.position,
                            format!("row {i} does not exist: {at}.by{} has {len} rows", step.relation.name()),
                        );
                    }
                    r as usize
                }
                Selector::Label(l) => match p.find_label(l) {
                    Some(r) => r,
                    None => {
                        return err(step.position, format!("no row labelled {l:?} in {at}.by{}", step.relation.name()))
                    }
                },
            };
            let label = p.rows[row].label.clone();
            set = p.row_set(self, &set, row);
            crumbs.push(Crumb { query: q.prefix(n + 1), relation: step.relation, label });
        }
        Ok(Selection { set, crumbs })
    }
}
