//! The treemap's tooltip: what a cell holds (objects, bytes, its share of the set) and what a
//! click on it does.

use leptos::prelude::*;

use crate::ui::format::{bytes, exact_bytes, grouped};

use super::model::Cell;

/// The share of `part` in `whole`, as heapy prints percentages.
pub(super) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let p = part as f64 * 100.0 / whole as f64;
    if p >= 1.0 || p == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.2}%")
    }
}

/// The tooltip of cell `c` (inside `parent`, if nested) at (`left`, `top`) on the stage, its
/// shares taken of the set's `set_size`.
pub(super) fn tip(c: Cell, parent: Option<String>, set_size: u64, left: f64, top: f64) -> impl IntoView {
    let counts = format!("{} objects · {}", grouped(c.count), exact_bytes(c.size));
    let human = match c.retained {
        Some(r) => {
            format!("retains {} ({}) · {} of the set's size", bytes(r), exact_bytes(r), percent(r, set_size))
        }
        None => format!("{} · {} of the set", bytes(c.size), percent(c.size, set_size)),
    };
    let hint = match (&c.query, c.single) {
        (None, _) => format!("{} rows too small to draw, together", grouped(c.other_rows)),
        (Some(_), true) => "Click: inspect this object".to_owned(),
        (Some(_), false) => "Click: make this the set".to_owned(),
    };
    view! {
        <div class="viz-tip" data-test="treemap-tip" style=format!("left:{left}px;top:{top}px")>
            {parent.map(|p| view! { <div class="viz-tip-parent">{p}" ›"</div> })}
            <div class="viz-tip-label" data-test="treemap-tip-label">{c.label}</div>
            <div class="viz-tip-num" data-test="treemap-tip-size">{counts}</div>
            <div class="viz-tip-num dim">{human}</div>
            <div class="viz-tip-hint dim">{hint}</div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(1, 1000), "0.10%");
        assert_eq!(percent(0, 0), "0%");
    }
}
