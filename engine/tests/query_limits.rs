//! The query step limit: the longest chains and deepest nestings a query may have parse,
//! evaluate, print back, rebase, clone and drop on a thread with a small stack; one step
//! more (or thousands more) is refused with an error naming the limit, never a stack overflow.

use heaplens_engine::identity::refpoint::{rebase, uses_heapnew};
use heaplens_engine::query::{Expr, MAX_QUERY_STEPS};
use heaplens_engine::testing::small_snapshot_seen;
use heaplens_engine::{read_snapshot, Heap, Query};
use std::sync::Arc;

/// Runs `f` on a thread with a small stack, so that a walk over a query that recursed per
/// step would overflow here (and fail the test) rather than pass on a roomy test thread.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().expect("no panic, no overflow")
}

fn heap() -> Heap {
    // capture 2 of a process with a reference point at 1, so `rebase` has something to do
    Heap::new(read_snapshot(&small_snapshot_seen(&[(6, 2)], Some(1))).unwrap())
}

/// `heap` and then `n` repeats of `step`.
fn chain(step: &str, n: usize) -> String {
    let mut q = String::from("heap");
    for _ in 0..n {
        q.push_str(step);
    }
    q
}

/// `n` terms joined by `op`.
fn sequence(op: &str, n: usize) -> String {
    vec!["heap.bytype[0]"; n].join(op)
}

fn nested(n: usize) -> String {
    format!("{}heap{}", "(".repeat(n), ")".repeat(n))
}

fn assert_refused(text: &str) {
    let e = Query::parse(text).unwrap_err();
    assert!(e.message.contains(&format!("at most {MAX_QUERY_STEPS} steps")), "{e}");
}

/// Everything a server does with a query, on the longest one allowed.
fn exercise(text: String) {
    on_small_stack(move || {
        let h = heap();
        let q = Query::parse(&text).unwrap_or_else(|e| panic!("{e}"));
        assert!(q.steps() <= MAX_QUERY_STEPS);
        let sel = h.select(&q).unwrap_or_else(|e| panic!("{e}"));
        let printed = q.to_string();
        assert_eq!(Query::parse(&printed).unwrap(), q, "prints back");
        let again = h.select(&Query::parse(&printed).unwrap()).unwrap();
        assert_eq!(again.set, sel.set);
        for c in &sel.crumbs {
            let _ = c.query.to_string();
        }
        let new = rebase(&h, &q, true).unwrap_or_else(|e| panic!("{e}"));
        assert!(uses_heapnew(&new.expr));
        assert!(!uses_heapnew(&rebase(&h, &new, false).unwrap().expr));
        let copy = q.clone();
        drop(q);
        drop(sel);
        drop(copy);
    });
}

#[test]
fn the_longest_chains_of_every_step_work_on_a_small_stack() {
    for step in [
        ".referrers",
        ".referents",
        ".imdom",
        ".dominos",
        ".byclodo[0]",
        ".bytype[-1]",
        ".dominos.byclodo[0]",
        ".referrers.byclodo[0].referents",
    ] {
        let per = step.matches('.').count();
        let n = (MAX_QUERY_STEPS - 1) / per;
        exercise(chain(step, n));
        assert_refused(&chain(step, MAX_QUERY_STEPS));
        on_small_stack({
            let text = chain(step, 60_000);
            move || assert_refused(&text)
        });
    }
}

#[test]
fn the_deepest_parentheses_and_longest_operator_sequences_work_on_a_small_stack() {
    exercise(nested(MAX_QUERY_STEPS - 1));
    assert_refused(&nested(MAX_QUERY_STEPS));
    on_small_stack(|| assert_refused(&nested(60_000)));
    for op in [" | ", " - ", " & ", " ^ "] {
        // n terms of two steps each and n - 1 operators
        let n = (MAX_QUERY_STEPS + 1) / 3;
        exercise(sequence(op, n));
        assert_refused(&sequence(op, n + 1));
        on_small_stack({
            let text = sequence(op, 26_000);
            move || assert_refused(&text)
        });
    }
    // operators of rising precedence nest to the right; parentheses to the left
    let mixed = format!("{}heap{}", "(heap | ".repeat(80), ")".repeat(80));
    exercise(mixed);
}

#[test]
fn the_refusal_points_at_the_first_step_past_the_limit() {
    let text = chain(".referrers", MAX_QUERY_STEPS + 10);
    let e = Query::parse(&text).unwrap_err();
    // `heap` is step 1, so the limit is passed by the `.` of `.referrers` number MAX
    assert_eq!(e.position, 4 + (MAX_QUERY_STEPS - 1) * ".referrers".len());
}

#[test]
fn breadcrumbs_share_the_query_instead_of_copying_it() {
    let h = heap();
    let q = Query::parse(&chain(".referrers", 200)).unwrap();
    let sel = h.select(&q).unwrap();
    assert_eq!(sel.crumbs.len(), 201);
    let operand = |e: &Expr| match e {
        Expr::Referrers(of) => of.clone(),
        other => panic!("{other:?}"),
    };
    for pair in sel.crumbs.windows(2).skip(1) {
        // the operand of step k is the very node of step k - 1's operand's parent: shared
        let (prev, next) = (operand(&pair[0].query.expr), operand(&pair[1].query.expr));
        assert!(Arc::ptr_eq(&operand(&next), &prev), "crumbs share subtrees");
    }
}
