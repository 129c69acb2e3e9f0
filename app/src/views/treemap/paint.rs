//! Painting the treemap: every cell's rectangle on the canvas in the page's colours (hatched
//! when it aggregates the rows too small to draw), and a link with its label over each cell
//! big enough to read (text nodes only).

use wasm_bindgen::prelude::*;

use crate::route::partition::PartitionRoute;
use crate::ui::format::bytes;
use crate::viz::canvas;
use crate::viz::palette;

use super::layout::{Placed, HEADER_H};
use super::model::Cell;

/// Cell colours, read from the page's CSS variables (light or dark).
pub(super) struct Palette {
    pub(super) s: String,
    pub(super) l: f64,
    pub(super) l2: f64,
    pub(super) other: String,
    pub(super) hatch: String,
    pub(super) bg: String,
}

impl Palette {
    pub(super) fn read(el: &web_sys::Element) -> Self {
        let pct = |name: &str, default: f64| {
            canvas::css_var(el, name).trim_end_matches('%').trim().parse().unwrap_or(default)
        };
        Palette {
            s: palette::css_or(el, "--cell-s", "55%"),
            l: pct("--cell-l", 82.0),
            l2: pct("--cell-l2", 90.0),
            other: palette::css_or(el, "--bg-bar", "#f1f3f4"),
            hatch: palette::css_or(el, "--line", "#dadce0"),
            bg: palette::css_or(el, "--bg", "#ffffff"),
        }
    }
}

/// Whether a cell is big enough for its label (it then also gets a link element).
pub(super) fn labelled(p: &Placed) -> bool {
    let (w, h) = (p.x1 - p.x0, p.y1 - p.y0);
    if p.parent {
        w >= 28.0 && h >= 14.0
    } else {
        w >= 36.0 && h >= 15.0
    }
}

/// Paints every cell's rectangle on the canvas, and puts a link with its label over each cell
/// big enough to read (text nodes only) into `layer`.
pub(super) fn draw(
    canvas_el: &web_sys::Element,
    layer: &web_sys::Element,
    cells: &[Cell],
    placed: &[Placed],
    route: &PartitionRoute,
    (w, h): (f64, f64),
) -> Result<(), JsValue> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let dpr = canvas::pixel_ratio();
    canvas_el.set_attribute("width", &format!("{}", (w * dpr).round()))?;
    canvas_el.set_attribute("height", &format!("{}", (h * dpr).round()))?;
    canvas_el.set_attribute("style", &format!("width:{w}px;height:{h}px"))?;
    let ctx = canvas::context(canvas_el).ok_or("no 2D canvas context")?;
    let pal = Palette::read(canvas_el);
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style(&pal.bg);
    ctx.fill_rect(0.0, 0.0, w, h);
    let mut last = String::new();
    for p in placed {
        let c = &cells[p.k];
        let fill = if c.query.is_none() {
            pal.other.clone()
        } else {
            let l = if p.parent {
                pal.l - 12.0
            } else if c.parent.is_some() {
                pal.l2
            } else {
                pal.l
            };
            format!("hsl({} {} {l}%)", palette::rank_hue(c.hue_index), pal.s)
        };
        if fill != last {
            ctx.set_fill_style(&fill);
            last = fill;
        }
        ctx.fill_rect(p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0);
        if c.query.is_none() {
            hatch(&ctx, p, &pal.hatch);
            last.clear();
        }
    }

    let new_layer = doc.create_element("div")?;
    new_layer.set_class_name("tm-layer");
    for p in placed.iter().filter(|p| labelled(p)) {
        let c = &cells[p.k];
        let el = match &c.query {
            Some(q) => {
                let a = doc.create_element("a")?;
                a.set_attribute("href", &route.with_query(q).href())?;
                a.set_attribute("data-query", q)?;
                a.set_attribute("data-test", "treemap-cell")?;
                a
            }
            None => {
                let d = doc.create_element("div")?;
                d.set_attribute("data-test", "treemap-other")?;
                d
            }
        };
        let mut class = String::from("tm-cell");
        if p.parent {
            class.push_str(" tm-parent");
        }
        if c.query.is_none() {
            class.push_str(" tm-other");
        }
        if c.single {
            class.push_str(" tm-single");
        }
        el.set_class_name(&class);
        el.set_attribute("data-k", &p.k.to_string())?;
        let (cw, ch) = (p.x1 - p.x0, if p.parent { HEADER_H } else { p.y1 - p.y0 });
        el.set_attribute("style", &format!("left:{}px;top:{}px;width:{cw}px;height:{ch}px", p.x0, p.y0))?;
        let label = doc.create_element("span")?;
        label.set_class_name("tm-label");
        label.set_text_content(Some(&c.label));
        el.append_child(&label)?;
        if p.parent || (ch >= 32.0 && cw >= 50.0) {
            let size = doc.create_element("span")?;
            size.set_class_name("tm-size");
            size.set_text_content(Some(&bytes(c.retained.unwrap_or(c.size))));
            el.append_child(&size)?;
        }
        new_layer.append_child(&el)?;
    }
    layer.replace_children_with_node_1(&new_layer);
    Ok(())
}

/// Diagonal stripes over an aggregate ("other") cell.
pub(super) fn hatch(ctx: &canvas::Ctx, p: &Placed, colour: &str) {
    let (w, h) = (p.x1 - p.x0, p.y1 - p.y0);
    ctx.save();
    ctx.begin_path();
    ctx.rect(p.x0, p.y0, w, h);
    ctx.clip();
    ctx.set_stroke_style(colour);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    let mut c = -h;
    while c < w {
        ctx.move_to(p.x0 + c, p.y1);
        ctx.line_to(p.x0 + c + h, p.y0);
        c += 7.0;
    }
    ctx.stroke();
    ctx.restore();
}
