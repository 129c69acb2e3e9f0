//! A package printed as guppy prints a loaded `Stat` (`print(hp.load(f))`): the format's
//! title, the row header, rows with the format's columns, and the `_.more` paging line.

use super::{DumpFormat, Package};
use crate::render::{LINE_LENGTH, MAX_MORE_LINES};
use crate::textwrap::wrap;

const SET_HEADER: &str = " Index  Count   %     Size   % Cumulative  % ";
const ID_HEADER: &str = " Index     Size   %   Cumulative  %   ";
const DIFF_HEADER: &str = " Index  Count     Size  Cumulative  % of B ";

/// The title (heapy's `get_label`); several lines for a `DiffFormat` package.
pub fn package_title(p: &Package) -> String {
    let s = if p.count == 1 { "" } else { "s" };
    match p.format {
        DumpFormat::Set => format!("Partition of a set of {} object{s}. Total size = {} bytes.", p.count, p.size),
        DumpFormat::Id => format!("Set of {} {} object{s}. Total size = {} bytes.", p.count, p.kindname, p.size),
        DumpFormat::Diff => {
            let (bc, bs) = (p.b_count.unwrap_or(0), p.b_size.unwrap_or(0));
            let mut x = format!(
                "Summary of difference operation (A-B).\n        Count     Size\n  A    {:6} {:8}\n  B    {:6} {:8}\n  A-B  {:6} {:8}  = {} % of B\n",
                p.count + bc,
                p.size + bs,
                bc,
                bs,
                p.count,
                p.size,
                percent_of_b(p, p.size)
            );
            if p.count != 0 || p.size != 0 {
                x.push_str("\nDifferences by kind, largest absolute size diffs first.");
            }
            x
        }
    }
}

/// The row header line(s) above the rows (empty when the package's count and size are 0).
pub fn row_header(p: &Package) -> String {
    if p.count == 0 && p.size == 0 {
        return String::new();
    }
    let sh = match p.format {
        DumpFormat::Set => SET_HEADER,
        DumpFormat::Id => ID_HEADER,
        DumpFormat::Diff => DIFF_HEADER,
    };
    wrap(&format!("{sh}{}", p.kindheader), LINE_LENGTH, "", &" ".repeat(sh.len())).join("\n")
}

/// `int('%.0f' % (part * 100.0 / whole))`: half to even on the binary value.
fn pct0(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    (part as f64 * 100.0 / whole as f64).round_ties_even() as i64
}

/// `'%5.1f' % (part * 100.0 / whole)`.
fn pct1(part: i64, whole: i64) -> String {
    let v = if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 };
    format!("{v:5.1}")
}

/// Python's `'%.3g' % v`: three significant digits, trailing zeros dropped, exponent form
/// below 1e-4 and from 1e3.
fn g3(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v.is_infinite() {
            format!("{}inf", if v < 0.0 { "-" } else { "" })
        } else {
            format!("{v}")
        };
    }
    let e = format!("{v:.2e}");
    let (mant, exp) = e.split_once('e').expect("exponent form");
    let x: i32 = exp.parse().expect("exponent");
    let strip =
        |s: &str| if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s.to_owned() };
    if (-4..3).contains(&x) {
        strip(&format!("{:.*}", (2 - x) as usize, v))
    } else {
        format!("{}e{}{:02}", strip(mant), if x < 0 { '-' } else { '+' }, x.abs())
    }
}

/// `'%9.3g' % (size * 100.0 / b_size)`, or `   (n.a.)` when B is empty.
fn percent_of_b(p: &Package, size: i64) -> String {
    match p.b_size {
        Some(b) if b != 0 => format!("{:>9}", g3(size as f64 * 100.0 / b as f64)),
        _ => "   (n.a.)".to_owned(),
    }
}

/// The numeric columns of row `i` (`cumulative` is the size up to and including it).
fn stat_data(p: &Package, i: usize, cumulative: i64) -> String {
    let r = &p.rows[i];
    match p.format {
        DumpFormat::Set => format!(
            "{:6} {:6} {:3} {:8} {:3} {:9} {:3} ",
            i,
            r.count,
            pct0(r.count, p.count),
            r.size,
            pct0(r.size, p.size),
            cumulative,
            pct0(cumulative, p.size)
        ),
        DumpFormat::Id => {
            format!("{:6} {:8} {} {:9} {} ", i, r.size, pct1(r.size, p.size), cumulative, pct1(cumulative, p.size))
        }
        DumpFormat::Diff => {
            format!("{:6} {:6} {:8} {:9} {} ", i, r.count, r.size, cumulative, percent_of_b(p, cumulative))
        }
    }
}

/// The package as guppy prints it; with `all`, every row (heapy's `.all`), else the first
/// ten and `<N more rows. Type e.g. '_.more' to view.>` when there are more than eleven.
pub fn render_package(p: &Package, all: bool) -> String {
    let mut out = vec![package_title(p)];
    if !p.rows.is_empty() {
        out.push(row_header(p));
        let shown = if all || p.rows.len() <= MAX_MORE_LINES + 1 { p.rows.len() } else { MAX_MORE_LINES };
        let mut cumulative = 0;
        for i in 0..shown {
            cumulative += p.rows[i].size;
            let fr = stat_data(p, i, cumulative);
            let pad = " ".repeat(fr.len());
            let mut parts = p.rows[i].label.split('\n');
            out.extend(wrap(&format!("{fr}{}", parts.next().unwrap_or("")), LINE_LENGTH, "", &pad));
            for more in parts {
                out.extend(wrap(more, LINE_LENGTH, &pad, &pad));
            }
        }
        if shown < p.rows.len() {
            out.push(format!("<{} more rows. Type e.g. '_.more' to view.>", p.rows.len() - shown));
        }
    }
    out.join("\n").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::g3;

    #[test]
    fn g3_is_pythons_percent_g() {
        // expected values printed by CPython's '%.3g'
        for (v, want) in [
            (0.00729, "0.00729"),
            (1e-5, "1e-05"),
            (-1.58, "-1.58"),
            (100.0, "100"),
            (1234.5, "1.23e+03"),
            (0.5, "0.5"),
            (99.95, "100"),
        ] {
            assert_eq!(g3(v), want, "{v}");
        }
    }
}
