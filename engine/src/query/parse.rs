//! The query parser: precedence climbing over the text, counting steps as it goes so that a
//! query of more than [`MAX_QUERY_STEPS`] steps (or parentheses nested that deep) is refused
//! before any deep structure exists.

use super::{err, Expr, Query, QueryError, Selector, SetOp, MAX_QUERY_STEPS};
use crate::partition::Relation;
use std::sync::Arc;

pub(super) fn parse(text: &str) -> Result<Query, QueryError> {
    let mut p = Parser { s: text.as_bytes(), text, i: 0, steps: 0 };
    let (expr, view) = p.expr()?;
    p.skip_ws();
    if p.i < p.s.len() {
        return err(p.i, format!("unexpected {:?}: expected an operator or the end of the query", p.char_here()));
    }
    Ok(Query { expr, view })
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    /// Steps read so far (atoms, `.` steps, operators, opening parentheses).
    steps: usize,
}

impl Parser<'_> {
    /// Counts one step at byte `at`; past [`MAX_QUERY_STEPS`] the query is refused.
    fn step(&mut self, at: usize) -> Result<(), QueryError> {
        self.steps += 1;
        if self.steps > MAX_QUERY_STEPS {
            return err(
                at,
                format!(
                    "a query may have at most {MAX_QUERY_STEPS} steps (atoms, `.` steps, operators and parentheses each count one); this one has more"
                ),
            );
        }
        Ok(())
    }

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

    /// Shunting-yard over operands and operators with explicit stacks (no recursion, so
    /// nesting costs heap, not stack). Returns the expression and a trailing view relation,
    /// which is allowed only at the very end of the query (or of a parenthesised group that
    /// ends it).
    fn expr(&mut self) -> Result<(Expr, Option<Relation>), QueryError> {
        // `None` is an open parenthesis
        let mut ops: Vec<Option<SetOp>> = Vec::new();
        let mut vals: Vec<(Expr, Option<Relation>)> = Vec::new();
        loop {
            // an operand: opening parentheses, then an atom and its `.` steps
            self.skip_ws();
            while self.s.get(self.i) == Some(&b'(') {
                self.step(self.i)?;
                self.i += 1;
                ops.push(None);
                self.skip_ws();
            }
            let atom = self.atom()?;
            vals.push(self.postfix(atom)?);
            // closing parentheses, each followed by its own `.` steps
            loop {
                self.skip_ws();
                if self.s.get(self.i) != Some(&b')') || !ops.contains(&None) {
                    break;
                }
                self.reduce_while(&mut ops, &mut vals, 0)?;
                ops.pop();
                self.i += 1;
                let (inner, view) = vals.pop().expect("a group has a value");
                vals.push(match view {
                    // `(X.byR)` is just X shown by R; allowed only if nothing follows
                    Some(v) => self.end_view(inner, v)?,
                    None => self.postfix(inner)?,
                });
            }
            let Some(op) = self.peek_op() else {
                if ops.contains(&None) {
                    return err(self.i, "expected `)`");
                }
                self.reduce_while(&mut ops, &mut vals, 0)?;
                return Ok(vals.pop().expect("one value"));
            };
            if vals.last().is_some_and(|v| v.1.is_some()) {
                return err(self.i, "`.by<relation>` without a row must end the query");
            }
            self.step(self.i)?;
            self.i += 1;
            // left-associative: reduce what binds at least as tightly first
            self.reduce_while(&mut ops, &mut vals, op.precedence())?;
            ops.push(Some(op));
        }
    }

    /// Combines the top operands while the top operator binds at least `min` tightly (stops
    /// at an open parenthesis).
    fn reduce_while(
        &self,
        ops: &mut Vec<Option<SetOp>>,
        vals: &mut Vec<(Expr, Option<Relation>)>,
        min: u8,
    ) -> Result<(), QueryError> {
        while let Some(&Some(op)) = ops.last() {
            if op.precedence() < min {
                break;
            }
            ops.pop();
            let (rhs, view) = vals.pop().expect("an operator has a right operand");
            let (lhs, _) = vals.pop().expect("an operator has a left operand");
            vals.push((Expr::Binary { op, lhs: Arc::new(lhs), rhs: Arc::new(rhs) }, view));
        }
        Ok(())
    }

    /// One atom: `heap`, `heapu`, `heapnew`, `heapref` or `@0x<address>`.
    fn atom(&mut self) -> Result<Expr, QueryError> {
        let start = self.i;
        self.step(start)?;
        Ok(if self.s.get(self.i) == Some(&b'@') {
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
        })
    }

    /// The `.` steps after an operand (an atom or a parenthesised group), and a trailing view.
    fn postfix(&mut self, mut e: Expr) -> Result<(Expr, Option<Relation>), QueryError> {
        loop {
            if self.s.get(self.i) != Some(&b'.') {
                return Ok((e, None));
            }
            self.step(self.i)?;
            self.i += 1;
            let at = self.i;
            let word = self.word();
            match word {
                "referrers" => e = Expr::Referrers(Arc::new(e)),
                "referents" => e = Expr::Referents(Arc::new(e)),
                "dominos" => e = Expr::Dominos(Arc::new(e)),
                "imdom" => e = Expr::Imdom(Arc::new(e)),
                w if w.starts_with("by") => {
                    let Some(relation) = Relation::parse(&w[2..]) else {
                        let known: Vec<_> = Relation::ALL.iter().map(|r| format!("by{}", r.name())).collect();
                        return err(at, format!("unknown relation `{w}`; known: {}", known.join(", ")));
                    };
                    if self.s.get(self.i) == Some(&b'[') {
                        let position = self.i + 1;
                        let selector = self.selector()?;
                        e = Expr::Row { of: Arc::new(e), relation, selector, position };
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
