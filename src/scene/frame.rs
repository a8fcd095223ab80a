//! Frames: what the diagram shows for one configuration, as a list of [`Shape`]s.
//!
//! [`Traffic`] says which nodes and edges one configuration uses and which edges each flow
//! travels. [`diagram`] turns a layout and two traffics (before and after a change,
//! mixed by a fade) into the static shapes; [`packet_at`] and [`packet_badge`] give the one that moves. Colours
//! are named by meaning ([`Ink`]), not value, so one scene serves every theme.

use super::geom::{Point, Rect, length, point_along, text_width};
use super::group::{Groups, Kind, ports_label};
use super::layout::{EDGE_LABEL_HEIGHT, Layout, NODE_FONT, SMALL_FONT, ZONE_FONT, edge_label_width};
use crate::model::{RuleId, Zone};
use crate::resolve::Resolution;

/// A colour by meaning; the painter's palette gives it a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ink {
    Text,
    Muted,
    Background,
    Zone(Zone),
    ZoneStroke,
    NodeFill,
    NodeStroke,
    Flow(Kind),
    /// Traffic that a finding says cannot get through in this configuration.
    Blocked,
    /// Traffic the reader's rules may not admit (the check could not decide).
    Unresolved,
    Focus,
    PacketText,
}

/// A colour with an opacity from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paint {
    pub ink: Ink,
    pub alpha: f64,
}

impl Paint {
    pub fn new(ink: Ink, alpha: f64) -> Paint {
        Paint { ink, alpha: alpha.clamp(0.0, 1.0) }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
    DashDot,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub paint: Paint,
    pub width: f64,
    pub dash: Dash,
}

/// Horizontal text anchor; text is always centred vertically on its point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
}

/// One thing to draw. Coordinates are CSS pixels.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Rect { rect: Rect, fill: Option<Paint>, stroke: Option<Stroke> },
    Path { points: Vec<Point>, stroke: Stroke },
    Polygon { points: Vec<Point>, fill: Paint },
    Circle { center: Point, radius: f64, fill: Paint, stroke: Option<Stroke> },
    Text { at: Point, text: String, size: f64, paint: Paint, anchor: Anchor, bold: bool },
}

impl Shape {
    /// The area the shape covers, with room for its stroke and for text that runs a little
    /// wider than the width estimate: what to clear before drawing the next frame over it.
    pub fn bounds(&self) -> Rect {
        let around = |points: &[Point], pad: f64| {
            let (mut lo, mut hi) = (Point::new(f64::MAX, f64::MAX), Point::new(f64::MIN, f64::MIN));
            for p in points {
                (lo.x, lo.y, hi.x, hi.y) = (lo.x.min(p.x), lo.y.min(p.y), hi.x.max(p.x), hi.y.max(p.y));
            }
            if points.is_empty() {
                Rect::new(0.0, 0.0, 0.0, 0.0)
            } else {
                Rect::new(lo.x, lo.y, hi.x - lo.x, hi.y - lo.y).inflate(pad)
            }
        };
        let width = |stroke: &Option<Stroke>| stroke.as_ref().map_or(0.0, |s| s.width);
        match self {
            Shape::Rect { rect, stroke, .. } => rect.inflate(width(stroke) + 1.0),
            Shape::Path { points, stroke } => around(points, stroke.width + 1.0),
            Shape::Polygon { points, .. } => around(points, 1.0),
            Shape::Circle { center, radius, stroke, .. } => {
                Rect::centered(*center, 2.0 * radius, 2.0 * radius).inflate(width(stroke) + 1.0)
            }
            Shape::Text { at, text, size, anchor, bold, .. } => {
                let w = text_width(text, *size) * if *bold { 1.25 } else { 1.15 } + 4.0;
                let x = match anchor {
                    Anchor::Start => at.x - 2.0,
                    Anchor::Middle => at.x - w / 2.0,
                };
                Rect::new(x, at.y - size, w, 2.0 * size)
            }
        }
    }
}

impl Kind {
    /// The line style that tells kinds apart without colour.
    pub fn dash(self) -> Dash {
        match self {
            Kind::Inbound => Dash::Solid,
            Kind::Outbound => Dash::Dashed,
            Kind::Private => Dash::Dotted,
            Kind::Internal => Dash::DashDot,
        }
    }
}

/// What the reader's rules make of a hop, or of an edge: the worst of its hops'.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Nothing checked, or the rules admit it (or nothing filters it).
    #[default]
    Open,
    /// The rules may or may not admit it (a host name, an address not known here).
    Unresolved,
    /// The rules, or a finding, stop it.
    Blocked,
}

impl Mark {
    /// The sign written before the edge's ports, so the mark does not rest on colour alone.
    pub fn sign(self) -> &'static str {
        match self {
            Mark::Open => "",
            Mark::Unresolved => "? ",
            Mark::Blocked => "✕ ",
        }
    }
}

/// Per resolved flow, per hop: the mark of a check (empty when no rules were checked).
pub type Marks = Vec<Vec<Mark>>;

/// How one configuration uses an edge.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeUse {
    pub kind: Kind,
    /// Protocols and ports, as the edge's label shows them.
    pub label: String,
    /// The rules its hops need.
    pub rules: Vec<RuleId>,
    /// The flows (indices into [`Resolution::flows`]) that travel it.
    pub flows: Vec<usize>,
    /// Blocked when every flow on it is blocked by a finding, or the reader's rules block one
    /// of its hops; unresolved when they may not admit one.
    pub mark: Mark,
}

impl EdgeUse {
    /// The edge's colour: its kind's, or its mark's.
    pub fn ink(&self) -> Ink {
        match self.mark {
            Mark::Open => Ink::Flow(self.kind),
            Mark::Unresolved => Ink::Unresolved,
            Mark::Blocked => Ink::Blocked,
        }
    }

    /// The line style: its kind's, dashed when unresolved.
    pub fn dash(&self) -> Dash {
        if self.mark == Mark::Unresolved { Dash::Dashed } else { self.kind.dash() }
    }

    pub fn blocked(&self) -> bool {
        self.mark == Mark::Blocked
    }
}

/// What one configuration shows on a layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Traffic {
    /// Per layout node: whether a flow touches it.
    pub nodes: Vec<bool>,
    /// Per layout edge.
    pub edges: Vec<Option<EdgeUse>>,
    /// Per resolved flow, in order: the layout edges of its hops, in order.
    pub flows: Vec<Vec<usize>>,
    /// Per flow: whether a blocked finding stops it.
    pub blocked: Vec<bool>,
    /// Per flow: where in `flows` its packet stops, at the first hop the reader's rules block.
    pub stops: Vec<Option<usize>>,
}

impl Traffic {
    /// Nothing shown: the starting point of the first fade-in.
    pub fn empty(layout: &Layout) -> Traffic {
        Traffic {
            nodes: vec![false; layout.nodes.len()],
            edges: vec![None; layout.edges.len()],
            flows: vec![],
            blocked: vec![],
            stops: vec![],
        }
    }

    /// What `resolution` shows on `layout`. Hops the layout does not know (a layout made for
    /// another scenario) are skipped rather than trusted.
    pub fn new(layout: &Layout, resolution: &Resolution) -> Traffic {
        Traffic::checked(layout, resolution, &[])
    }

    /// The same, with the marks of a check of the reader's rules (`marks[flow][hop]`; flows
    /// or hops it does not cover are open).
    pub fn checked(layout: &Layout, resolution: &Resolution, marks: &[Vec<Mark>]) -> Traffic {
        let (groups, hops) = Groups::of(resolution);
        let slots: Vec<Option<usize>> = groups.list.iter().map(|g| layout.edge_slot(g.from, g.to, g.kind)).collect();
        let mark_of = |f: usize, h: usize| marks.get(f).and_then(|m| m.get(h)).copied().unwrap_or_default();
        let mut checked = vec![Mark::Open; groups.list.len()];
        for (f, list) in hops.iter().enumerate() {
            for (h, &g) in list.iter().enumerate() {
                checked[g] = checked[g].max(mark_of(f, h));
            }
        }
        let mut traffic = Traffic::empty(layout);
        for ((group, slot), checked) in groups.list.into_iter().zip(&slots).zip(checked) {
            let Some(e) = *slot else { continue };
            traffic.nodes[layout.edges[e].from] = true;
            traffic.nodes[layout.edges[e].to] = true;
            let found = group.flows.iter().all(|&f| resolution.flows[f].blocked);
            let mark = if found { Mark::Blocked } else { checked };
            // Blocked and unresolved traffic is marked in words too, not by colour alone.
            let label = format!("{}{}", mark.sign(), ports_label(&group.ports));
            traffic.edges[e] = Some(EdgeUse { kind: group.kind, label, rules: group.rules, flows: group.flows, mark });
        }
        traffic.flows = hops.iter().map(|groups| groups.iter().filter_map(|&g| slots[g]).collect()).collect();
        traffic.blocked = resolution.flows.iter().map(|f| f.blocked).collect();
        traffic.stops = hops
            .iter()
            .enumerate()
            .map(|(f, list)| {
                let first = (0..list.len()).find(|&h| mark_of(f, h) == Mark::Blocked)?;
                Some(list[..first].iter().filter(|&&g| slots[g].is_some()).count())
            })
            .collect();
        traffic
    }
}

/// What the reader is pointing at or has chosen; it is drawn emphasised.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Emphasis {
    /// The current flow, if any.
    pub flow: Option<usize>,
    /// Layout edges to emphasise (hovered, focused, or those of a chosen table row).
    pub edges: Vec<usize>,
    /// Layout nodes to emphasise.
    pub nodes: Vec<usize>,
}

const GHOST: f64 = 0.3;

/// The static shapes: zones, nodes, edges with arrowheads and labels, and the current flow's
/// numbers. `fade` runs from 0 (show `before`) to 1 (show `after`).
pub fn diagram(layout: &Layout, before: &Traffic, after: &Traffic, fade: f64, emphasis: &Emphasis) -> Vec<Shape> {
    let fade = fade.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| a + (b - a) * fade;
    let mut shapes = Vec::with_capacity(layout.nodes.len() * 4 + layout.edges.len() * 4 + 16);
    let focusing = !emphasis.edges.is_empty() || !emphasis.nodes.is_empty();

    for zone in &layout.zones {
        shapes.push(Shape::Rect {
            rect: zone.rect,
            fill: Some(Paint::new(Ink::Zone(zone.zone), 1.0)),
            stroke: Some(Stroke { paint: Paint::new(Ink::ZoneStroke, 1.0), width: 1.0, dash: Dash::Solid }),
        });
    }

    let flow_edges: &[usize] = emphasis.flow.and_then(|s| after.flows.get(s)).map_or(&[], |v| v.as_slice());
    // Edges: dimmed ones first so emphasised ones draw on top.
    let mut order: Vec<usize> = (0..layout.edges.len()).collect();
    let lifted = |e: usize| emphasis.edges.contains(&e) || flow_edges.contains(&e);
    order.sort_by_key(|&e| lifted(e));
    for &e in &order {
        let edge = &layout.edges[e];
        let alpha = mix(before.edges[e].is_some() as u8 as f64, after.edges[e].is_some() as u8 as f64);
        let Some(use_) = after.edges[e].as_ref().or(before.edges[e].as_ref()) else { continue };
        if alpha <= 0.0 {
            continue;
        }
        let alpha = if focusing && !lifted(e) { alpha * 0.35 } else { alpha };
        shapes.extend(edge_line(&edge.path, use_, alpha, lifted(e)));
    }

    node_shapes(
        layout,
        &mut shapes,
        |slot| mix(before.nodes[slot] as u8 as f64, after.nodes[slot] as u8 as f64),
        emphasis,
    );

    for &e in &order {
        let alpha = mix(before.edges[e].is_some() as u8 as f64, after.edges[e].is_some() as u8 as f64);
        let Some(use_) = after.edges[e].as_ref().or(before.edges[e].as_ref()) else { continue };
        if alpha <= 0.0 {
            continue;
        }
        shapes.extend(edge_label(layout, e, use_, alpha, focusing && !lifted(e)));
    }

    for zone in &layout.zones {
        shapes.push(Shape::Rect {
            rect: zone.label_rect,
            fill: Some(Paint::new(Ink::Zone(zone.zone), 1.0)),
            stroke: None,
        });
        let at = Point::new(zone.label_rect.x + 4.0, zone.label_rect.center().y);
        let paint = Paint::new(Ink::Text, 1.0);
        shapes.push(Shape::Text {
            at,
            text: zone.label.clone(),
            size: ZONE_FONT,
            paint,
            anchor: Anchor::Start,
            bold: true,
        });
    }

    // The current flow's number at the start of each of its hops.
    if let Some(flow) = emphasis.flow {
        for &e in flow_edges {
            let at = point_along(&layout.edges[e].path, 10.0);
            shapes.extend(badge(at, flow + 1, Ink::Flow(after.edges[e].as_ref().map_or(Kind::Internal, |u| u.kind))));
        }
        shapes.extend(stop_mark(layout, after, flow));
    }
    shapes
}

/// Where the reader's rules stop flow `flow`: a ✕ in the blocked ink halfway along the blocked
/// hop, where its packet waits (nothing when they do not stop it).
pub fn stop_mark(layout: &Layout, traffic: &Traffic, flow: usize) -> Vec<Shape> {
    let edges = traffic.flows.get(flow).map_or(&[][..], Vec::as_slice);
    let Some(&e) = traffic.stops.get(flow).copied().flatten().and_then(|s| edges.get(s)) else { return Vec::new() };
    let Some(edge) = layout.edges.get(e) else { return Vec::new() };
    let at = point_along(&edge.path, length(&edge.path) / 2.0);
    vec![
        Shape::Circle {
            center: at,
            radius: 9.0,
            fill: Paint::new(Ink::Blocked, 1.0),
            stroke: Some(Stroke { paint: Paint::new(Ink::Background, 1.0), width: 1.5, dash: Dash::Solid }),
        },
        Shape::Text {
            at,
            text: "✕".into(),
            size: SMALL_FONT,
            paint: Paint::new(Ink::PacketText, 1.0),
            anchor: Anchor::Middle,
            bold: true,
        },
    ]
}

/// Nodes: all boxes, then all label lines, then all captions. Nodes never overlap, so the
/// order among them is free, and grouping the texts by font spares the canvas a font change
/// per line. `shown(slot)` runs from 0 (unused) to 1 (used).
fn node_shapes(layout: &Layout, shapes: &mut Vec<Shape>, shown: impl Fn(usize) -> f64, emphasis: &Emphasis) {
    let focusing = !emphasis.edges.is_empty() || !emphasis.nodes.is_empty();
    let mut labels = Vec::new();
    let mut captions = Vec::new();
    for (slot, node) in layout.nodes.iter().enumerate() {
        let on = shown(slot);
        let alpha = GHOST + (1.0 - GHOST) * on;
        let alpha = if focusing && !emphasis.nodes.contains(&slot) { alpha.min(0.55) } else { alpha };
        let emphasised = emphasis.nodes.contains(&slot);
        shapes.push(Shape::Rect {
            rect: node.rect,
            fill: Some(Paint::new(Ink::NodeFill, 1.0)),
            stroke: Some(Stroke {
                paint: Paint::new(if emphasised { Ink::Focus } else { Ink::NodeStroke }, alpha),
                width: if emphasised { 2.5 } else { 1.2 },
                dash: if on < 0.5 { Dash::Dashed } else { Dash::Solid },
            }),
        });
        let lines = node.lines.len() as f64 + node.caption.is_some() as u8 as f64;
        let line_h = NODE_FONT + 2.0;
        let mut y = node.rect.center().y - (lines - 1.0) * line_h / 2.0;
        // Text stays fully opaque so it keeps its contrast; unused nodes use the muted ink.
        let text = Paint::new(if on < 0.5 { Ink::Muted } else { Ink::Text }, 1.0);
        for line in &node.lines {
            let at = Point::new(node.rect.center().x, y);
            labels.push(Shape::Text {
                at,
                text: line.clone(),
                size: NODE_FONT,
                paint: text,
                anchor: Anchor::Middle,
                bold: true,
            });
            y += line_h;
        }
        if let Some(caption) = &node.caption {
            let at = Point::new(node.rect.center().x, y);
            let paint = Paint::new(Ink::Muted, alpha.max(0.75));
            captions.push(Shape::Text {
                at,
                text: caption.clone(),
                size: SMALL_FONT,
                paint,
                anchor: Anchor::Middle,
                bold: false,
            });
        }
    }
    shapes.append(&mut labels);
    shapes.append(&mut captions);
}

/// The current flow drawn over a static layer made without it: its edges thick with their
/// arrowheads and labels, and its numbers. Drawn over `diagram(.., flow: None ..)` it shows
/// what `diagram(.., flow: Some(flow) ..)` shows (the flow's lines also pass over the node boxes'
/// borders they touch), so the player can move on without redrawing everything else.
pub fn highlight(layout: &Layout, traffic: &Traffic, flow: usize) -> Vec<Shape> {
    let Some(edges) = traffic.flows.get(flow) else { return Vec::new() };
    let mut shapes = Vec::with_capacity(edges.len() * 6);
    let used = |e: usize| traffic.edges.get(e).and_then(Option::as_ref).filter(|_| e < layout.edges.len());
    for &e in edges {
        let Some(use_) = used(e) else { continue };
        shapes.extend(edge_line(&layout.edges[e].path, use_, 1.0, true));
    }
    for &e in edges {
        let Some(use_) = used(e) else { continue };
        shapes.extend(edge_label(layout, e, use_, 1.0, false));
    }
    for &e in edges {
        let Some(use_) = used(e) else { continue };
        shapes.extend(badge(point_along(&layout.edges[e].path, 10.0), flow + 1, Ink::Flow(use_.kind)));
    }
    shapes.extend(stop_mark(layout, traffic, flow));
    shapes
}

/// An edge's line and arrowhead; a lifted edge (emphasised or of the current flow) is thicker.
fn edge_line(path: &[Point], use_: &EdgeUse, alpha: f64, lifted: bool) -> [Shape; 2] {
    let width = match (lifted, use_.blocked()) {
        (true, _) => 3.0,
        (false, true) => 2.6,
        (false, false) => 1.6,
    };
    let paint = Paint::new(use_.ink(), alpha);
    [
        Shape::Path { points: path.to_vec(), stroke: Stroke { paint, width, dash: use_.dash() } },
        Shape::Polygon { points: arrowhead(path, if lifted { 9.0 } else { 7.0 }), fill: paint },
    ]
}

/// An edge's label in its box. Fading labels fade as a whole; a dimmed label keeps its text
/// readable.
fn edge_label(layout: &Layout, e: usize, use_: &EdgeUse, alpha: f64, dimmed: bool) -> [Shape; 2] {
    let rect = edge_label_rect(layout, e, &use_.label);
    let stroke = Stroke {
        paint: Paint::new(use_.ink(), if dimmed { alpha * 0.35 } else { alpha }),
        width: if use_.mark == Mark::Open { 1.0 } else { 2.0 },
        dash: Dash::Solid,
    };
    [
        Shape::Rect { rect, fill: Some(Paint::new(Ink::Background, alpha.max(0.6))), stroke: Some(stroke) },
        Shape::Text {
            at: rect.center(),
            text: use_.label.clone(),
            size: SMALL_FONT,
            paint: Paint::new(if dimmed { Ink::Muted } else { Ink::Text }, alpha),
            anchor: Anchor::Middle,
            bold: false,
        },
    ]
}

/// Where an edge's label box sits for a given label text.
pub fn edge_label_rect(layout: &Layout, edge: usize, label: &str) -> Rect {
    let rect = Rect::centered(layout.edges[edge].label_at, edge_label_width(label), EDGE_LABEL_HEIGHT);
    let x = rect.x.clamp(0.0, (layout.width - rect.w).max(0.0));
    Rect::new(x, rect.y, rect.w, rect.h)
}

/// A filled triangle at the end of `path`, pointing along its last segment.
fn arrowhead(path: &[Point], size: f64) -> Vec<Point> {
    let n = path.len();
    if n < 2 {
        return Vec::new();
    }
    let (a, b) = (path[n - 2], path[n - 1]);
    let d = a.distance(b).max(1e-9);
    let (ux, uy) = ((b.x - a.x) / d, (b.y - a.y) / d);
    let base = Point::new(b.x - ux * size, b.y - uy * size);
    let half = size * 0.5;
    vec![b, Point::new(base.x - uy * half, base.y + ux * half), Point::new(base.x + uy * half, base.y - ux * half)]
}

/// A numbered disc.
fn badge(at: Point, number: usize, ink: Ink) -> [Shape; 2] {
    let text = number.to_string();
    let radius = (text_width(&text, SMALL_FONT) / 2.0 + 4.0).max(8.0);
    [
        Shape::Circle {
            center: at,
            radius,
            fill: Paint::new(ink, 1.0),
            stroke: Some(Stroke { paint: Paint::new(Ink::Background, 1.0), width: 1.5, dash: Dash::Solid }),
        },
        Shape::Text {
            at,
            text,
            size: SMALL_FONT,
            paint: Paint::new(Ink::PacketText, 1.0),
            anchor: Anchor::Middle,
            bold: true,
        },
    ]
}

/// How long one flow's packet takes at 1× speed, in seconds.
pub const SECONDS_PER_FLOW: f64 = 2.4;

/// Moves the player on by `seconds` at `speed`: returns the new flow and its progress (0 to 1).
/// Past the last flow it starts again from the first.
pub fn advance(flow: usize, progress: f64, seconds: f64, speed: f64, count: usize) -> (usize, f64) {
    if count == 0 {
        return (0, 0.0);
    }
    let total = progress + seconds.max(0.0) * speed / SECONDS_PER_FLOW;
    let whole = total.floor();
    ((flow + whole as usize) % count, total - whole)
}

/// Where flow `flow`'s packet is when it is `progress` (0 to 1) of the way along its hops.
/// Returns the point and the layout edge it is on.
/// A packet that the reader's rules block stops halfway along the blocked hop.
pub fn packet_position(layout: &Layout, traffic: &Traffic, flow: usize, progress: f64) -> Option<(Point, usize)> {
    let edges = traffic.flows.get(flow)?;
    let total: f64 = edges.iter().map(|&e| length(&layout.edges[e].path)).sum();
    let mut left = progress.clamp(0.0, 1.0) * total;
    let stop = traffic.stops.get(flow).copied().flatten().filter(|&s| s < edges.len());
    if let Some(stop) = stop {
        let before: f64 = edges[..stop].iter().map(|&e| length(&layout.edges[e].path)).sum();
        left = left.min(before + length(&layout.edges[edges[stop]].path) / 2.0);
    }
    for (i, &e) in edges.iter().enumerate() {
        let len = length(&layout.edges[e].path);
        if left <= len || i + 1 == edges.len() {
            return Some((point_along(&layout.edges[e].path, left), e));
        }
        left -= len;
    }
    None
}

/// Where the current flow's packet is, and the kind of traffic it is on.
pub fn packet_at(layout: &Layout, traffic: &Traffic, flow: usize, progress: f64) -> Option<(Point, Kind)> {
    let (at, e) = packet_position(layout, traffic, flow, progress)?;
    Some((at, traffic.edges[e].as_ref().map_or(Kind::Internal, |u| u.kind)))
}

/// The packet of flow `number` (1-based) on `kind` traffic, centred on `at`.
pub fn packet_badge(number: usize, kind: Kind, at: Point) -> [Shape; 2] {
    badge(at, number, Ink::Flow(kind))
}

/// How tall a band of a tall diagram is, in CSS pixels.
pub const BAND_HEIGHT: f64 = 600.0;

/// A diagram taller than this is painted a band at a time.
pub const TALL: f64 = 2500.0;

/// A band of a diagram: its top and bottom, in CSS pixels.
pub type Band = (f64, f64);

/// The bands (top and bottom, in CSS pixels) of a diagram `height` tall, and which of them to
/// paint at once: those that meet `visible` (the part on screen), or the nearest if none does.
/// The others follow, nearest to the screen first.
pub fn bands(height: f64, visible: (f64, f64)) -> (Vec<Band>, Vec<Band>) {
    let count = (height / BAND_HEIGHT).ceil().max(1.0) as usize;
    let all: Vec<Band> =
        (0..count).map(|i| (i as f64 * BAND_HEIGHT, ((i + 1) as f64 * BAND_HEIGHT).min(height))).collect();
    let (lo, hi) = visible;
    let (mut now, mut later): (Vec<_>, Vec<_>) = all.into_iter().partition(|&(top, bottom)| top < hi && bottom > lo);
    let distance = |&(top, bottom): &Band| if bottom <= lo { lo - bottom } else { (top - hi).max(0.0) };
    later.sort_by(|a, b| distance(a).total_cmp(&distance(b)));
    if now.is_empty() && !later.is_empty() {
        now.push(later.remove(0));
    }
    (now, later)
}
