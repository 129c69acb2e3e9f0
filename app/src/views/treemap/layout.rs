//! d3's squarified treemap layout of a numbers-only JSON tree into placed rectangles (used by
//! the treemap view and the diff page's growth treemap), and the cell under a point.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::viz::d3;

/// Height of a parent's header strip (its label) when nested.
pub(super) const HEADER_H: f64 = 16.0;

/// One laid-out rectangle.
pub(crate) struct Placed {
    pub k: usize,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub parent: bool,
}

/// d3's squarified layout of `json` in a `w`×`h` box.
pub(crate) fn layout(json: &str, w: f64, h: f64) -> Result<Vec<Placed>, JsValue> {
    let data = js_sys::JSON::parse(json)?;
    let value = Closure::<dyn Fn(d3::Datum) -> f64>::new(|d: d3::Datum| d.v());
    let root = d3::hierarchy(&data).sum(value.as_ref());
    // parents (second level present) get a header strip and a frame
    let pad = |top: f64| {
        Closure::<dyn Fn(d3::HierarchyNode) -> f64>::new(move |n: d3::HierarchyNode| {
            if n.depth() == 1 && n.children().is_some() {
                top
            } else {
                0.0
            }
        })
    };
    let (pt, pr, pb, pl) = (pad(HEADER_H), pad(2.0), pad(2.0), pad(2.0));
    let size = js_sys::Array::of2(&JsValue::from_f64(w), &JsValue::from_f64(h));
    let tm = d3::TREEMAP_SQUARIFY.with(|tile| {
        d3::treemap()
            .tile(tile)
            .size(&size)
            .round(true)
            .padding_inner(1.0)
            .padding_top(pt.as_ref())
            .padding_right(pr.as_ref())
            .padding_bottom(pb.as_ref())
            .padding_left(pl.as_ref())
    });
    tm.call1(&JsValue::NULL, &root)?;
    let all = root.descendants();
    let mut out = Vec::with_capacity(all.length() as usize);
    for n in all.iter() {
        let n: d3::HierarchyNode = n.unchecked_into();
        let k = n.data().k();
        if k < 0 {
            continue;
        }
        out.push(Placed {
            k: k as usize,
            x0: n.x0(),
            y0: n.y0(),
            x1: n.x1(),
            y1: n.y1(),
            parent: n.children().is_some(),
        });
    }
    Ok(out)
}

/// The cell at (`x`, `y`): the innermost one (children are laid out after their parents).
pub(crate) fn cell_at(placed: &[Placed], x: f64, y: f64) -> Option<&Placed> {
    placed.iter().rev().find(|p| x >= p.x0 && x < p.x1 && y >= p.y0 && y < p.y1)
}
