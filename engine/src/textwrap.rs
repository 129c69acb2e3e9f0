//! Python's `textwrap.wrap` as heapy uses it (width 100, hanging indent), for exact output.

/// Splits text into chunks like Python's `TextWrapper` with its default options: runs of
/// whitespace, and words (broken after a hyphen that joins letters).
fn chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b: Vec<char> = text.chars().collect();
    let mut byte_at = Vec::with_capacity(b.len() + 1);
    let mut acc = 0;
    for c in &b {
        byte_at.push(acc);
        acc += c.len_utf8();
    }
    byte_at.push(acc);
    let letter = |c: char| c.is_alphabetic();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i].is_whitespace() {
            while i < b.len() && b[i].is_whitespace() {
                i += 1;
            }
        } else {
            while i < b.len() && !b[i].is_whitespace() {
                // break after a hyphen with two letters before it and a letter after it
                let hyphen_break = b[i] == '-'
                    && i >= 2
                    && i > start + 1
                    && letter(b[i - 1])
                    && letter(b[i - 2])
                    && i + 1 < b.len()
                    && letter(b[i + 1]);
                i += 1;
                if hyphen_break {
                    break;
                }
            }
        }
        out.push(&text[byte_at[start]..byte_at[i]]);
    }
    out
}

/// Wraps `text` to lines of at most `width` columns, like `textwrap.wrap(text, width,
/// initial_indent=initial, subsequent_indent=subsequent)`.
pub fn wrap(text: &str, width: usize, initial: &str, subsequent: &str) -> Vec<String> {
    let text: String = text.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
    let mut chunks: Vec<String> = chunks(&text).into_iter().rev().map(str::to_owned).collect();
    let mut lines = Vec::new();
    while !chunks.is_empty() {
        let indent = if lines.is_empty() { initial } else { subsequent };
        let avail = width.saturating_sub(indent.chars().count()).max(1);
        let mut cur: Vec<String> = Vec::new();
        let mut cur_len = 0;
        // drop leading whitespace on every line but the first
        if !lines.is_empty() && chunks.last().is_some_and(|c| c.trim().is_empty()) {
            chunks.pop();
        }
        while let Some(c) = chunks.last() {
            let l = c.chars().count();
            if cur_len + l <= avail {
                cur_len += l;
                cur.push(chunks.pop().unwrap());
            } else {
                break;
            }
        }
        if let Some(c) = chunks.last() {
            if c.chars().count() > avail {
                // break a long word at the remaining space, or after its last hyphen within
                // it when non-hyphens come before that (Python 3.10+'s _handle_long_word)
                let c = chunks.pop().unwrap();
                let space_left = avail - cur_len;
                let chars: Vec<char> = c.chars().collect();
                let mut end = space_left;
                if let Some(h) = chars[..space_left.min(chars.len())].iter().rposition(|&ch| ch == '-') {
                    if h > 0 && chars[..h].iter().any(|&ch| ch != '-') {
                        end = h + 1;
                    }
                }
                let head: String = chars[..end].iter().collect();
                let tail: String = chars[end..].iter().collect();
                cur_len += head.chars().count();
                cur.push(head);
                chunks.push(tail);
            }
        }
        if cur.last().is_some_and(|c| c.trim().is_empty()) {
            let dropped = cur.pop().unwrap();
            cur_len -= dropped.chars().count();
        }
        if !cur.is_empty() || cur_len > 0 {
            lines.push(format!("{indent}{}", cur.concat()));
        } else if chunks.is_empty() {
            break;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(wrap("abc def", 100, "", "  "), vec!["abc def"]);
    }

    #[test]
    fn long_text_wraps_with_hanging_indent() {
        let text = format!("{} {}", "a".repeat(60), "b".repeat(60));
        assert_eq!(wrap(&text, 100, "", "    "), vec!["a".repeat(60), format!("    {}", "b".repeat(60))]);
    }

    #[test]
    fn a_long_word_breaks_after_its_last_hyphen_that_fits() {
        // as Python's textwrap.wrap("x" * 90 + "-yy-" + "z" * 50, 100) does
        let text = format!("{}-yy-{}", "x".repeat(90), "z".repeat(50));
        assert_eq!(wrap(&text, 100, "", ""), vec![format!("{}-yy-", "x".repeat(90)), "z".repeat(50)]);
        // a hyphen with only hyphens before it does not count
        let text = format!("--{}", "q".repeat(120));
        assert_eq!(wrap(&text, 100, "", ""), vec![format!("--{}", "q".repeat(98)), "q".repeat(22)]);
    }

    #[test]
    fn very_long_word_is_broken() {
        let text = "x".repeat(150);
        assert_eq!(wrap(&text, 100, "", ""), vec!["x".repeat(100), "x".repeat(50)]);
    }
}
