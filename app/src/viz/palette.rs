//! Colours the drawn views share: the page's CSS variables read with a fallback (light or
//! dark theme), and the hues that tell kinds apart (by label in the graph, by rank in the
//! treemap).

use crate::viz::canvas;

/// The CSS variable `name` as `el` sees it, or `default` where it is unset.
pub fn css_or(el: &web_sys::Element, name: &str, default: &str) -> String {
    let s = canvas::css_var(el, name);
    if s.is_empty() {
        default.to_owned()
    } else {
        s
    }
}

/// A stable hue per label (same kind, same colour).
pub fn label_hue(label: &str) -> u32 {
    let mut h: u32 = 2166136261;
    for b in label.bytes() {
        h = (h ^ b as u32).wrapping_mul(16777619);
    }
    h % 360
}

/// A hue for the `i`-th top-level row: the golden angle keeps neighbours apart.
pub fn rank_hue(i: usize) -> u32 {
    ((i as f64 * 137.508 + 210.0) % 360.0) as u32
}
