//! Number, size and time formatting for the views (pure functions).

/// `1234567` → `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `1234567` → `1,234,567 bytes` (`1 byte`).
pub fn exact_bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{} bytes", grouped(n))
    }
}

/// Bytes in a short human unit: `960 B`, `12.3 KiB`, `4.1 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v >= 100.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Unix seconds → `2026-11-24 20:57:55 UTC`.
pub fn utc_time(unix_seconds: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_seconds * 1000.0));
    let iso = String::from(date.to_iso_string());
    // `2026-11-24T20:57:55.000Z`
    match (iso.get(0..10), iso.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

/// Seconds → `0.42 s` / `12 ms`.
pub fn duration(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn human_bytes() {
        assert_eq!(bytes(960), "960 B");
        assert_eq!(bytes(2048), "2.0 KiB");
        assert_eq!(bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(exact_bytes(10471572), "10,471,572 bytes");
        assert_eq!(exact_bytes(1), "1 byte");
    }
}
