//! Layout: where every node, zone and edge of a scenario goes at a given width.
//!
//! A layout covers every node and edge that can appear in *any* configuration of the scenario,
//! so changing a key never moves anything: flows only fade in or out. Nodes sit in the cells
//! of a grid; edges run only through the gutters between cells (out of a node's side, along a
//! column gutter, across a row gutter if they must change column, and into the other node's
//! side), so an edge never crosses a node. Each edge has its own lane in every gutter it uses.
//!
//! Wide layouts put the client network, the VNet and the Azure-side zones in three column
//! groups; narrow ones stack the zones from top to bottom.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::geom::{Point, Rect, RectIndex, text_width, wrap};
use super::group::{Groups, Kind, ports_label};
use crate::config::Config;
use crate::model::{Catalog, FlowId, KeyId, NodeId, Ports, Protocol, ScenarioId, Zone};
use crate::resolve::resolve;

/// Node box height, in CSS pixels.
pub const NODE_HEIGHT: f64 = 46.0;
/// Size of node labels.
pub const NODE_FONT: f64 = 12.0;
/// Size of captions (subnets) and edge labels.
pub const SMALL_FONT: f64 = 10.5;
/// Size of zone labels.
pub const ZONE_FONT: f64 = 12.0;
/// Height of an edge label.
pub const EDGE_LABEL_HEIGHT: f64 = 15.0;
/// Narrowest node column a layout accepts before it tries fewer columns.
const MIN_COLUMN: f64 = 104.0;
const LANE: f64 = 4.0;
/// The height of the band at the top of a zone that holds its name.
const ZONE_HEADER: f64 = 20.0;
/// Scenarios with up to this many configurations are swept whole to find what they can show.
const WHOLE_SPACE: usize = 4096;

/// The diagram's geometry for one scenario at one width.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Whether the zones are stacked (narrow widths).
    pub stacked: bool,
    pub zones: Vec<ZoneBox>,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<Edge>,
}

impl Layout {
    /// Nothing at all: what is drawn before the width is known.
    pub fn empty() -> Layout {
        Layout { width: 0.0, height: 0.0, stacked: false, zones: Vec::new(), nodes: Vec::new(), edges: Vec::new() }
    }
}

/// A labelled region.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneBox {
    pub zone: Zone,
    pub rect: Rect,
    pub label: String,
    pub label_rect: Rect,
}

/// A node's box, with its label already wrapped.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub node: NodeId,
    pub rect: Rect,
    pub lines: Vec<String>,
    /// The subnet, for VNet nodes that have one.
    pub caption: Option<String>,
}

/// A directed connection of one kind between two node boxes, drawn once however many hops use
/// it. Traffic of two kinds between the same nodes gets two edges.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Indices into [`Layout::nodes`].
    pub from: usize,
    pub to: usize,
    pub kind: Kind,
    /// From a point on `from`'s side to a point on `to`'s side, axis-aligned segments only.
    pub path: Vec<Point>,
    /// Where the protocol and port label is centred.
    pub label_at: Point,
}

impl Layout {
    /// The box of catalog node `node`, if the scenario can show it.
    pub fn node_slot(&self, node: NodeId) -> Option<usize> {
        self.nodes.iter().position(|n| n.node == node)
    }

    /// The edge of `kind` from catalog node `from` to catalog node `to`, if the scenario can
    /// show it.
    pub fn edge_slot(&self, from: NodeId, to: NodeId, kind: Kind) -> Option<usize> {
        let (from, to) = (self.node_slot(from)?, self.node_slot(to)?);
        self.edges.iter().position(|e| e.from == from && e.to == to && e.kind == kind)
    }
}

/// The width of an edge label's box for `text`.
pub fn edge_label_width(text: &str) -> f64 {
    text_width(text, SMALL_FONT) + 10.0
}

/// An edge before layout: from and to, its kind, and every protocol and port it carries.
type EdgeSpec = (NodeId, NodeId, Kind, Vec<(Protocol, Ports)>);

/// An edge being laid out: the same with both ends as layout slots (indices into the nodes
/// being placed).
type SlotEdge = (usize, usize, Kind, Vec<(Protocol, Ports)>);

/// What a scenario can show over all its configurations: the width-independent half of a
/// layout. Computing it resolves every configuration, so the widget keeps one per scenario and
/// only re-runs [`Reach::layout`] when the width changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Reach {
    /// In catalog order.
    nodes: Vec<NodeId>,
    /// Edges between catalog nodes, with every protocol and port they carry; those of the
    /// default configuration first.
    edges: Vec<EdgeSpec>,
    /// How many of `edges` the default configuration shows: their labels are placed first, so
    /// the diagram a reader sees first has room for every label.
    defaults: usize,
}

impl Reach {
    pub fn new(catalog: &Rc<Catalog>, scenario: ScenarioId) -> Reach {
        let (nodes, edges, defaults) = reachable(catalog, scenario);
        Reach { nodes, edges, defaults }
    }

    /// Lays the reachable nodes and edges out at `width` CSS pixels.
    pub fn layout(&self, catalog: &Catalog, width: f64) -> Layout {
        arrange_reach(catalog, &self.nodes, &self.edges, self.defaults, width)
    }
}

/// The diagram's layout memo: the layout of a scenario at a width, the same `Rc` for as long as
/// neither changes. What the scenario can show ([`Reach`]) is kept per scenario, so a new width
/// only arranges again. A width of 0 or less (not measured yet) has the empty layout.
#[derive(Debug, Default)]
pub struct Layouts {
    reach: Option<(ScenarioId, Rc<Reach>)>,
    last: Option<((ScenarioId, u64), Rc<Layout>)>,
}

impl Layouts {
    /// The layout of `scenario` at `width` CSS pixels.
    pub fn get(&mut self, catalog: &Rc<Catalog>, scenario: ScenarioId, width: f64) -> Rc<Layout> {
        let key = (scenario, width.to_bits());
        if let Some((k, layout)) = &self.last
            && *k == key
        {
            return layout.clone();
        }
        let layout = if width > 0.0 { self.reach(catalog, scenario).layout(catalog, width) } else { Layout::empty() };
        let layout = Rc::new(layout);
        self.last = Some((key, layout.clone()));
        layout
    }

    fn reach(&mut self, catalog: &Rc<Catalog>, scenario: ScenarioId) -> Rc<Reach> {
        match &self.reach {
            Some((s, reach)) if *s == scenario => reach.clone(),
            _ => {
                let reach = Rc::new(Reach::new(catalog, scenario));
                self.reach = Some((scenario, reach.clone()));
                reach
            }
        }
    }
}

/// Nodes in catalog order, and edges with every protocol and port that uses them.
fn reachable(catalog: &Rc<Catalog>, id: ScenarioId) -> (Vec<NodeId>, Vec<EdgeSpec>, usize) {
    let mut groups = Groups::default();
    let defaults = Config::defaults(catalog, &catalog.scenarios[id]);
    for hop in resolve(catalog, id, &defaults).flows.iter().flat_map(|f| &f.hops) {
        groups.add(catalog, hop);
    }
    let shown_first = groups.list.len();
    for (configs, flows) in sweeps(catalog, id) {
        for config in &configs {
            for flow in resolve(catalog, id, config).flows.iter().filter(|f| flows.contains(&f.flow)) {
                for hop in &flow.hops {
                    groups.add(catalog, hop);
                }
            }
        }
    }
    let mut used = vec![false; catalog.nodes.len()];
    for group in &groups.list {
        used[group.from.0] = true;
        used[group.to.0] = true;
    }
    let nodes = (0..catalog.nodes.len()).filter(|&n| used[n]).map(NodeId).collect();
    let edges = groups.list.into_iter().map(|g| (g.from, g.to, g.kind, g.ports)).collect();
    (nodes, edges, shown_first)
}

/// The configurations that between them show every hop the scenario can, each with the flows
/// to read from them. A scenario of up to `WHOLE_SPACE` configurations is swept whole. A larger
/// one is swept per group of flows that depend on the same keys: a flow's routed hops depend
/// only on the keys its condition names and the routing keys (access, client, egress and the
/// conditions of the scenario's route steps), so every combination of those, the other keys at
/// their defaults, shows all of them. Exact for any number of keys.
fn sweeps(catalog: &Catalog, id: ScenarioId) -> Vec<(Vec<Config>, Vec<FlowId>)> {
    let scenario = &catalog.scenarios[id];
    let total = scenario.keys.iter().try_fold(1_usize, |n, k| n.checked_mul(k.values.len()));
    if total.is_some_and(|n| n <= WHOLE_SPACE) {
        return vec![(Config::combinations(catalog, scenario), scenario.flows.clone())];
    }
    let routing = &catalog.routing;
    let routes = scenario.steps.iter().filter(|&&s| !catalog.steps[s].internet_tags.is_empty());
    let shared: Vec<KeyId> = routes
        .flat_map(|&s| catalog.steps[s].when.keys())
        .chain([routing.access_key, routing.client_key, routing.egress_key])
        .collect();
    // Flows grouped by the keys they depend on (sorted, each once).
    let mut groups: Vec<(Vec<KeyId>, Vec<FlowId>)> = Vec::new();
    for &f in &scenario.flows {
        let mut uses = vec![false; catalog.keys.len()];
        for k in catalog.flows[f].when.keys().chain(shared.iter().copied()) {
            uses[k.0] = true;
        }
        let keys: Vec<KeyId> = (0..uses.len()).filter(|&k| uses[k]).map(KeyId).collect();
        match groups.iter_mut().find(|(k, _)| *k == keys) {
            Some((_, flows)) => flows.push(f),
            None => groups.push((keys, vec![f])),
        }
    }
    groups.into_iter().map(|(keys, flows)| (Config::combinations_over(catalog, scenario, &keys), flows)).collect()
}

/// Which side of a node an edge leaves or enters by.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    Left,
    Right,
}

/// One arrangement to try: zones to cells.
struct Grid {
    columns: usize,
    rows: usize,
    stacked: bool,
    /// Per node slot: (column, row).
    cells: Vec<(usize, usize)>,
    /// Per zone present: (zone, first column, last column, first row, last row).
    zones: Vec<(Zone, usize, usize, usize, usize)>,
}

fn grid(zones: &[(Zone, Vec<usize>)], wide: Option<(usize, usize)>) -> Grid {
    let mut cells = vec![(0, 0); zones.iter().map(|(_, n)| n.len()).sum()];
    let mut boxes = Vec::new();
    let mut place = |members: &[usize], col0: usize, cols: usize, row0: usize| -> usize {
        for (i, &slot) in members.iter().enumerate() {
            cells[slot] = (col0 + i % cols, row0 + i / cols);
        }
        members.len().div_ceil(cols)
    };
    match wide {
        Some((vnet_cols, right_cols)) => {
            // Column groups: client | VNet | Azure, Microsoft-managed and internet stacked.
            let mut col = 0;
            let mut rows = 0;
            let mut right_row = 0;
            let right_col = zones
                .iter()
                .filter(|(z, _)| matches!(z, Zone::Client | Zone::Vnet))
                .map(|(z, _)| if *z == Zone::Vnet { vnet_cols } else { 1 })
                .sum::<usize>();
            for (zone, members) in zones {
                match zone {
                    Zone::Client | Zone::Vnet => {
                        let cols = if *zone == Zone::Vnet { vnet_cols } else { 1 };
                        let used = place(members, col, cols, 0);
                        boxes.push((*zone, col, col + cols - 1, 0, used - 1));
                        rows = rows.max(used);
                        col += cols;
                    }
                    _ => {
                        let used = place(members, right_col, right_cols, right_row);
                        boxes.push((*zone, right_col, right_col + right_cols - 1, right_row, right_row + used - 1));
                        right_row += used;
                    }
                }
            }
            let has_right = zones.iter().any(|(z, _)| !matches!(z, Zone::Client | Zone::Vnet));
            Grid {
                columns: right_col + if has_right { right_cols } else { 0 },
                rows: rows.max(right_row),
                stacked: false,
                cells,
                zones: boxes,
            }
        }
        None => {
            // One column: edges run down the gutters on either side, where their labels fit.
            let cols = 1;
            let mut row = 0;
            for (zone, members) in zones {
                let used = place(members, 0, cols, row);
                boxes.push((*zone, 0, cols - 1, row, row + used - 1));
                row += used;
            }
            Grid { columns: cols, rows: row, stacked: true, cells, zones: boxes }
        }
    }
}

/// Lays out `scenario` at `width` CSS pixels: [`Reach::new`] then [`Reach::layout`].
pub fn layout(catalog: &Rc<Catalog>, scenario: ScenarioId, width: f64) -> Layout {
    Reach::new(catalog, scenario).layout(catalog, width)
}

fn arrange_reach(catalog: &Catalog, nodes: &[NodeId], edges: &[EdgeSpec], defaults: usize, width: f64) -> Layout {
    let width = width.max(240.0);
    let slot_of = |n: NodeId| nodes.iter().position(|&m| m == n).unwrap_or(0);
    let edges: Vec<SlotEdge> = edges.iter().map(|(a, b, k, p)| (slot_of(*a), slot_of(*b), *k, p.clone())).collect();

    // Zones in layout order; VNet nodes grouped by subnet, in order of first appearance.
    let mut zones: Vec<(Zone, Vec<usize>)> = Vec::new();
    for zone in Zone::ALL {
        let mut members: Vec<usize> = (0..nodes.len()).filter(|&s| catalog.nodes[nodes[s]].zone == zone).collect();
        if members.is_empty() {
            continue;
        }
        let subnets: Vec<Option<&String>> = members.iter().map(|&s| catalog.nodes[nodes[s]].subnet.as_ref()).collect();
        let first = |s: &usize| subnets.iter().position(|x| *x == catalog.nodes[nodes[*s]].subnet.as_ref());
        members.sort_by_key(first);
        zones.push((zone, members));
    }

    let count = |pred: &dyn Fn(Zone) -> bool| zones.iter().filter(|(z, _)| pred(*z)).map(|(_, m)| m.len()).max();
    let vnet = count(&|z| z == Zone::Vnet).unwrap_or(0);
    let right = count(&|z| !matches!(z, Zone::Client | Zone::Vnet)).unwrap_or(0);
    let mut candidates: Vec<Option<(usize, usize)>> = Vec::new();
    if width >= 560.0 {
        if vnet > 5 && right > 5 {
            candidates.push(Some((2, 2)));
        }
        if vnet > 5 {
            candidates.push(Some((2, 1)));
        }
        candidates.push(Some((1, 1)));
    }
    candidates.push(None);
    let mut best = None;
    for candidate in candidates {
        let laid = arrange(catalog, nodes, &edges, defaults, &grid(&zones, candidate), width);
        let (ok, layout) = laid;
        if ok {
            return layout;
        }
        best.get_or_insert(layout);
    }
    // The narrowest arrangement always exists; `best` is only a fallback for tiny widths.
    best.unwrap_or_else(|| Layout { width, height: 0.0, stacked: true, zones: vec![], nodes: vec![], edges: vec![] })
}

/// Sizes and routes one arrangement. Returns whether its columns are wide enough.
fn arrange(
    catalog: &Catalog,
    nodes: &[NodeId],
    edges: &[SlotEdge],
    defaults: usize,
    grid: &Grid,
    width: f64,
) -> (bool, Layout) {
    let routes = routes(catalog, nodes, edges, grid);
    let tracks = Tracks::new(edges, &routes, grid, width);
    let node_boxes = node_boxes(catalog, nodes, grid, &tracks);
    let paths = edge_paths(edges, &routes, &node_boxes, &tracks);
    let zone_boxes = zone_boxes(grid, &tracks);
    let out_edges = place_labels(edges, defaults, paths, &node_boxes, &zone_boxes, &tracks, width);
    let ok = tracks.column >= MIN_COLUMN;
    let height = tracks.height;
    (ok, Layout { width, height, stacked: grid.stacked, zones: zone_boxes, nodes: node_boxes, edges: out_edges })
}

/// Which gutters an edge uses. Column gutter k lies left of column k; row gutter k above row k.
struct Route {
    exit: (usize, Side),
    enter: (usize, Side),
    row_gutter: Option<usize>,
}

/// The gutters each edge leaves, enters and crosses by.
fn routes(catalog: &Catalog, nodes: &[NodeId], edges: &[SlotEdge], grid: &Grid) -> Vec<Route> {
    let mut col_load = vec![0usize; grid.columns + 1];
    let in_vnet = |slot: usize| catalog.nodes[nodes[slot]].zone == Zone::Vnet;
    edges
        .iter()
        .map(|&(a, b, _, _)| {
            let ((ca, ra), (cb, rb)) = (grid.cells[a], grid.cells[b]);
            let (exit, enter) = match ca.cmp(&cb) {
                std::cmp::Ordering::Less => ((ca + 1, Side::Right), (cb, Side::Left)),
                std::cmp::Ordering::Greater => ((ca, Side::Left), (cb + 1, Side::Right)),
                // Within a column, an edge takes whichever side gutter carries fewer lanes so far.
                std::cmp::Ordering::Equal if col_load[ca + 1] <= col_load[ca] => {
                    ((ca + 1, Side::Right), (cb + 1, Side::Right))
                }
                std::cmp::Ordering::Equal => ((ca, Side::Left), (cb, Side::Left)),
            };
            col_load[exit.0] += 1;
            if enter.0 != exit.0 {
                col_load[enter.0] += 1;
            }
            // Traffic between two places outside the VNet that must cross the VNet's columns
            // goes over the top of every zone, so it does not seem to pass through the VNet.
            let outside = !grid.stacked && !in_vnet(a) && !in_vnet(b);
            let row_gutter = (exit.0 != enter.0).then(|| {
                let (lo, hi) = (ra.min(rb), ra.max(rb));
                if outside {
                    0
                } else if lo == hi {
                    lo + 1
                } else {
                    (lo + 1 + hi) / 2
                }
            });
            Route { exit, enter, row_gutter }
        })
        .collect()
}

/// Where the columns, rows and gutters of one arrangement lie, and each edge's lane in every
/// gutter it uses.
struct Tracks {
    rows: usize,
    col_lanes: Vec<Vec<usize>>,
    row_lanes: Vec<Vec<usize>>,
    col_gutter: Vec<f64>,
    row_gutter: Vec<f64>,
    /// The width of every column.
    column: f64,
    col_x: Vec<f64>,
    row_y: Vec<f64>,
    height: f64,
}

impl Tracks {
    fn new(edges: &[SlotEdge], routes: &[Route], grid: &Grid, width: f64) -> Tracks {
        let (cols, rows) = (grid.columns, grid.rows.max(1));
        // Lanes: each edge gets its own position in every gutter it uses.
        let mut col_lanes: Vec<Vec<usize>> = vec![Vec::new(); cols + 1];
        let mut row_lanes: Vec<Vec<usize>> = vec![Vec::new(); rows + 1];
        for (e, r) in routes.iter().enumerate() {
            col_lanes[r.exit.0].push(e);
            if r.enter.0 != r.exit.0 {
                col_lanes[r.enter.0].push(e);
            }
            if let Some(g) = r.row_gutter {
                row_lanes[g].push(e);
            }
        }

        // The widest label of the edges that use each column gutter, so labels fit beside nodes.
        let mut widest = vec![0.0_f64; cols + 1];
        for ((_, _, _, ports), r) in edges.iter().zip(routes) {
            let w = edge_label_width(&ports_label(ports));
            for k in [r.exit.0, r.enter.0] {
                widest[k] = widest[k].max(w);
            }
        }
        let cap = (width * if grid.stacked { 0.22 } else { 0.14 }).max(26.0);
        let col_gutter: Vec<f64> = col_lanes
            .iter()
            .enumerate()
            .map(|(k, lanes)| {
                let outer = k == 0 || k == cols;
                let base = if outer && lanes.is_empty() { 8.0 } else { 22.0 };
                // Gutters between columns of a wide layout leave room for an edge label.
                let room = if outer || grid.stacked { 0.0 } else { (widest[k] + 12.0).min(width * 0.16) };
                (base + lanes.len() as f64 * LANE).min(cap.max(base)).max(room)
            })
            .collect();
        let column = (width - col_gutter.iter().sum::<f64>()) / cols as f64;
        let headers: Vec<bool> = (0..=rows).map(|r| grid.zones.iter().any(|z| z.3 == r)).collect();
        let row_gutter: Vec<f64> = (0..=rows)
            .map(|r| 16.0 + row_lanes[r].len() as f64 * LANE + if headers[r] { ZONE_HEADER } else { 4.0 })
            .collect();

        let (col_x, _) = starts(&col_gutter[..cols], column);
        let (row_y, y) = starts(&row_gutter[..rows], NODE_HEIGHT);
        let height = y + row_gutter[rows];
        Tracks { rows, col_lanes, row_lanes, col_gutter, row_gutter, column, col_x, row_y, height }
    }

    fn gutter_x(&self, k: usize) -> f64 {
        if k == 0 { 0.0 } else { self.col_x[k - 1] + self.column }
    }

    fn gutter_y(&self, k: usize) -> f64 {
        if k == 0 { 0.0 } else { self.row_y[k - 1] + NODE_HEIGHT }
    }

    /// Edge `e`'s lane in column gutter `k`.
    fn lane_x(&self, k: usize, e: usize) -> f64 {
        let lanes = &self.col_lanes[k];
        let i = lanes.iter().position(|&x| x == e).unwrap_or(0) as f64;
        let span = self.col_gutter[k] - 8.0;
        let step = (span / (lanes.len() as f64 + 1.0)).min(10.0);
        let start = self.gutter_x(k) + (self.col_gutter[k] - step * (lanes.len() as f64 - 1.0)) / 2.0;
        start + step * i
    }

    /// Edge `e`'s lane in row gutter `k`.
    fn lane_y(&self, k: usize, e: usize) -> f64 {
        let lanes = &self.row_lanes[k];
        let i = lanes.iter().position(|&x| x == e).unwrap_or(0) as f64;
        self.gutter_y(k) + 6.0 + LANE * i
    }
}

/// The node boxes, with their labels wrapped to the column.
fn node_boxes(catalog: &Catalog, nodes: &[NodeId], grid: &Grid, t: &Tracks) -> Vec<NodeBox> {
    nodes
        .iter()
        .enumerate()
        .map(|(slot, &n)| {
            let (c, r) = grid.cells[slot];
            let rect = Rect::new(t.col_x[c], t.row_y[r], t.column, NODE_HEIGHT);
            let node = &catalog.nodes[n];
            let caption = node.subnet.as_ref().map(|s| format!("{s} subnet"));
            let max_lines = if caption.is_some() { 2 } else { 3 };
            let lines = wrap(&node.label, NODE_FONT, t.column - 12.0, max_lines);
            let caption = caption.map(|c| wrap(&c, SMALL_FONT, t.column - 12.0, 1).concat());
            NodeBox { node: n, rect, lines, caption }
        })
        .collect()
}

/// Every edge's path: out of its node's side, along its lanes, into the other node's side.
fn edge_paths(edges: &[SlotEdge], routes: &[Route], node_boxes: &[NodeBox], t: &Tracks) -> Vec<Vec<Point>> {
    // Attachment points: the edges on one side of a node spread along it, ordered by where
    // their other end is, so they cross as little as possible.
    // (node, side) -> (where the other end is, edge, whether the edge leaves here)
    type Ends = Vec<(f64, usize, bool)>;
    let mut sides: BTreeMap<(usize, Side), Ends> = BTreeMap::new();
    for (e, (&(a, b, _, _), r)) in edges.iter().zip(routes).enumerate() {
        let (ya, yb) = (node_boxes[a].rect.center().y, node_boxes[b].rect.center().y);
        sides.entry((a, r.exit.1)).or_default().push((yb, e, true));
        sides.entry((b, r.enter.1)).or_default().push((ya, e, false));
    }
    let mut attach: BTreeMap<(usize, bool), Point> = BTreeMap::new();
    for ((slot, side), mut list) in sides {
        list.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.cmp(&q.1)));
        let rect = node_boxes[slot].rect;
        let n = list.len() as f64;
        for (i, &(_, e, is_exit)) in list.iter().enumerate() {
            let y = rect.y + rect.h * (i as f64 + 1.0) / (n + 1.0);
            let x = if side == Side::Left { rect.x } else { rect.right() };
            attach.insert((e, is_exit), Point::new(x, y));
        }
    }

    let mut paths: Vec<Vec<Point>> = Vec::with_capacity(edges.len());
    for (e, r) in routes.iter().enumerate() {
        let start = attach[&(e, true)];
        let end = attach[&(e, false)];
        let x1 = t.lane_x(r.exit.0, e);
        let path = match r.row_gutter {
            None => vec![start, Point::new(x1, start.y), Point::new(x1, end.y), end],
            Some(g) => {
                let (x2, y) = (t.lane_x(r.enter.0, e), t.lane_y(g, e));
                vec![start, Point::new(x1, start.y), Point::new(x1, y), Point::new(x2, y), Point::new(x2, end.y), end]
            }
        };
        paths.push(simplify(path));
    }
    paths
}

/// The zones, and their labels in the header band above their first row.
fn zone_boxes(grid: &Grid, t: &Tracks) -> Vec<ZoneBox> {
    grid.zones
        .iter()
        .map(|&(zone, c0, c1, r0, r1)| {
            let top = t.row_y[r0] - ZONE_HEADER - 6.0;
            let rect = Rect::new(
                t.col_x[c0] - 6.0,
                top,
                t.col_x[c1] + t.column - t.col_x[c0] + 12.0,
                t.row_y[r1] + NODE_HEIGHT + 6.0 - top,
            );
            let label = wrap(zone.label(), ZONE_FONT, rect.w - 16.0, 1).concat();
            let label_rect = Rect::new(rect.x + 6.0, top + 2.0, text_width(&label, ZONE_FONT) + 8.0, ZONE_HEADER - 2.0);
            ZoneBox { zone, rect, label, label_rect }
        })
        .collect()
}

/// Edge labels: the first spot along the edge that covers no node, zone label or other edge
/// label, trying the middle of the longest segments first. The labels of the default
/// configuration's edges (the first `defaults`) choose first, then the rest; within each, the
/// widest first, and narrow ones fit in the gaps that are left.
fn place_labels(
    edges: &[SlotEdge],
    defaults: usize,
    paths: Vec<Vec<Point>>,
    node_boxes: &[NodeBox],
    zone_boxes: &[ZoneBox],
    t: &Tracks,
    width: f64,
) -> Vec<Edge> {
    let canvas = Rect::new(0.0, 0.0, width, t.height);
    let cell = 4.0 * NODE_HEIGHT;
    let mut taken = RectIndex::new(width, t.height, cell);
    for z in zone_boxes {
        taken.insert(z.label_rect);
    }
    let mut nodes_index = RectIndex::new(width, t.height, cell);
    for n in node_boxes {
        nodes_index.insert(n.rect);
    }
    let mut order: Vec<usize> = (0..edges.len()).collect();
    let widths: Vec<f64> = edges.iter().map(|(_, _, _, ports)| edge_label_width(&ports_label(ports))).collect();
    order.sort_by(|&x, &y| (x >= defaults).cmp(&(y >= defaults)).then(widths[y].total_cmp(&widths[x])).then(x.cmp(&y)));
    let mut placed: Vec<Option<Edge>> = vec![None; edges.len()];
    for i in order {
        let ((a, b, kind, _), path) = (&edges[i], paths[i].clone());
        let w = widths[i];
        let segments = label_segments(&path, w);
        // Spots along the edge, then across the gaps between rows beside its vertical runs
        // (where a long label fits in a narrow layout). If nothing is free, a label may cover
        // another label, but still not a node.
        let along = segments.iter().flat_map(|&(p, q)| [0.5, 0.3, 0.7, 0.15, 0.85, 0.05, 0.95].map(|t| p.lerp(q, t)));
        let mut across: Vec<Point> = Vec::new();
        for &(p, q) in segments.iter().filter(|(p, q)| p.x == q.x) {
            let (lo, hi) = (p.y.min(q.y), p.y.max(q.y));
            for (k, gap) in t.row_gutter.iter().enumerate().take(t.rows).skip(1) {
                // The top of the gap, then its bottom, so two labels can share it; then the
                // middle.
                let half = EDGE_LABEL_HEIGHT / 2.0 + 2.0;
                for y in [t.gutter_y(k) + half, t.gutter_y(k) + gap - half, t.gutter_y(k) + gap / 2.0] {
                    if lo <= y && y <= hi {
                        // Centred on the line, or ending just beside it.
                        for x in [p.x, p.x - w / 2.0 - 4.0, p.x + w / 2.0 + 4.0] {
                            across.push(Point::new(x, y));
                        }
                    }
                }
            }
        }
        // Last, every few pixels along the edge. The spots are made as they are tried: most
        // labels fit at one of the first, and a long edge has thousands of these.
        let fine = segments.iter().flat_map(|&(p, q)| {
            let steps = (p.distance(q) / 4.0).ceil().max(1.0) as usize;
            (0..=steps).map(move |i| p.lerp(q, i as f64 / steps as f64))
        });
        // Stacked layouts have narrow gutters: labels read best across the gaps between rows.
        let spots = along.chain(across.iter().copied()).chain(fine);
        let chosen = first_free(spots, w, &canvas, &nodes_index, &taken);
        let rect = chosen.unwrap_or_else(|| {
            let (p, q) = segments.first().copied().unwrap_or((path[0], path[0]));
            clamp_into(Rect::centered(p.lerp(q, 0.5), w, EDGE_LABEL_HEIGHT), &canvas)
        });
        taken.insert(rect);
        placed[i] = Some(Edge { from: *a, to: *b, kind: *kind, path, label_at: rect.center() });
    }
    placed.into_iter().flatten().collect()
}

/// An edge's segments in the order its label tries them: horizontal runs long enough for a
/// label `w` wide first, nearest the target first, so a label reads along its line and sits
/// close to the arrow it explains; then the rest, longest first.
fn label_segments(path: &[Point], w: f64) -> Vec<(Point, Point)> {
    let mut segments: Vec<(Point, Point)> = path.windows(2).map(|s| (s[0], s[1])).collect();
    segments.reverse();
    let roomy = |s: &(Point, Point)| s.0.y == s.1.y && s.0.distance(s.1) >= w + 8.0;
    segments.sort_by(|p, q| {
        roomy(q).cmp(&roomy(p)).then(if roomy(p) {
            std::cmp::Ordering::Equal
        } else {
            q.0.distance(q.1).total_cmp(&p.0.distance(p.1))
        })
    });
    segments
}

/// Drops repeated points and points in the middle of a straight run.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out.last().is_some_and(|q| q.distance(p) < 1e-9) {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let straight = ((a.x - b.x).abs() < 1e-9 && (b.x - p.x).abs() < 1e-9)
                || ((a.y - b.y).abs() < 1e-9 && (b.y - p.y).abs() < 1e-9);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// The first of `spots` where a label `w` wide covers no node and no other label, or else
/// the first where it covers no node.
///
/// A function of its own, called once per edge, rather than a loop inside the layout: the
/// browser compiles a wasm function's optimized code in the background and uses it from its
/// next call, so on a large diagram this loop runs optimized after the first few edges.
#[inline(never)]
fn first_free(
    spots: impl Iterator<Item = Point> + Clone,
    w: f64,
    canvas: &Rect,
    nodes: &RectIndex,
    taken: &RectIndex,
) -> Option<Rect> {
    for strict in [true, false] {
        for spot in spots.clone() {
            let rect = clamp_into(Rect::centered(spot, w, EDGE_LABEL_HEIGHT), canvas);
            if canvas.encloses(&rect) && !nodes.any_overlap(&rect, 2.0) && !(strict && taken.any_overlap(&rect, 1.0)) {
                return Some(rect);
            }
        }
    }
    None
}

fn clamp_into(r: Rect, outer: &Rect) -> Rect {
    let x = r.x.clamp(outer.x, (outer.right() - r.w).max(outer.x));
    let y = r.y.clamp(outer.y, (outer.bottom() - r.h).max(outer.y));
    Rect::new(x, y, r.w, r.h)
}

/// Where each track starts when every one is `size` long and follows its gutter, and where the
/// last one ends.
fn starts(gutters: &[f64], size: f64) -> (Vec<f64>, f64) {
    let mut at = 0.0;
    let starts = gutters
        .iter()
        .map(|gutter| {
            at += gutter;
            let start = at;
            at += size;
            start
        })
        .collect();
    (starts, at)
}
