//! Percent-encoding of URL components and parsing of query strings (pure Rust, host-tested).
//!
//! The app builds every URL it navigates to or asks the server with [`encode`], and reads
//! its own address with [`parse_query`], so both directions are plain functions that the
//! host's `cargo test` checks without a browser.

/// Encodes one URL component exactly like JavaScript's `encodeURIComponent`: ASCII letters,
/// digits and `-_.!~*'()` stay, every other byte of the UTF-8 text becomes `%XX`.
pub fn encode(component: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(component.len());
    for &b in component.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// Decodes one component of a query string (`application/x-www-form-urlencoded`): `+` is a
/// space, `%XX` a byte. Malformed escapes are kept as they are and bytes that are not UTF-8
/// become U+FFFD, as browsers do: decoding never fails.
pub fn decode(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).and_then(|&h| hex(h)), bytes.get(i + 2).and_then(|&l| hex(l))) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The `key=value` pairs of a query string, decoded, in order (repeated keys kept).
/// A leading `?` is ignored, empty pairs are skipped and a key without `=` has the value `""`.
pub fn parse_query(search: &str) -> Vec<(String, String)> {
    let search = search.strip_prefix('?').unwrap_or(search);
    search
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(encode("heap.byclodo[0]"), "heap.byclodo%5B0%5D");
        assert_eq!(encode("a b&c=d/e?f#g"), "a%20b%26c%3Dd%2Fe%3Ff%23g");
        assert_eq!(encode("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("+%"), "%2B%25");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn decodes_form_encoding_and_survives_garbage() {
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("%C3%A9"), "é");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%41"), "A");
    }

    #[test]
    fn round_trips_any_text() {
        for s in [
            "heap.byclodo[\"dict of __main__.Node\"]",
            "<img src=x onerror=alert(1)>",
            "</text><script>alert(1)</script>",
            "a&b=c+d%20e#f?g",
            "\u{202e}gnp.exe \u{0} \n\r\t",
            "😀 ünïcödé",
            "%%%+++",
        ] {
            assert_eq!(decode(&encode(s)), s, "{s:?}");
        }
    }

    #[test]
    fn parses_query_strings() {
        assert_eq!(
            parse_query("?q=heap&by=clodo&expand=a&expand=b&flag&&x=%26"),
            vec![
                ("q".into(), "heap".into()),
                ("by".into(), "clodo".into()),
                ("expand".into(), "a".into()),
                ("expand".into(), "b".into()),
                ("flag".into(), String::new()),
                ("x".into(), "&".into()),
            ]
        );
        assert!(parse_query("").is_empty());
        assert!(parse_query("?").is_empty());
        assert_eq!(parse_query("a=b=c"), vec![("a".into(), "b=c".into())]);
    }
}
