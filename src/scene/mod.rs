//! The diagram as data: layout, frames and hit testing, with no drawing and no web.
//!
//! [`layout`] places a scenario's zones, nodes and edges for a width; [`Traffic`] says what one
//! configuration uses; [`diagram`], [`highlight`] and [`packet_badge`] turn those into [`Shape`]s that
//! [`crate::paint`] draws; [`hit`] finds what is under a pointer. Everything is a pure
//! function of its arguments, so the browser, the SVG export and the tests see the same picture.
//!
//! Units are CSS pixels, the origin is the top-left corner and y grows downwards.

mod damage;
mod frame;
pub mod geom;
mod group;
mod hit;
mod layout;

pub use damage::damage;
pub use frame::{
    Anchor, BAND_HEIGHT, Band, Dash, EdgeUse, Emphasis, Ink, Mark, Marks, Paint, SECONDS_PER_FLOW, Shape, Stroke, TALL,
    Traffic, advance, bands, diagram, edge_label_rect, highlight, packet_at, packet_badge, packet_position,
};
pub use group::{Group, Groups, Kind, hop_ports, ports_label};
pub use hit::{Hit, TOLERANCE, hit};
pub use layout::{EDGE_LABEL_HEIGHT, Edge, Layout, Layouts, NODE_FONT, NODE_HEIGHT, NodeBox, Reach, ZoneBox, layout};

/// One sentence that names what the diagram shows: its accessible name on the canvas and in
/// the SVG export.
pub fn summary(scenario: &crate::model::Scenario, traffic: &Traffic) -> String {
    format!(
        "Diagram of {}: {} steps of traffic between {} places. The numbered list of steps describes each one.",
        scenario.title,
        traffic.flows.len(),
        traffic.nodes.iter().filter(|&&n| n).count()
    )
}
