//! The hostile saved-index files: the base snapshot's index (keyed by its SHA-256, the
//! dominator tree included), each changed in one place, most under a right checksum.

use super::index_layout::{parse, write, Section};
use super::Case;
use heaplens_engine::format::index_file::save;
use heaplens_engine::{read_snapshot, Heap};
use sha2::{Digest, Sha256};

/// The key an index of `snapshot` is saved under: its SHA-256 in hex.
pub fn key(snapshot: &[u8]) -> String {
    Sha256::digest(snapshot).iter().map(|b| format!("{b:02x}")).collect()
}

/// The good index of `snapshot`, as the server saves it.
pub fn good(snapshot: &[u8]) -> Vec<u8> {
    let h = Heap::new(read_snapshot(snapshot).unwrap());
    h.dominators();
    let mut bytes = Vec::new();
    save(&h, &key(snapshot), &mut bytes).unwrap();
    bytes
}

/// The bytes with their last 4 (the checksum) made right again.
fn recrc(mut b: Vec<u8>) -> Vec<u8> {
    b.truncate(b.len() - 4);
    let crc = crc32fast::hash(&b);
    b.extend(crc.to_le_bytes());
    b
}

/// Cases of the index of `snapshot`.
pub fn all(snapshot: &[u8]) -> Vec<Case> {
    let bytes = good(snapshot);
    let sections = parse(&bytes);
    let magic = bytes[..8].to_vec();
    let c = |name: &'static str, mentions: &'static str, mutation: &str, bytes: Vec<u8>| Case {
        category: "bad-index",
        name,
        ext: "idx",
        mentions,
        mutation: mutation.to_owned(),
        bytes,
    };
    let changed = |f: &dyn Fn(&mut Vec<Section>)| {
        let mut s = sections.clone();
        f(&mut s);
        write(&magic, &s)
    };
    vec![
        c("version-01", "index format version 1;", "the magic says version 01", write(b"HLSIDX01", &sections)),
        c("version-99", "index format version 99;", "the magic says version 99", write(b"HLSIDX99", &sections)),
        c("not-an-index", "not a heaplens index file", "a snapshot's magic", write(b"HLSNAP\r\n", &sections)),
        c("cut-in-half", "checksum mismatch", "the first half of the file", bytes[..bytes.len() / 2].to_vec()),
        c("flipped-byte", "checksum mismatch", "one byte in the middle flipped", {
            let mut b = bytes.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0x40;
            b
        }),
        c(
            "other-key",
            "made for other bytes",
            "the key of other bytes (64 zeros)",
            changed(&|s| s[0].strs[0] = vec![b'0'; 64]),
        ),
        c(
            "kind-out-of-range",
            "kind of each object: item 1 is 1000, out of range",
            "object 1's kind is 1000",
            changed(&|s| s[2].nums[1] = 1000),
        ),
        c(
            "kinds-one-short",
            "kind of each object: 13 items where the snapshot needs 14",
            "13 kinds for 14 objects",
            changed(&|s| {
                s[2].nums.pop();
            }),
        ),
        c(
            "owner-arrays-differ",
            "owner arrays differ in length",
            "one more owned dict than owners",
            changed(&|s| s[3].nums.push(0)),
        ),
        c(
            "reverse-offsets-down",
            "reverse edge offsets: offsets go down",
            "a reverse edge offset of 0 after 1",
            changed(&|s| s[5].nums[3] = 0),
        ),
        c(
            "reachability-flag-2",
            "a reachability flag is neither 0 nor 1",
            "a reachability flag of 2",
            changed(&|s| s[8].nums[0] = 2),
        ),
        c(
            "byid-order-out-of-range",
            "byid order: item 0 is 14, out of range (< 14)",
            "object 14 first in byid order",
            changed(&|s| s[15].nums[0] = 14),
        ),
        c(
            "dominator-flag-2",
            "the dominator tree's flag is neither 0 nor 1",
            "the dominator tree's flag is 2",
            changed(&|s| s[19].nums[0] = 2),
        ),
        c(
            "subtree-size-zero",
            "dominator subtree sizes: the subtree at 0 has 0 objects",
            "the root's subtree is empty",
            changed(&|s| s[24].nums[0] = 0),
        ),
        c("array-2-40", "an array is longer than the file", "the key array says 2^40 strings", {
            let mut b = bytes.clone();
            b[8..16].copy_from_slice(&(1u64 << 40).to_le_bytes());
            recrc(b)
        }),
        c("trailing-bytes", "trailing bytes", "8 bytes after the last array", {
            let mut b = bytes.clone();
            let at = b.len() - 4;
            b.splice(at..at, [0u8; 8]);
            recrc(b)
        }),
    ]
}
