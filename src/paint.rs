//! Painting: draws a scene's [`Shape`]s through plotters, on any backend.
//!
//! The same [`paint`] call draws on the browser's canvas (plotters-canvas) and into an SVG
//! string (plotters' SVG backend, used by the tests and static exports), so both show the same
//! picture. [`Palette`] gives each [`Ink`] its colour; the widget resolves one from its theme's
//! CSS (see [`crate::theme`]), so the canvas follows light, dark and high-contrast styles.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::Zone;
use crate::scene::geom::Point;
use crate::scene::{Anchor, Dash, Ink, Kind, Paint, Shape, Stroke};

/// A colour as red, green and blue.
pub type Rgb = (u8, u8, u8);

/// Colours for every ink, as RGB.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    pub text: Rgb,
    pub muted: Rgb,
    pub background: Rgb,
    pub zones: [Rgb; 5],
    pub zone_stroke: Rgb,
    pub node_fill: Rgb,
    pub node_stroke: Rgb,
    /// Inbound, outbound, private, internal.
    pub flows: [Rgb; 4],
    pub focus: Rgb,
    pub blocked: Rgb,
    pub unresolved: Rgb,
    pub packet_text: Rgb,
}

impl Palette {
    /// The light theme: what the stylesheet sets by default, and what exports are drawn in.
    pub const LIGHT: Palette = Palette {
        text: (0x1b, 0x1f, 0x24),
        muted: (0x57, 0x60, 0x6a),
        background: (0xff, 0xff, 0xff),
        zones: [(0xf3, 0xf0, 0xfa), (0xea, 0xf3, 0xea), (0xe8, 0xf1, 0xfb), (0xf6, 0xf1, 0xe7), (0xf2, 0xf2, 0xf2)],
        zone_stroke: (0x8c, 0x95, 0x9f),
        node_fill: (0xff, 0xff, 0xff),
        node_stroke: (0x57, 0x60, 0x6a),
        flows: [(0xb5, 0x42, 0x0e), (0x0b, 0x5c, 0xad), (0x1a, 0x7f, 0x37), (0x6e, 0x77, 0x81)],
        focus: (0x82, 0x50, 0xdf),
        blocked: (0xa4, 0x0e, 0x26),
        unresolved: (0x8a, 0x4b, 0x00),
        packet_text: (0xff, 0xff, 0xff),
    };

    /// The colour of `ink`.
    pub fn rgb(&self, ink: Ink) -> Rgb {
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
            Ink::Unresolved => self.unresolved,
            Ink::PacketText => self.packet_text,
        }
    }

    fn color(&self, paint: Paint) -> RGBAColor {
        let (r, g, b) = self.rgb(paint.ink);
        RGBAColor(r, g, b, paint.alpha)
    }
}

/// `#rrggbb` text for a colour.
pub fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
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
