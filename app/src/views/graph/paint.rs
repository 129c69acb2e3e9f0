//! Painting the referrer graph on its canvas: edges, edge labels, nodes, node labels and the
//! `+`/`−` controls, in the colours of the page's CSS variables (light or dark).

use crate::viz::palette;

use super::layout::{Drawing, Hit};
use super::model::NodeKind;

/// Node labels are drawn for all nodes up to this many, else for the largest ones.
pub(super) const ALL_LABELS: usize = 80;
pub(super) const TOP_LABELS: usize = 60;
/// Edge labels (the commonest name) are drawn up to this many edges.
pub(super) const EDGE_LABELS: usize = 60;

/// Colours of the drawing, read from the page's CSS variables (light or dark).
pub(super) struct Palette {
    pub(super) link: String,
    pub(super) text: String,
    pub(super) dim: String,
    pub(super) bg: String,
    pub(super) accent: String,
    pub(super) focus: String,
    pub(super) node_s: String,
    pub(super) node_l: String,
}

impl Palette {
    pub(super) fn read(el: &web_sys::Element) -> Self {
        let v = |name: &str, default: &str| palette::css_or(el, name, default);
        Palette {
            link: v("--link", "#9aa0a6"),
            text: v("--text", "#1f1f1f"),
            dim: v("--text-dim", "#5f6368"),
            bg: v("--bg", "#ffffff"),
            accent: v("--accent", "#1a73e8"),
            focus: v("--focus", "#1a73e8"),
            node_s: v("--node-s", "60%"),
            node_l: v("--node-l", "62%"),
        }
    }
}

pub(super) const MONO: &str = "ui-monospace, \"DejaVu Sans Mono\", Menlo, Consolas, monospace";
pub(super) const UI: &str = "system-ui, sans-serif";

impl Drawing {
    /// Draws the whole graph at the simulation's current positions.
    pub(super) fn paint(&self) {
        let c = &self.ctx;
        let p = self.palette.borrow();
        let (w, h) = self.size.get();
        let (tx, ty, k) = self.transform.get();
        let dpr = self.dpr;
        {
            let mut pos = self.pos.borrow_mut();
            pos.clear();
            pos.extend(self.sim_nodes.iter().map(|n| (n.x(), n.y())));
        }
        let pos = self.pos.borrow();
        c.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        c.clear_rect(0.0, 0.0, w, h);
        c.set_transform(dpr * k, 0.0, 0.0, dpr * k, dpr * tx, dpr * ty);
        c.set_line_join("round");

        // references: a line each, stopping at the target's rim, then the arrowheads
        c.set_stroke_style(&p.link);
        c.set_fill_style(&p.link);
        c.set_global_alpha(0.85);
        let head = 7.0 / k.sqrt();
        let mut heads: Vec<[(f64, f64); 3]> = Vec::with_capacity(self.model.edges.len());
        // one short path per edge: a software rasteriser strokes many small paths much faster
        // than one long path of them all (measured: 52 against 21 frames/s at 500 edges)
        let mut width = f64::NAN;
        for (ei, e) in self.model.edges.iter().enumerate() {
            let ((x1, y1), (x2, y2)) = (pos[e.from], pos[e.to]);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = dx.hypot(dy).max(0.001);
            let (ux, uy) = (dx / len, dy / len);
            let cut = (self.radii[e.to] + 1.5).min(len);
            let (ex, ey) = (x2 - ux * cut, y2 - uy * cut);
            if self.widths[ei] != width {
                width = self.widths[ei];
                c.set_line_width(width);
            }
            c.begin_path();
            c.move_to(x1, y1);
            c.line_to(ex - ux * head * 0.8, ey - uy * head * 0.8);
            c.stroke();
            let (hx, hy) = (ux * head, uy * head);
            heads.push([(ex, ey), (ex - hx - hy * 0.5, ey - hy + hx * 0.5), (ex - hx + hy * 0.5, ey - hy - hx * 0.5)]);
        }
        for [a, b, d] in &heads {
            c.begin_path();
            c.move_to(a.0, a.1);
            c.line_to(b.0, b.1);
            c.line_to(d.0, d.1);
            c.close_path();
            c.fill();
        }
        c.set_global_alpha(1.0);

        // edge names at the middle of their lines
        let mut boxes = self.label_boxes.borrow_mut();
        boxes.clear();
        let fs = 10.0 / k;
        c.set_font(&format!("{fs:.2}px {MONO}"));
        c.set_text_align("center");
        c.set_text_baseline("middle");
        c.set_line_width(3.0 / k);
        for (ei, e) in self.model.edges.iter().enumerate() {
            let Some(text) = &self.edge_labels[ei] else { continue };
            // nearer the holder than the held: lines fan out there, so labels overlap less
            let ((x1, y1), (x2, y2)) = (pos[e.from], pos[e.to]);
            let (mx, my) = (x1 + (x2 - x1) * 0.4, y1 + (y2 - y1) * 0.4);
            let hover = self.hover.get() == Some(Hit::EdgeLabel(ei));
            c.set_stroke_style(&p.bg);
            c.stroke_text(text, mx, my);
            c.set_fill_style(if hover { &p.accent } else { &p.dim });
            c.fill_text(text, mx, my);
            let half = text.chars().count() as f64 * fs * 0.31;
            boxes.push((ei, mx - half, my - fs * 0.6, mx + half, my + fs * 0.6));
        }
        drop(boxes);

        // nodes: a path each (see the edges); plain rims only in smaller graphs, marked rims always
        let dot = |i: usize| {
            let (x, y) = pos[i];
            c.begin_path();
            c.arc(x, y, self.radii[i], 0.0, std::f64::consts::TAU);
        };
        let plain_rims = self.model.nodes.len() <= 150;
        let rim = |i: usize| -> Option<(&str, f64)> {
            let n = &self.model.nodes[i];
            let hovered = matches!(self.hover.get(), Some(Hit::Node(h) | Hit::Control(h)) if h == i);
            if self.focus.get() == Some(i) {
                Some((&p.focus, 3.0))
            } else if hovered {
                Some((&p.accent, 2.5))
            } else if n.current {
                Some((&p.text, 3.0))
            } else if n.expanded && !self.chains {
                Some((&p.accent, 2.0))
            } else {
                None
            }
        };
        let mut fill = "";
        c.set_stroke_style(&p.bg);
        c.set_line_width(1.5 / k);
        let mut marked = Vec::new();
        for i in 0..self.model.nodes.len() {
            dot(i);
            if self.fills[i] != fill {
                fill = &self.fills[i];
                c.set_fill_style(fill);
            }
            c.fill();
            match rim(i) {
                None if plain_rims => c.stroke(),
                None => {}
                Some(r) => marked.push((i, r)),
            }
        }
        for (i, (stroke, width)) in marked {
            dot(i);
            c.set_stroke_style(stroke);
            c.set_line_width(width / k);
            c.stroke();
        }

        // labels under the dots, with a halo
        c.set_text_baseline("top");
        for (i, n) in self.model.nodes.iter().enumerate() {
            let hovered = matches!(self.hover.get(), Some(Hit::Node(h) | Hit::Control(h)) if h == i);
            if !(self.labelled[i] || hovered || self.focus.get() == Some(i)) {
                continue;
            }
            let (x, y) = pos[i];
            let weight = if n.current { "600 " } else { "" };
            c.set_font(&format!("{weight}{:.2}px {MONO}", 11.0 / k));
            let ly = y + self.radii[i] + 3.0 / k;
            c.set_line_width(3.0 / k);
            c.set_stroke_style(&p.bg);
            c.stroke_text(&self.labels[i], x, ly);
            c.set_fill_style(&p.text);
            c.fill_text(&self.labels[i], x, ly);
        }

        // controls
        c.set_text_baseline("middle");
        c.set_font(&format!("700 {:.2}px {UI}", 12.0 / k));
        for (i, n) in self.model.nodes.iter().enumerate() {
            if !self.shows_control(i) {
                continue;
            }
            let (cx, cy) = self.control_at(i, pos[i]);
            let on = self.hover.get() == Some(Hit::Control(i));
            c.begin_path();
            c.arc(cx, cy, 7.0 / k, 0.0, std::f64::consts::TAU);
            c.set_fill_style(if on { &p.accent } else { &p.bg });
            c.fill();
            c.set_stroke_style(&p.accent);
            c.set_line_width(1.5 / k);
            c.stroke();
            let sign = match n.kind {
                NodeKind::Object { .. } => "i",
                _ if n.expanded => "−",
                _ => "+",
            };
            c.set_fill_style(if on { &p.bg } else { &p.accent });
            c.fill_text(sign, cx, cy + 0.5 / k);
        }
    }
}
