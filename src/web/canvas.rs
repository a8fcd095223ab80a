//! The canvas as a plotters backend that spends less per shape: plotters-canvas sets every
//! style again for every shape (a colour string formatted and parsed, a font parsed per text),
//! which made redrawing a diagram cost milliseconds in style setters alone.
//!
//! [`Canvas`] wraps plotters-canvas's `CanvasBackend`, which still draws circles and bitmaps,
//! and draws paths, rectangles, polygons and text itself: styles are set only when they change,
//! and consecutive strokes in one style become one path, stroked once (a dashed line is one
//! stroke instead of one per dash). [`Canvas::finish`] strokes the open path; dropping does too.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A colour as the canvas wants it, and what it was made from.
type Colour = ((u8, u8, u8), u64);

/// What went wrong on the canvas, as plotters reports it.
#[derive(Debug)]
pub struct CanvasError(String);

impl std::fmt::Display for CanvasError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "canvas: {}", self.0)
    }
}

impl std::error::Error for CanvasError {}

/// plotters-canvas's errors as ours.
fn cast<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<CanvasError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(CanvasError(e.to_string())),
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

/// The styles a canvas context holds, as last set through a [`Canvas`].
#[derive(Default)]
pub struct State {
    fill: Option<Colour>,
    stroke: Option<(Colour, u32)>,
    font: String,
    anchor: Option<(&'static str, &'static str)>,
}

pub struct Canvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    state: State,
    /// Strokes are open in the current path, waiting for one `stroke()`.
    open_path: bool,
}

fn key(colour: BackendColor) -> Colour {
    (colour.rgb, colour.alpha.to_bits())
}

fn css(colour: BackendColor) -> String {
    let (r, g, b) = colour.rgb;
    format!("rgba({r},{g},{b},{})", colour.alpha)
}

impl Canvas {
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Canvas> {
        let context = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        Some(Canvas { inner, context, state: Default::default(), open_path: false })
    }

    /// Strokes the open path, if any.
    pub fn finish(&mut self) {
        if self.open_path {
            self.context.stroke();
            self.open_path = false;
        }
    }

    fn set_fill(&mut self, colour: BackendColor) {
        if self.state.fill != Some(key(colour)) {
            self.context.set_fill_style_str(&css(colour));
            self.state.fill = Some(key(colour));
        }
    }

    /// Starts or continues a path in `style`: a change of style strokes what came before.
    fn stroke_with(&mut self, style: &impl BackendStyle) {
        let wanted = (key(style.color()), style.stroke_width());
        if self.state.stroke != Some(wanted) {
            self.finish();
            self.context.set_stroke_style_str(&css(style.color()));
            self.context.set_line_width(f64::from(wanted.1));
            self.state.stroke = Some(wanted);
        }
        if !self.open_path {
            self.context.begin_path();
            self.open_path = true;
        }
    }

    /// Adds a polyline to the current path.
    fn trace(&self, points: impl IntoIterator<Item = BackendCoord>) {
        for (i, (x, y)) in points.into_iter().enumerate() {
            if i == 0 {
                self.context.move_to(f64::from(x), f64::from(y));
            } else {
                self.context.line_to(f64::from(x), f64::from(y));
            }
        }
    }

    /// Lets plotters-canvas draw, after which the styles it set are unknown.
    fn delegate<T>(&mut self, draw: impl FnOnce(&mut CanvasBackend) -> T) -> T {
        self.finish();
        let out = draw(&mut self.inner);
        self.state.fill = None;
        self.state.stroke = None;
        out
    }
}

impl Drop for Canvas {
    fn drop(&mut self) {
        self.finish();
    }
}

impl DrawingBackend for Canvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.finish();
        Ok(())
    }

    fn draw_pixel(&mut self, point: BackendCoord, colour: BackendColor) -> Result<(), DrawingErrorKind<CanvasError>> {
        if colour.alpha == 0.0 {
            return Ok(());
        }
        self.finish();
        self.set_fill(colour);
        self.context.fill_rect(f64::from(point.0), f64::from(point.1), 1.0, 1.0);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = (f64::from(upper_left.0), f64::from(upper_left.1));
        let (w, h) = (f64::from(bottom_right.0 - upper_left.0), f64::from(bottom_right.1 - upper_left.1));
        if fill {
            self.finish();
            self.set_fill(style.color());
            self.context.fill_rect(x, y, w, h);
        } else {
            self.stroke_with(style);
            self.context.rect(x, y, w, h);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut points = path.into_iter().peekable();
        if points.peek().is_some() {
            self.stroke_with(style);
            self.trace(points);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        self.finish();
        let mut points = path.into_iter().peekable();
        if points.peek().is_some() {
            self.set_fill(style.color());
            self.context.begin_path();
            self.trace(points);
            self.context.close_path();
            self.context.fill();
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.delegate(|inner| inner.draw_circle(center, radius, style, fill)).map_err(cast)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        self.finish();
        let anchor = style.anchor();
        let wanted = (
            match anchor.h_pos {
                HPos::Left => "start",
                HPos::Right => "end",
                HPos::Center => "center",
            },
            match anchor.v_pos {
                VPos::Top => "top",
                VPos::Center => "middle",
                VPos::Bottom => "bottom",
            },
        );
        if self.state.anchor != Some(wanted) {
            self.context.set_text_align(wanted.0);
            self.context.set_text_baseline(wanted.1);
            self.state.anchor = Some(wanted);
        }
        self.set_fill(colour);
        let font = format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str());
        if font != self.state.font {
            self.context.set_font(&font);
            self.state.font = font;
        }
        self.context.fill_text(text, f64::from(pos.0), f64::from(pos.1)).map_err(|e| {
            DrawingErrorKind::DrawingError(CanvasError(e.as_string().unwrap_or_else(|| "fillText failed".into())))
        })
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        self.inner.estimate_text_size(text, style).map_err(cast)
    }
}
