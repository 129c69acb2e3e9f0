//! A synthetic heap generator for benchmarks: a realistic mix of kinds, sizes, degrees and
//! edge names, streamed to a snapshot file without holding the graph in memory.

use crate::format::EdgeName;
use crate::heap::ids::{ObjId, TypeId};
use crate::SnapshotWriter;
use std::io::{self, Write};

/// A small, fast, deterministic random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Str,
    Int,
    Tuple,
    List,
    Dict,
    Instance,
    Function,
    Code,
}

/// (shape, type label, share in per mille)
const MIX: [(Shape, &str, u64); 8] = [
    (Shape::Str, "str", 330),
    (Shape::Int, "int", 90),
    (Shape::Tuple, "tuple", 170),
    (Shape::List, "list", 50),
    (Shape::Dict, "dict", 130),
    (Shape::Instance, "app.models.Node", 120),
    (Shape::Function, "function", 60),
    (Shape::Code, "types.CodeType", 50),
];

/// Writes a heap of `n` objects (plus the root) to `out`. Every object is reachable:
/// objects are numbered breadth-first and each container adopts the next unparented
/// objects, plus cross references to random earlier objects (cycles, sharing).
pub fn write_synthetic<W: Write>(out: W, n: u64, seed: u64) -> io::Result<W> {
    let mut w = SnapshotWriter::new(out)?;
    let mut rng = Rng(seed | 1);
    let types: Vec<TypeId> = MIX.iter().map(|(_, l, _)| w.add_type(None, l)).collect::<io::Result<_>>()?;
    let attr_names: Vec<EdgeName> =
        [".__dict__", ".__code__", ".__globals__", ".__name__", ".co_consts", ".co_names", "->ob_type"]
            .iter()
            .map(|s| w.name(s))
            .collect::<io::Result<_>>()?;
    let keys: Vec<EdgeName> = (0..200).map(|i| w.name(&format!("['key_{i}']"))).collect::<io::Result<_>>()?;
    let root_edge = w.name(".i0_modules")?;
    let total = n + 1;
    let mut next_child: u64 = 2;
    w.object(0, None, 0, &[(ObjId(1), root_edge)])?;
    let mut edges = Vec::with_capacity(64);
    for i in 1..total {
        let mut pick = rng.below(1000);
        let k = MIX.iter().position(|m| {
            if pick < m.2 {
                true
            } else {
                pick -= m.2;
                false
            }
        });
        // the first objects are containers so that the breadth-first tree keeps growing
        let k = if i < 64 { 4 } else { k.unwrap_or(0) };
        let (shape, ty) = (MIX[k].0, types[k]);
        let (children, size) = match shape {
            Shape::Str => (0, 49 + rng.below(120)),
            Shape::Int => (0, 28),
            Shape::Tuple => (1 + rng.below(4), 48 + 8 * rng.below(4)),
            Shape::List => (rng.below(12), 56 + 8 * rng.below(16)),
            Shape::Dict => (2 + rng.below(10), [184, 272, 352, 640, 1176][rng.below(5) as usize]),
            Shape::Instance => (1, 56),
            Shape::Function => (3, 152),
            Shape::Code => (2, 200 + 8 * rng.below(40)),
        };
        edges.clear();
        for c in 0..children {
            if next_child >= total {
                break;
            }
            let name = match shape {
                Shape::Tuple | Shape::List => EdgeName::Index(c as u32),
                Shape::Dict => keys[rng.below(keys.len() as u64) as usize],
                _ => attr_names[(c as usize) % attr_names.len()],
            };
            edges.push((ObjId(next_child as u32), name));
            next_child += 1;
        }
        // cross references keep degrees and sharing realistic
        if !matches!(shape, Shape::Str | Shape::Int) && rng.below(3) == 0 {
            edges.push((ObjId(1 + rng.below(total - 1) as u32), attr_names[6]));
        }
        w.object(0x7f00_0000_0000 + 16 * i, Some(ty), size, &edges)?;
    }
    w.finish(&serde_json::json!({"name": format!("synthetic {n}"), "python": "synthetic", "argv": ["synth"]}))
}
