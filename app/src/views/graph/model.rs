//! The referrer graph's model: nodes (kinds of referrers, objects, or reference pattern lines)
//! and the edges between them, built from the server's `/graph`, `/objects/{addr}` or `/rp`
//! answer; node radii, hues and cut labels (pure, host-tested).

use std::collections::HashMap;

use heaplens_wire::{GraphView, ObjectView, RpView};

/// What a node stands for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum NodeKind {
    /// A set of objects (a kind of referrers), by its query.
    Group { query: String },
    /// One object on a path from the root.
    Object { addr: String },
    /// `hp.Root`.
    Root,
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) id: String,
    pub(super) kind: NodeKind,
    pub(super) label: String,
    pub(super) count: Option<u64>,
    pub(super) size: Option<u64>,
    pub(super) depth: u32,
    pub(super) current: bool,
    pub(super) expanded: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Edge {
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) count: Option<u64>,
    pub(super) via: Vec<(String, Option<u64>)>,
}

/// A graph ready to draw.
#[derive(Debug, Clone)]
pub(super) struct Model {
    pub(super) nodes: Vec<Node>,
    pub(super) edges: Vec<Edge>,
    pub(super) truncated: bool,
    /// Object chains: heapy's shortest-path lines and the number of paths.
    pub(super) chains: Option<(u64, Vec<String>)>,
    /// A reference pattern: heapy's text of it.
    pub(super) pattern: Option<String>,
}

impl Model {
    pub(super) fn from_groups(g: &GraphView) -> Self {
        let index: HashMap<&str, usize> = g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
        let nodes = g
            .nodes
            .iter()
            .map(|n| Node {
                id: n.id.clone(),
                kind: NodeKind::Group { query: n.query.clone() },
                label: n.label.clone(),
                count: Some(n.count),
                size: Some(n.size),
                depth: n.depth,
                current: n.current,
                expanded: n.expanded,
            })
            .collect();
        let edges = g
            .edges
            .iter()
            .filter_map(|e| {
                Some(Edge {
                    from: *index.get(e.from.as_str())?,
                    to: *index.get(e.to.as_str())?,
                    count: Some(e.count),
                    via: e.via.iter().map(|v| (v.name.clone(), Some(v.count))).collect(),
                })
            })
            .collect();
        Model { nodes, edges, truncated: g.truncated, chains: None, pattern: None }
    }

    /// The object's shortest paths from the root as a graph: the root, every object on a
    /// path (once), an edge per step with its edge name.
    pub(super) fn from_object(o: &ObjectView) -> Self {
        let mut nodes = vec![Node {
            id: "0x0".into(),
            kind: NodeKind::Root,
            label: "hp.Root".into(),
            count: None,
            size: None,
            depth: 0,
            current: false,
            expanded: true,
        }];
        let mut edges: Vec<Edge> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::from([("0x0".to_owned(), 0)]);
        for path in &o.shpaths.paths {
            let mut prev = 0;
            for (j, step) in path.iter().enumerate() {
                let i = *index.entry(step.addr.clone()).or_insert_with(|| {
                    nodes.push(Node {
                        id: step.addr.clone(),
                        kind: NodeKind::Object { addr: step.addr.clone() },
                        label: step.brief.clone(),
                        count: Some(1),
                        size: None,
                        depth: j as u32 + 1,
                        current: false,
                        expanded: true,
                    });
                    nodes.len() - 1
                });
                match edges.iter_mut().find(|e| e.from == prev && e.to == i) {
                    Some(e) => {
                        if !e.via.iter().any(|(n, _)| n == &step.name) {
                            e.via.push((step.name.clone(), None));
                        }
                    }
                    None => edges.push(Edge { from: prev, to: i, count: None, via: vec![(step.name.clone(), None)] }),
                }
                prev = i;
            }
        }
        // the object itself (also when no path reaches it)
        let target = match index.get(&o.addr) {
            Some(&i) => i,
            None => {
                nodes.push(Node {
                    id: o.addr.clone(),
                    kind: NodeKind::Object { addr: o.addr.clone() },
                    label: o.brief.clone(),
                    count: Some(1),
                    size: Some(o.size),
                    depth: 1,
                    current: true,
                    expanded: true,
                });
                nodes.len() - 1
            }
        };
        nodes[target].current = true;
        nodes[target].size = Some(o.size);
        Model { nodes, edges, truncated: false, chains: Some((o.shpaths.total, o.shpaths.text.clone())), pattern: None }
    }

    /// heapy's reference pattern as a graph: a node per line that is not `[^ N]` (line 0 the
    /// current set, layered by depth), an edge from each line to its parent line (it refers
    /// to it); a `[^ N]` line is an edge from line N's node instead.
    pub(super) fn from_pattern(rp: &RpView) -> Self {
        let mut node_of: Vec<usize> = Vec::with_capacity(rp.lines.len());
        let mut nodes = Vec::new();
        let mut edges = Vec::new();
        for (i, l) in rp.lines.iter().enumerate() {
            let n = match l.seen {
                Some(seen) => node_of[seen as usize],
                None => {
                    nodes.push(Node {
                        id: format!("rp-{i}"),
                        kind: match &l.set_query {
                            Some(query) => NodeKind::Group { query: query.clone() },
                            None => NodeKind::Root,
                        },
                        label: format!("{} {}", l.name, l.kind),
                        count: Some(l.count),
                        size: Some(l.size),
                        depth: l.depth,
                        current: i == 0,
                        expanded: l.marker == "[-]",
                    });
                    nodes.len() - 1
                }
            };
            node_of.push(n);
            if let Some(p) = l.parent {
                edges.push(Edge { from: n, to: node_of[p as usize], count: Some(l.count), via: Vec::new() });
            }
        }
        Model { nodes, edges, truncated: !rp.complete, chains: None, pattern: Some(rp.text.clone()) }
    }

    pub(super) fn max_depth(&self) -> u32 {
        self.nodes.iter().map(|n| n.depth).max().unwrap_or(0)
    }
}

/// A node's radius: by size for groups (area ∝ bytes), fixed for objects.
pub(super) fn radius(n: &Node, max_size: u64) -> f64 {
    match (&n.kind, n.size) {
        (NodeKind::Group { .. }, Some(s)) if max_size > 0 => 5.0 + 25.0 * (s as f64 / max_size as f64).sqrt(),
        (NodeKind::Root, _) => 9.0,
        _ if n.current => 11.0,
        _ => 7.0,
    }
}

/// `text` cut to `n` characters with an ellipsis.
pub(super) fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(n - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heaplens_wire::{ObjectEdges, PathStep, RpLineView, ShortestPaths};

    fn step(name: &str, addr: &str) -> PathStep {
        PathStep { name: name.into(), addr: addr.into(), brief: format!("b{addr}") }
    }

    #[test]
    fn chains_share_their_common_steps() {
        let o = ObjectView {
            snapshot: "s".into(),
            addr: "0x30".into(),
            type_name: "str".into(),
            kind: "str".into(),
            size: 50,
            retained: 50,
            brief: "'x'".into(),
            preview: None,
            reachable: true,
            referents: ObjectEdges { total: 0, items: vec![] },
            referrers: ObjectEdges { total: 0, items: vec![] },
            shpaths: ShortestPaths {
                total: 2,
                paths: vec![
                    vec![step(".a", "0x10"), step("['k']", "0x30")],
                    vec![step(".a", "0x10"), step("['j']", "0x30")],
                ],
                text: vec![],
            },
        };
        let m = Model::from_object(&o);
        assert_eq!(m.nodes.len(), 3);
        assert_eq!(m.edges.len(), 2);
        assert_eq!(m.edges[1].via.len(), 2);
        assert!(m.nodes[2].current);
        assert_eq!(m.max_depth(), 2);
        // no path: the object alone, with the root
        let mut lone = o.clone();
        lone.shpaths.paths.clear();
        let m = Model::from_object(&lone);
        assert_eq!(m.nodes.len(), 2);
        assert!(m.nodes[1].current);
    }

    #[test]
    fn a_reference_pattern_draws_a_node_per_new_set_and_seen_lines_as_edges() {
        let line = |name: &str, depth: u32, parent: Option<u32>, marker: &str, seen: Option<u32>| RpLineView {
            name: name.into(),
            depth,
            parent,
            marker: marker.into(),
            seen,
            count: 1,
            size: 56,
            kind: "list".into(),
            set_query: Some(format!("q{name}")),
            members: String::new(),
            text: String::new(),
        };
        let rp = RpView {
            snapshot: "s".into(),
            query: "@0x10".into(),
            depth: 7,
            lines: vec![
                line("_", 0, None, "[-]", None),
                line("a", 1, Some(0), "[-]", None),
                line("aa", 2, Some(1), "[^ 0]", Some(0)),
            ],
            complete: true,
            text: "Reference Pattern by <[dict of] class>.".into(),
        };
        let m = Model::from_pattern(&rp);
        assert_eq!(m.nodes.len(), 2);
        assert!(m.nodes[0].current);
        // line 1 refers to line 0; line 2 is line 0 again, referring to line 1: a cycle
        assert_eq!(m.edges.iter().map(|e| (e.from, e.to)).collect::<Vec<_>>(), [(1, 0), (0, 1)]);
        assert_eq!(m.max_depth(), 1);
    }

    #[test]
    fn labels_are_cut_by_characters() {
        assert_eq!(short("abc", 5), "abc");
        assert_eq!(short("ünïcödé", 4), "ünï…");
    }
}
