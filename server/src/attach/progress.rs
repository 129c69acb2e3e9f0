//! Progress of a capture from the outside: the objects the agent has written so far,
//! counted from the `OBJC` chunks of the growing snapshot file (docs/format.md), reading
//! only the section headers it has not passed yet.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const HEADER: u64 = 16;

/// How far the growing file has been read.
#[derive(Debug, Default)]
pub struct Progress {
    /// The next section's offset (0: the header is not read yet).
    pub offset: u64,
    /// Objects in the complete `OBJC` chunks before `offset`.
    pub objects: u64,
}

impl Progress {
    /// Reads the sections written since the last call. A file that is missing, cut or not
    /// a snapshot just stops the count where it is.
    pub fn advance(&mut self, path: &Path) {
        let Ok(mut f) = std::fs::File::open(path) else { return };
        let Ok(len) = f.metadata().map(|m| m.len()) else { return };
        if self.offset == 0 {
            if len < HEADER {
                return;
            }
            self.offset = HEADER;
        }
        loop {
            let mut head = [0u8; 16];
            if self.offset + 12 > len || f.seek(SeekFrom::Start(self.offset)).is_err() {
                return;
            }
            if f.read_exact(&mut head).is_err() {
                return;
            }
            let size = u64::from_le_bytes(head[4..12].try_into().expect("8 bytes"));
            let end = self.offset.saturating_add(12).saturating_add(size);
            if end > len {
                return; // the section is still being written
            }
            if &head[..4] == b"OBJC" && size >= 4 {
                self.objects += u64::from(u32::from_le_bytes(head[12..16].try_into().expect("4 bytes")));
            }
            self.offset = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_objects_of_complete_chunks_as_the_file_grows() {
        let bytes = heaplens_engine::testing::small_snapshot();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.hls.tmp");
        let mut p = Progress::default();
        p.advance(&path);
        assert_eq!(p.objects, 0);
        for cut in [10, 100, bytes.len() / 2] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            p.advance(&path);
            assert!(p.objects <= 13);
        }
        std::fs::write(&path, &bytes).unwrap();
        p.advance(&path);
        assert_eq!(p.objects, 13, "the root and the 12 objects");
        assert_eq!(p.offset, bytes.len() as u64);
    }
}
