//! Hit testing: which node or edge lies under a point.

use super::frame::{Traffic, edge_label_rect};
use super::geom::{Point, distance_to};
use super::layout::Layout;

/// Something in the diagram a reader can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// Index into [`Layout::nodes`].
    Node(usize),
    /// Index into [`Layout::edges`].
    Edge(usize),
}

/// How far from a line a pointer may be and still be on it, in CSS pixels.
pub const TOLERANCE: f64 = 5.0;

/// The node or edge under `p`. Nodes win over edges; among edges, labels win over lines and the
/// nearest line wins. Only edges that `traffic` uses can be hit; every node can.
pub fn hit(layout: &Layout, traffic: &Traffic, p: Point) -> Option<Hit> {
    if let Some(slot) = layout.nodes.iter().position(|n| n.rect.contains(p)) {
        return Some(Hit::Node(slot));
    }
    let used = |e: &usize| traffic.edges.get(*e).and_then(|u| u.as_ref());
    if let Some(e) =
        (0..layout.edges.len()).find(|e| used(e).is_some_and(|u| edge_label_rect(layout, *e, &u.label).contains(p)))
    {
        return Some(Hit::Edge(e));
    }
    (0..layout.edges.len())
        .filter(|e| used(e).is_some())
        .map(|e| (e, distance_to(&layout.edges[e].path, p)))
        .filter(|&(_, d)| d <= TOLERANCE)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(e, _)| Hit::Edge(e))
}
