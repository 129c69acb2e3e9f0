//! Reading heapy dump text: every package of a file, checked line by line.
//!
//! heapy's `Stat` reads headers `.name: value` (any order; the value stripped) until the
//! first `.r:` row, then rows until `.end:`. This reader accepts what guppy3 writes and
//! reads (CRLF line ends, blank lines between packages, labels that are empty or hold
//! spaces), and refuses the rest with the line number: a missing header, a malformed row,
//! a row count other than `.numrows`, or a package cut off before its `.end:` line.

use super::{DumpFormat, Package, StatRow};

/// Why a dump file could not be read: the 1-based line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("heapy dump, line {line}: {message}")]
pub struct DumpError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> DumpError {
    DumpError { line, message: message.into() }
}

/// Whether a file's first bytes look like a heapy dump (a `.loader:` line after any blank
/// lines), as opposed to a heaplens snapshot or anything else.
pub fn looks_like_dump(head: &[u8]) -> bool {
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    head[start..].starts_with(b".loader:")
}

/// A line shortened for an error message, shown as a Rust string literal.
fn shown(line: &str) -> String {
    let short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        format!("{short:?}...")
    } else {
        format!("{short:?}")
    }
}

/// The headers of one package as read so far.
#[derive(Default)]
struct Headers {
    format: Option<DumpFormat>,
    timemade: Option<f64>,
    count: Option<i64>,
    size: Option<i64>,
    numrows: Option<i64>,
    kindname: Option<String>,
    kindheader: Option<String>,
    b_count: Option<i64>,
    b_size: Option<i64>,
}

/// The largest magnitude of a count or size, and of the sum of a package's rows: 2^60 (an
/// exabyte; heapy never writes more), so that the sums and differences of two packages'
/// values that printing, subtracting and series make never overflow.
pub const MAX_VALUE: u64 = 1 << 60;

fn int(line: usize, what: &str, text: &str) -> Result<i64, DumpError> {
    use std::num::IntErrorKind::{NegOverflow, PosOverflow};
    let out_of_range =
        || err(line, format!("{what}: {} is out of range (at most 2^60 in magnitude)", shown(text.trim())));
    match text.trim().parse::<i64>() {
        Ok(v) if v.unsigned_abs() <= MAX_VALUE => Ok(v),
        Ok(_) => Err(out_of_range()),
        Err(e) if matches!(e.kind(), PosOverflow | NegOverflow) => Err(out_of_range()),
        Err(_) => Err(err(line, format!("{what}: expected an integer, found {}", shown(text)))),
    }
}

/// The rows' counts and sizes, summed by magnitude, stay within [`MAX_VALUE`].
fn check_sums(line: usize, start: usize, rows: &[StatRow]) -> Result<(), DumpError> {
    for (what, total) in [
        ("counts", rows.iter().fold(0u64, |t, r| t.saturating_add(r.count.unsigned_abs()))),
        ("sizes", rows.iter().fold(0u64, |t, r| t.saturating_add(r.size.unsigned_abs()))),
    ] {
        if total > MAX_VALUE {
            return Err(err(
                line,
                format!("the {what} of the package that starts at line {start} add up to more than 2^60"),
            ));
        }
    }
    Ok(())
}

impl Headers {
    /// Takes one `.name: value` line; unknown names are ignored (heapy keeps them as attributes).
    fn take(&mut self, line: usize, text: &str) -> Result<(), DumpError> {
        let Some((name, value)) = text.strip_prefix('.').and_then(|t| t.split_once(':')) else {
            return Err(err(
                line,
                format!("expected a header '.name: value' or a row '.r: ...', found {}", shown(text)),
            ));
        };
        let value = value.trim();
        match name {
            "format" => {
                self.format = Some(DumpFormat::parse(value).ok_or_else(|| {
                    err(line, format!("unknown .format {value:?} (heapy writes SetFormat, IdFormat or DiffFormat)"))
                })?)
            }
            "timemade" => {
                self.timemade = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|t| t.is_finite())
                        .ok_or_else(|| err(line, format!(".timemade: expected seconds, found {}", shown(value))))?,
                )
            }
            "count" => self.count = Some(int(line, ".count", value)?),
            "size" => self.size = Some(int(line, ".size", value)?),
            "numrows" => self.numrows = Some(int(line, ".numrows", value)?),
            "b_count" => self.b_count = Some(int(line, ".b_count", value)?),
            "b_size" => self.b_size = Some(int(line, ".b_size", value)?),
            "kindname" => self.kindname = Some(value.to_owned()),
            "kindheader" => self.kindheader = Some(value.to_owned()),
            _ => {}
        }
        Ok(())
    }

    /// The package's headers, once they are complete (at its first row or `.end:` line).
    fn finish(self, line: usize, start: usize) -> Result<(Package, usize), DumpError> {
        let missing = |h: &str| err(line, format!("the package that starts at line {start} has no .{h} header"));
        let format = self.format.ok_or_else(|| missing("format"))?;
        let numrows = self.numrows.ok_or_else(|| missing("numrows"))?;
        if numrows < 0 {
            return Err(err(line, format!(".numrows is negative ({numrows})")));
        }
        let (b_count, b_size) = match format {
            DumpFormat::Diff => (
                Some(self.b_count.ok_or_else(|| missing("b_count"))?),
                Some(self.b_size.ok_or_else(|| missing("b_size"))?),
            ),
            _ => (None, None),
        };
        let pkg = Package {
            format,
            timemade: self.timemade.ok_or_else(|| missing("timemade"))?,
            count: self.count.ok_or_else(|| missing("count"))?,
            size: self.size.ok_or_else(|| missing("size"))?,
            kindname: self.kindname.unwrap_or_default(),
            kindheader: self.kindheader.ok_or_else(|| missing("kindheader"))?,
            b_count,
            b_size,
            rows: Vec::new(),
            line: start,
        };
        Ok((pkg, numrows as usize))
    }
}

/// One `.r: ` row (the prefix removed): `count size label` (`size label` in `IdFormat`),
/// split on the first spaces as heapy does, so the label keeps its own spaces. A row whose
/// empty label lost its trailing space is read with an empty label.
fn row(line: usize, format: DumpFormat, text: &str) -> Result<StatRow, DumpError> {
    let mut parts = text.splitn(if format == DumpFormat::Id { 2 } else { 3 }, ' ');
    let count = match format {
        DumpFormat::Id => 1,
        _ => int(line, "row count", parts.next().unwrap_or(""))?,
    };
    let size = int(line, "row size", parts.next().unwrap_or(""))?;
    Ok(StatRow { count, size, label: parts.next().unwrap_or("").to_owned() })
}

/// The lines of a file with their 1-based numbers; `\n` or `\r\n` ends a line.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, Result<&str, DumpError>)> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let empty = bytes.is_empty();
    body.split(|&b| b == b'\n').filter(move |_| !empty).enumerate().map(|(i, l)| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        (i + 1, std::str::from_utf8(l).map_err(|e| err(i + 1, format!("not UTF-8 text: {e}"))))
    })
}

/// Reads every package of a heapy dump file, in file order.
pub fn read_dump(bytes: &[u8]) -> Result<Vec<Package>, DumpError> {
    read_packages(bytes).map_err(|mut e| {
        // a last line without its line end is where a cut-off file stops
        let lines = bytes.split(|&b| b == b'\n').count();
        if !bytes.is_empty() && !bytes.ends_with(b"\n") && e.line == lines && !e.message.starts_with("the file ends") {
            e.message = format!("the file ends in the middle of this line (truncated?): {}", e.message);
        }
        e
    })
}

fn read_packages(bytes: &[u8]) -> Result<Vec<Package>, DumpError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut packages = Vec::new();
    let mut it = lines(bytes);
    let mut last = 0;
    'packages: while let Some((n, text)) = it.next() {
        let text = text?;
        last = n;
        if text.trim().is_empty() {
            continue;
        }
        let loader = text.strip_prefix(".loader:").ok_or_else(|| {
            err(n, format!("expected '.loader: _load_stat' to start a package, found {}", shown(text)))
        })?;
        if loader.trim() != "_load_stat" {
            return Err(err(n, format!("unsupported loader {:?} (heapy's tables use _load_stat)", loader.trim())));
        }
        let start = n;
        let mut headers = Headers::default();
        let mut current: Option<(Package, usize)> = None;
        for (n, text) in it.by_ref() {
            let text = text?;
            last = n;
            if text.starts_with(".end:") {
                if text.trim_end() != ".end: .loader: _load_stat" {
                    return Err(err(
                        n,
                        format!("expected the end line '.end: .loader: _load_stat', found {}", shown(text)),
                    ));
                }
                let (mut pkg, numrows) = match current.take() {
                    Some(p) => p,
                    None => std::mem::take(&mut headers).finish(n, start)?,
                };
                if pkg.rows.len() != numrows {
                    return Err(err(
                        n,
                        format!(
                            "the package that starts at line {start} has .numrows {numrows} but {} rows",
                            pkg.rows.len()
                        ),
                    ));
                }
                check_sums(n, start, &pkg.rows)?;
                pkg.rows.shrink_to_fit();
                packages.push(pkg);
                continue 'packages;
            }
            if let Some(r) = text.strip_prefix(".r: ") {
                if current.is_none() {
                    current = Some(std::mem::take(&mut headers).finish(n, start)?);
                }
                let (pkg, numrows) = current.as_mut().expect("headers finished");
                if pkg.rows.len() == *numrows {
                    return Err(err(n, format!("more rows than .numrows {numrows} (package at line {start})")));
                }
                pkg.rows.push(row(n, pkg.format, r)?);
            } else if current.is_some() {
                return Err(err(n, format!("expected a row '.r: ...' or '.end: ...', found {}", shown(text))));
            } else {
                headers.take(n, text)?;
            }
        }
        let got = current.map_or(0, |(p, _)| p.rows.len());
        return Err(err(
            last,
            format!("the file ends inside the package that starts at line {start} (no '.end:' line; {got} rows read)"),
        ));
    }
    if packages.is_empty() {
        return Err(err(last.max(1), "no heapy dump package in the file (it holds no '.loader: _load_stat' line)"));
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = ".loader: _load_stat\n.format: SetFormat\n.timemade: 1795552268.837578\n.count: 7\n\
.size: 1176\n.kindname: \n.kindheader: Kind (class / dict of class)\n.numrows: 3\n.r: 3 840 dict of __main__.A\n\
.r: 3 168 __main__.A\n.r: 1 168 \n.end: .loader: _load_stat\n";

    #[test]
    fn reads_appended_packages_with_crlf_and_empty_labels() {
        let text = format!("{ONE}\n{}", ONE.replace('\n', "\r\n"));
        let ps = read_dump(text.as_bytes()).unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[1], Package { line: 14, ..ps[0].clone() });
        let p = &ps[0];
        assert_eq!((p.format, p.count, p.size, p.kindname.as_str()), (DumpFormat::Set, 7, 1176, ""));
        assert_eq!(p.rows[0], StatRow { count: 3, size: 840, label: "dict of __main__.A".into() });
        assert_eq!(p.rows[2].label, "");
    }

    #[test]
    fn headers_in_any_order_and_id_and_diff_rows() {
        let id = ".loader: _load_stat\n.numrows: 1\n.kindheader: Address*Length\n.kindname: <list>\n.size: 88\n\
.count: 1\n.timemade: 5\n.format: IdFormat\n.r: 88 0x7f..*3 two  spaces \n.end: .loader: _load_stat\n";
        let p = &read_dump(id.as_bytes()).unwrap()[0];
        assert_eq!(p.rows[0], StatRow { count: 1, size: 88, label: "0x7f..*3 two  spaces ".into() });
        let diff = ".loader: _load_stat\n.format: DiffFormat\n.timemade: 1.5\n.b_count: 10\n.b_size: 900\n.count: -1\n\
.size: -64\n.kindheader: Type\n.kindname: \n.numrows: 1\n.r: -1 -64 dict\n.end: .loader: _load_stat\n";
        let p = &read_dump(diff.as_bytes()).unwrap()[0];
        assert_eq!((p.b_count, p.b_size, p.rows[0].size), (Some(10), Some(900), -64));
    }

    #[test]
    fn errors_name_the_line() {
        let cut = &ONE[..ONE.find(".r: 1 168").unwrap()];
        assert_eq!(read_dump(cut.as_bytes()).unwrap_err().line, 10);
        assert!(read_dump(cut.as_bytes())
            .unwrap_err()
            .message
            .contains("ends inside the package that starts at line 1"));
        let bad = ONE.replace(".r: 3 168", ".r: x 168");
        assert_eq!(
            read_dump(bad.as_bytes()).unwrap_err().to_string(),
            "heapy dump, line 10: row count: expected an integer, found \"x\""
        );
        let few = ONE.replace(".numrows: 3", ".numrows: 4");
        assert_eq!(read_dump(few.as_bytes()).unwrap_err().line, 12);
        let garbage = format!("{ONE}hello\n");
        assert_eq!(read_dump(garbage.as_bytes()).unwrap_err().line, 13);
        let no_size = ONE.replace(".size: 1176\n", "");
        assert!(read_dump(no_size.as_bytes()).unwrap_err().message.contains("no .size header"));
        assert!(read_dump(b"").is_err());
        assert!(read_dump(b"HLSNAP\r\n\x01").is_err());
    }

    #[test]
    fn detects_dumps_by_content() {
        assert!(looks_like_dump(ONE.as_bytes()));
        assert!(looks_like_dump(b"\r\n.loader: _load_stat"));
        assert!(!looks_like_dump(b"HLSNAP\r\n"));
    }
}
