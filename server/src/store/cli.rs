//! The `heaplens redact IN OUT [--values none|redact]` command: a shareable copy of a snapshot.

use heaplens_engine::redact::{redact_snapshot, ValuesMode};
use std::path::Path;

/// Writes the redacted copy of `input` to `output` (through a temporary file renamed into
/// place) and returns a one-line summary, or an error message naming the problem.
pub fn redact(input: &Path, output: &Path, values: &str) -> Result<String, String> {
    let mode = ValuesMode::parse(values).ok_or_else(|| format!("--values {values}: expected none or redact"))?;
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let mut tmp = output.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let report = match redact_snapshot(&bytes, mode, std::io::BufWriter::new(file)) {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("{}: {e}", input.display()));
        }
    };
    std::fs::rename(&tmp, output).map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(format!(
        "heaplens: wrote {} (values={}: {} previews redacted, {} removed, {} key names redacted; {} objects, {} edges)",
        output.display(),
        mode.as_str(),
        report.previews_redacted,
        report.previews_removed,
        report.names_redacted,
        report.objects,
        report.edges
    ))
}
