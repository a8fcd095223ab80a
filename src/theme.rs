//! The widget's colours as CSS custom properties: which property sets each colour of the
//! canvas, and how a browser's computed colour text becomes a [`Palette`].
//!
//! The stylesheet (`www/vnet-flows.css`) sets the properties per theme; the web layer reads
//! them and hands [`palette`] what it found. Painting only ever sees the resolved palette.

use crate::paint::{Palette, Rgb};

/// Where a property's colour goes in a palette.
type Slot = fn(&mut Palette) -> &mut Rgb;

/// Each CSS custom property the canvas reads, and the palette colour it sets.
pub const PROPERTIES: [(&str, Slot); 18] = [
    ("--vf-text", |p| &mut p.text),
    ("--vf-muted", |p| &mut p.muted),
    ("--vf-bg", |p| &mut p.background),
    ("--vf-zone-client", |p| &mut p.zones[0]),
    ("--vf-zone-vnet", |p| &mut p.zones[1]),
    ("--vf-zone-azure", |p| &mut p.zones[2]),
    ("--vf-zone-managed", |p| &mut p.zones[3]),
    ("--vf-zone-internet", |p| &mut p.zones[4]),
    ("--vf-zone-stroke", |p| &mut p.zone_stroke),
    ("--vf-node-fill", |p| &mut p.node_fill),
    ("--vf-node-stroke", |p| &mut p.node_stroke),
    ("--vf-inbound", |p| &mut p.flows[0]),
    ("--vf-outbound", |p| &mut p.flows[1]),
    ("--vf-private", |p| &mut p.flows[2]),
    ("--vf-internal", |p| &mut p.flows[3]),
    ("--vf-focus", |p| &mut p.focus),
    ("--vf-blocked", |p| &mut p.blocked),
    ("--vf-unresolved", |p| &mut p.unresolved),
];

/// The palette that `lookup(property)` describes; a property that is missing or unreadable
/// keeps the light theme's colour. Packet numbers are written in the node fill colour.
pub fn palette(lookup: impl Fn(&str) -> Option<String>) -> Palette {
    let mut palette = Palette::LIGHT;
    for (name, slot) in PROPERTIES {
        if let Some(colour) = lookup(name).and_then(|v| parse_colour(&v)) {
            *slot(&mut palette) = colour;
        }
    }
    palette.packet_text = palette.node_fill;
    palette
}

/// Parses a colour as `#rgb`, `#rrggbb`, or as browsers report computed colours:
/// `rgb(r, g, b)`, `rgba(r, g, b, a)` or `rgb(r g b / a)` (the alpha is ignored).
pub fn parse_colour(text: &str) -> Option<Rgb> {
    let text = text.trim();
    if text.starts_with('#') {
        return parse_hex(text);
    }
    let inner = text.strip_prefix("rgba(").or_else(|| text.strip_prefix("rgb("))?.strip_suffix(')')?;
    let mut parts = inner.split(|c: char| c == ',' || c == '/' || c.is_whitespace()).filter(|p| !p.is_empty());
    let mut channel = || -> Option<u8> {
        let value: f64 = parts.next()?.parse().ok()?;
        (0.0..=255.0).contains(&value).then(|| value.round() as u8)
    };
    Some((channel()?, channel()?, channel()?))
}

/// Parses `#rgb` or `#rrggbb`, ignoring surrounding spaces.
pub fn parse_hex(text: &str) -> Option<Rgb> {
    let hex = text.trim().strip_prefix('#')?;
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    match hex.len() {
        3 => Some((digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        6 => {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            Some((byte(0)?, byte(2)?, byte(4)?))
        }
        _ => None,
    }
}
