//! Python's `repr()` of a `str`, as heapy's via labels print edge names.

/// Whether Python's `str.isprintable()` is false for `c` (an approximation of the Unicode
/// categories Cc, Cf, Zl, Zp and Zs other than space, without Unicode tables).
fn non_printable(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{a0}' | '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{1680}'
            | '\u{180e}' | '\u{2000}'..='\u{200f}' | '\u{2028}'..='\u{202f}' | '\u{205f}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}' | '\u{3000}' | '\u{e000}'..='\u{f8ff}'
            | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}' | '\u{e0001}' | '\u{e0020}'..='\u{e007f}' | '\u{f0000}'..)
}

/// `repr(s)` as CPython writes it: single quotes unless the text has a single quote and no
/// double quote; backslash escapes for quotes, `\\`, `\t`, `\n`, `\r` and non-printables.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if non_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::py_repr;

    #[test]
    fn quotes_like_python() {
        assert_eq!(py_repr(".__dict__"), "'.__dict__'");
        assert_eq!(py_repr("['modules']"), "\"['modules']\"");
        assert_eq!(py_repr("[\"a\"] 'b'"), "'[\"a\"] \\'b\\''");
        assert_eq!(py_repr("a\nb\\c\u{7}\u{202e}é"), "'a\\nb\\\\c\\x07\\u202eé'");
    }
}
