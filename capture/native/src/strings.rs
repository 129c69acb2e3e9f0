//! `Strings`: the snapshot's string table (edge names, labels, previews), deduplicated.

use crate::hash::{hash64, IdHasher};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// The snapshot's strings, deduplicated: one byte arena, a map from a 64-bit hash to
/// the first string with it, and an exact map for the (rare) other strings sharing one.
#[derive(Default)]
pub(crate) struct Strings {
    arena: Vec<u8>,
    spans: Vec<(usize, usize)>,
    map: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    spill: HashMap<Vec<u8>, u32>,
}

impl Strings {
    pub(crate) fn get(&self, n: u32) -> &[u8] {
        let (a, l) = self.spans[n as usize];
        &self.arena[a..a + l]
    }
    fn push(&mut self, b: &[u8]) -> u32 {
        let n = self.spans.len() as u32;
        self.spans.push((self.arena.len(), b.len()));
        self.arena.extend_from_slice(b);
        n
    }
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
    pub(crate) fn intern(&mut self, b: &[u8]) -> u32 {
        let h = hash64(b);
        if let Some(&n) = self.map.get(&h) {
            if self.get(n) == b {
                return n;
            }
            if let Some(&m) = self.spill.get(b) {
                return m;
            }
            let m = self.push(b);
            self.spill.insert(b.to_vec(), m);
            return m;
        }
        let n = self.push(b);
        self.map.insert(h, n);
        n
    }
}
