//! Painting: draws a scene's [`Shape`]s through plotters, on any backend.
//!
//! The same [`paint`] call draws on the browser's canvas (plotters-canvas) and into an SVG
//! string (plotters' SVG backend, used by the tests and static exports), so both show the same
//! picture. [`Palette`] gives each [`Ink`] its colour; the widget builds it from the CSS custom
//! properties of its theme, so the canvas follows light, dark and high-contrast styles.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::Zone;
use crate::scene::geom::Point;
use crate::scene::{Anchor, Dash, Ink, Kind, Paint, Shape, Stroke};

/// Colours for every ink, as RGB.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub text: (u8, u8, u8),
    pub muted: (u8, u8, u8),
    pub background: (u8, u8, u8),
    pub zones: [(u8, u8, u8); 5],
    pub zone_stroke: (u8, u8, u8),
    pub node_fill: (u8, u8, u8),
    pub node_stroke: (u8, u8, u8),
    /// Inbound, outbound, private, internal.
    pub flows: [(u8, u8, u8); 4],
    pub focus: (u8, u8, u8),
    pub blocked: (u8, u8, u8),
    pub packet_text: (u8, u8, u8),
}

/// The CSS custom property that sets each colour, with its light-theme default.
pub const PROPERTIES: [(&str, &str); 17] = [
    ("--vf-text", "#1b1f24"),
    ("--vf-muted", "#57606a"),
    ("--vf-bg", "#ffffff"),
    ("--vf-zone-client", "#f3f0fa"),
    ("--vf-zone-vnet", "#eaf3ea"),
    ("--vf-zone-azure", "#e8f1fb"),
    ("--vf-zone-managed", "#f6f1e7"),
    ("--vf-zone-internet", "#f2f2f2"),
    ("--vf-zone-stroke", "#8c959f"),
    ("--vf-node-fill", "#ffffff"),
    ("--vf-node-stroke", "#57606a"),
    ("--vf-inbound", "#b5420e"),
    ("--vf-outbound", "#0b5cad"),
    ("--vf-private", "#1a7f37"),
    ("--vf-internal", "#6e7781"),
    ("--vf-focus", "#8250df"),
    ("--vf-blocked", "#a40e26"),
];

impl Default for Palette {
    fn default() -> Palette {
        Palette::from_properties(|_| None)
    }
}

impl Palette {
    /// Builds a palette from `lookup(property)`; missing or unreadable values fall back to the
    /// light theme's colour.
    pub fn from_properties(lookup: impl Fn(&str) -> Option<String>) -> Palette {
        let colour = |i: usize| {
            let (name, default) = PROPERTIES[i];
            lookup(name).and_then(|v| parse_colour(&v)).or_else(|| parse_hex(default)).unwrap_or((0, 0, 0))
        };
        Palette {
            text: colour(0),
            muted: colour(1),
            background: colour(2),
            zones: [colour(3), colour(4), colour(5), colour(6), colour(7)],
            zone_stroke: colour(8),
            node_fill: colour(9),
            node_stroke: colour(10),
            flows: [colour(11), colour(12), colour(13), colour(14)],
            focus: colour(15),
            blocked: colour(16),
            packet_text: colour(9),
        }
    }

    fn rgb(&self, ink: Ink) -> (u8, u8, u8) {
        match ink {
            Ink::Text => self.text,
            Ink::Muted => self.muted,
            Ink::Background => self.background,
            Ink::Zone(z) => self.zones[Zone::ALL.iter().position(|&x| x == z).unwrap_or(0)],
            Ink::ZoneStroke => self.zone_stroke,
            Ink::NodeFill => self.node_fill,
            Ink::NodeStroke => self.node_stroke,
            Ink::Flow(k) => self.flows[Kind::ALL.iter().position(|&x| x == k).unwrap_or(0)],
            Ink::Focus => self.focus,
            Ink::Blocked => self.blocked,
            Ink::PacketText => self.packet_text,
        }
    }

    fn color(&self, paint: Paint) -> RGBAColor {
        let (r, g, b) = self.rgb(paint.ink);
        RGBAColor(r, g, b, paint.alpha)
    }
}

/// Parses a colour as `#rgb`, `#rrggbb`, or as browsers report computed colours:
/// `rgb(r, g, b)`, `rgba(r, g, b, a)` or `rgb(r g b / a)` (the alpha is ignored).
pub fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
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
pub fn parse_hex(text: &str) -> Option<(u8, u8, u8)> {
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

/// Paints `shapes` into a standalone SVG document of `width` × `height` CSS pixels that scales
/// to its container, with `title` as its accessible name. This is the picture the widget draws
/// on its canvas, for pages and readers without JavaScript.
pub fn svg(shapes: &[Shape], palette: &Palette, width: f64, height: f64, title: &str) -> String {
    let (w, h) = (width.ceil().max(1.0) as u32, height.ceil().max(1.0) as u32);
    let mut text = String::new();
    {
        let backend = SVGBackend::with_string(&mut text, (w, h));
        let area = backend.into_drawing_area();
        let background = palette.background;
        // Painting into a String cannot fail; a shape that did would only be missing.
        let _ = area.fill(&RGBColor(background.0, background.1, background.2));
        let _ = paint(&area, shapes, palette, 1.0);
        let _ = area.present();
    }
    let title = crate::export::escape_html(title);
    match text.find("<svg ").zip(text.find('>')) {
        Some((start, end)) if start < end => format!(
            "{}<svg role=\"img\" aria-label=\"{title}\" {}><title>{title}</title>{}",
            &text[..start],
            &text[start + 5..end],
            &text[end + 1..]
        ),
        _ => text,
    }
}

/// Draws `shapes` on `area`, multiplying every coordinate by `scale` (the device pixel ratio,
/// so the canvas stays crisp).
pub fn paint<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shapes: &[Shape],
    palette: &Palette,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let at = |p: Point| ((p.x * scale).round() as i32, (p.y * scale).round() as i32);
    let stroke_style = |s: &Stroke| palette.color(s.paint).stroke_width(((s.width * scale).round() as u32).max(1));
    for shape in shapes {
        match shape {
            Shape::Rect { rect, fill, stroke } => {
                let corners = [at(Point::new(rect.x, rect.y)), at(Point::new(rect.right(), rect.bottom()))];
                if let Some(fill) = fill {
                    area.draw(&Rectangle::new(corners, palette.color(*fill).filled()))?;
                }
                if let Some(stroke) = stroke {
                    let (a, b) = (Point::new(rect.x, rect.y), Point::new(rect.right(), rect.bottom()));
                    let outline = [a, Point::new(b.x, a.y), b, Point::new(a.x, b.y), a];
                    line(area, &outline, stroke, &stroke_style, &at)?;
                }
            }
            Shape::Path { points, stroke } => line(area, points, stroke, &stroke_style, &at)?,
            Shape::Polygon { points, fill } => {
                let points: Vec<(i32, i32)> = points.iter().map(|&p| at(p)).collect();
                area.draw(&Polygon::new(points, palette.color(*fill).filled()))?;
            }
            Shape::Circle { center, radius, fill, stroke } => {
                let r = (radius * scale).round() as i32;
                area.draw(&Circle::new(at(*center), r, palette.color(*fill).filled()))?;
                if let Some(stroke) = stroke {
                    area.draw(&Circle::new(at(*center), r, stroke_style(stroke)))?;
                }
            }
            Shape::Text { at: p, text, size, paint, anchor, bold } => {
                let style = if *bold { FontStyle::Bold } else { FontStyle::Normal };
                let font = FontDesc::new(FontFamily::SansSerif, size * scale, style);
                let h = match anchor {
                    Anchor::Start => HPos::Left,
                    Anchor::Middle => HPos::Center,
                };
                let colour = palette.color(*paint);
                let text_style = TextStyle::from(font).color(&colour).pos(Pos::new(h, VPos::Center));
                area.draw(&Text::new(text.as_str(), at(*p), text_style))?;
            }
        }
    }
    Ok(())
}

/// A polyline, solid or cut into dashes of the stroke's pattern.
fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[Point],
    stroke: &Stroke,
    style: &impl Fn(&Stroke) -> ShapeStyle,
    at: &impl Fn(Point) -> (i32, i32),
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let pattern = match stroke.dash {
        Dash::Solid => None,
        Dash::Dashed => Some(&[7.0, 4.0][..]),
        Dash::Dotted => Some(&[2.0, 3.5][..]),
        Dash::DashDot => Some(&[9.0, 3.0, 2.0, 3.0][..]),
    };
    let Some(pattern) = pattern else {
        return area.draw(&PathElement::new(points.iter().map(|&p| at(p)).collect::<Vec<_>>(), style(stroke)));
    };
    for (a, b) in dashes(points, pattern) {
        area.draw(&PathElement::new(vec![at(a), at(b)], style(stroke)))?;
    }
    Ok(())
}

/// Cuts a polyline into dashes following `pattern` (lengths alternately drawn and skipped); the
/// pattern runs on across corners.
pub fn dashes(points: &[Point], pattern: &[f64]) -> Vec<(Point, Point)> {
    let mut out = Vec::new();
    if pattern.is_empty() || pattern.iter().any(|&l| l <= 0.0) {
        return out;
    }
    let (mut index, mut left) = (0, pattern[0]); // current piece of the pattern, and what is left of it
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = a.distance(b);
        let mut t = 0.0;
        while t < len {
            let step = left.min(len - t);
            if index % 2 == 0 {
                out.push((a.lerp(b, t / len), a.lerp(b, (t + step) / len)));
            }
            t += step;
            left -= step;
            if left <= 1e-9 {
                index = (index + 1) % pattern.len();
                left = pattern[index];
            }
        }
    }
    out
}
