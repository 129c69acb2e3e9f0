//! Redaction: a copy of a snapshot without the heap's data strings (`docs/redaction.md`).
//!
//! The copy has the same objects, edges, sizes, types and module names; only the text that
//! came from data is replaced: value previews of `str`, `bytes`, `int`, `float` and
//! `complex` objects, dict-key edge names (`['password']`) of dicts that are neither some
//! object's `__dict__` nor one of the interpreter's own dicts, and the command line in
//! `META.argv`. `redact` replaces each such text by [`redact_token`] (its length and the
//! first 12 hex digits of its SHA-256, so equal texts stay equal); `none` drops the previews and names every such key `[<redacted>]`. The
//! agent's `values="redact"`/`"none"` captures apply the same rules to the same texts, and
//! redacting a redacted copy changes nothing.

use crate::format::{read_snapshot, EdgeName, FormatError, SnapshotWriter};
use crate::heap::ids::{ObjId, TypeId, NONE};
use crate::heap::snapshot::Snapshot;
use sha2::{Digest, Sha256};
use std::io::Write;

/// What a redacted copy keeps of the heap's data (`META.values`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValuesMode {
    /// No data text at all.
    None,
    /// Data text replaced by its length and a hash.
    Redact,
}

impl ValuesMode {
    /// The mode's name as written in `META.values` and given to `--values`.
    pub fn as_str(self) -> &'static str {
        match self {
            ValuesMode::None => "none",
            ValuesMode::Redact => "redact",
        }
    }

    /// Parses `none` or `redact`.
    pub fn parse(s: &str) -> Option<ValuesMode> {
        match s {
            "none" => Some(ValuesMode::None),
            "redact" => Some(ValuesMode::Redact),
            _ => None,
        }
    }
}

/// What a redaction changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedactReport {
    pub objects: u64,
    pub edges: u64,
    /// Value previews replaced by a token.
    pub previews_redacted: u64,
    /// Value previews dropped (`none`).
    pub previews_removed: u64,
    /// Dict-key edge names replaced.
    pub names_redacted: u64,
}

/// Exact types whose previews are data (`bool` and `None` are kept: they are constants).
const DATA_TYPES: [&str; 5] = ["str", "bytes", "int", "float", "complex"];
/// The dict-key name every data key gets in `none` mode.
pub const NONE_KEY: &str = "[<redacted>]";
const TOKEN_PREFIX: &str = "<redacted len=";

/// `<redacted len=N sha256=H>`: N the text's length in characters, H the first 12 hex digits
/// of the SHA-256 of its UTF-8 bytes.
pub fn redact_token(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("<redacted len={} sha256={hex}>", text.chars().count())
}

/// Whether a text is already a redaction token (so redacting is idempotent).
pub fn is_token(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(TOKEN_PREFIX).and_then(|r| r.strip_suffix('>')) else { return false };
    let Some((len, hash)) = rest.split_once(" sha256=") else { return false };
    !len.is_empty()
        && len.bytes().all(|b| b.is_ascii_digit())
        && hash.len() == 12
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The redacted form of a dict-key edge name `[K]`, or `None` if `name` is not one.
pub fn redact_key_name(name: &str, mode: ValuesMode) -> Option<String> {
    let inner = name.strip_prefix('[')?.strip_suffix(']')?;
    Some(match mode {
        ValuesMode::None => NONE_KEY.to_owned(),
        ValuesMode::Redact if is_token(inner) => name.to_owned(),
        ValuesMode::Redact => format!("[{}]", redact_token(inner)),
    })
}

/// Reads a snapshot from `bytes` and writes its redacted copy to `out`.
pub fn redact_snapshot<W: Write>(bytes: &[u8], mode: ValuesMode, out: W) -> Result<RedactReport, FormatError> {
    let snap = read_snapshot(bytes)?;
    write_redacted(&snap, mode, out)
}

/// Writes the redacted copy of a loaded snapshot to `out`.
pub fn write_redacted<W: Write>(snap: &Snapshot, mode: ValuesMode, out: W) -> Result<RedactReport, FormatError> {
    let owned = owned_dicts(snap);
    let data_type: Vec<bool> =
        (0..snap.types.len()).map(|t| DATA_TYPES.contains(&snap.type_label(TypeId(t as u32)))).collect();
    let mut rep =
        RedactReport { objects: snap.object_count() as u64, edges: snap.edge_count() as u64, ..Default::default() };
    let mut w = SnapshotWriter::new(out)?;
    let mut edges = Vec::new();
    // per source string: its name in the copy and whether it was redacted, for kept (owned)
    // and for data dicts; the copy interns its strings anew, so every name is re-added
    let mut names: [Vec<Option<(EdgeName, bool)>>; 2] =
        [vec![None; snap.strings.len()], vec![None; snap.strings.len()]];
    for (o, &is_owned) in owned.iter().enumerate() {
        edges.clear();
        for e in snap.edges_of(ObjId(o as u32)) {
            let mut name = snap.edge_name(e);
            if let EdgeName::Str(s) = name {
                let slot = &mut names[usize::from(!is_owned)][s.idx()];
                let (n, changed) = match *slot {
                    Some(v) => v,
                    None => {
                        let text = snap.strings.get(s);
                        let new = if is_owned { None } else { redact_key_name(text, mode) };
                        let changed = new.as_deref().is_some_and(|r| r != text);
                        *slot = Some((w.name(new.as_deref().unwrap_or(text))?, changed));
                        slot.expect("just set")
                    }
                };
                rep.names_redacted += u64::from(changed);
                name = n;
            }
            edges.push((ObjId(snap.edge_target[e]), name));
        }
        w.object(snap.addr[o], snap.type_of(ObjId(o as u32)), snap.size[o], &edges)?;
    }
    for t in &snap.types {
        w.add_type(t.object, snap.strings.get(t.label))?;
    }
    for &(o, s) in &snap.module_names {
        w.module_name(o, snap.strings.get(s))?;
    }
    for &(o, s) in &snap.previews {
        let text = snap.strings.get(s);
        let is_data = snap.ty[o.idx()] != NONE && data_type[snap.ty[o.idx()] as usize];
        match (is_data, mode) {
            (false, _) => w.preview(o, text)?,
            (true, ValuesMode::None) => rep.previews_removed += 1,
            (true, ValuesMode::Redact) if is_token(text) => w.preview(o, text)?,
            (true, ValuesMode::Redact) => {
                rep.previews_redacted += 1;
                w.preview(o, &redact_token(text))?
            }
        }
    }
    for &(o, s) in &snap.producers {
        w.producer(o, snap.strings.get(s))?;
    }
    for &o in &snap.unreachable {
        w.unreachable(ObjId(o));
    }
    w.finish(&redacted_meta(&snap.meta.raw, mode))?;
    Ok(rep)
}

/// Which objects are some object's `__dict__` (the target of an edge named `.__dict__`) or
/// one of the interpreter's own dicts (the root's referents: `sys.modules`, `sys.__dict__`,
/// the builtins): their keys are attribute, global and module names, code rather than data,
/// and are kept.
fn owned_dicts(snap: &Snapshot) -> Vec<bool> {
    let mut owned = vec![false; snap.object_count()];
    for &t in snap.referents(ObjId(0)) {
        owned[t as usize] = true;
    }
    let Some(dunder) = snap.strings.find(".__dict__") else { return owned };
    let code = EdgeName::Str(dunder).encode().expect("string ids fit");
    for (&t, &n) in snap.edge_target.iter().zip(&snap.edge_name) {
        if n == code {
            owned[t as usize] = true;
        }
    }
    owned
}

/// META with `values` set and the command line (`argv`) redacted (`none`: emptied).
fn redacted_meta(raw: &serde_json::Value, mode: ValuesMode) -> serde_json::Value {
    let mut meta = raw.clone();
    if !meta.is_object() {
        meta = serde_json::json!({});
    }
    let argv: Vec<serde_json::Value> = match mode {
        ValuesMode::None => Vec::new(),
        ValuesMode::Redact => meta["argv"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| {
                        let s = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        serde_json::Value::String(if is_token(&s) { s } else { redact_token(&s) })
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    meta["argv"] = serde_json::Value::Array(argv);
    // a copy of a `none` snapshot stays `none`: what was dropped cannot come back
    let values = if meta["values"] == "none" { ValuesMode::None } else { mode };
    meta["values"] = serde_json::Value::String(values.as_str().to_owned());
    meta
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
