//! The diagram's renderer: the canvases, the animation loop's clock and what is on screen, behind
//! a small API the component calls (`attach`, `set_theme`, `set_motion`, `set_scene`,
//! `set_flow`, `paint`, and [`schedule`] for the loop). It holds no reader state of its own: the
//! flow on show, playing, speed and reduced motion arrive from the reducer through the component,
//! and the one thing it says back is the player moving on (an [`Action::Step`] by the player).
//!
//! The static layer, with the flow's highlight, is painted where a change or the next flow
//! makes it differ; the packet is a small canvas of its own that each frame moves with a CSS
//! transform.
//! The loop is one animation-frame callback, made once and asked for again each frame. It asks
//! for a frame only while something moves: playing, visible on screen and in a visible tab, or
//! while a configuration change fades flows in and out. Paused, hidden or scrolled away, it
//! asks for nothing.

use std::cell::RefCell;
use std::rc::Rc;

use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::Callback;

use super::super::canvas::Canvas;
use super::super::dom;
use crate::paint::{Palette, paint};
use crate::scene::geom::{Point, Rect};
use crate::scene::{
    Band, Emphasis, Kind, Layout, Shape, TALL, Traffic, advance, bands, damage, diagram, highlight, packet_at,
    packet_badge,
};
use crate::state::{Action, By, Move};

/// How long flows take to fade in or out after a change, in milliseconds.
const FADE_MS: f64 = 350.0;

/// What is on screen and what the loop needs between frames: a cache of what is drawn, never
/// the reader's state.
pub struct Renderer {
    layout: Rc<Layout>,
    before: Traffic,
    after: Traffic,
    fade_from: Option<f64>,
    emphasis: Emphasis,
    flow: usize,
    progress: f64,
    last: Option<f64>,
    playing: bool,
    speed: f64,
    reduced: bool,
    on_screen: bool,
    page_visible: bool,
    palette: Palette,
    /// The device pixel ratio the canvases were sized for.
    dpr: f64,
    base: Option<Surface>,
    packet: Option<Packet>,
    send: Callback<Action>,
    ticker: Ticker,
    /// Whether the first complete frame has been marked for performance measurements.
    marked: bool,
    /// What the base shows (when no fade is under way) and at what size: painting it again
    /// would change nothing.
    drawn: Option<(BaseShows, (u32, u32))>,
    /// What a tall diagram's base has still to paint: the bands away from the screen, painted
    /// when they come near it.
    bands_left: Option<Banded>,
    /// The shapes the base shows whole, and in what colours and at what size: a change, or
    /// the next flow's highlight, repaints only where they differ from the next
    /// (`scene::damage`).
    painted: Option<Painted>,
}

/// What the base shows, painted whole.
struct Painted {
    shapes: Vec<Shape>,
    palette: Palette,
    pixels: (u32, u32),
}

/// A canvas on the page and its context, fetched once.
struct Surface {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
}

impl Surface {
    fn new(canvas: HtmlCanvasElement) -> Option<Surface> {
        let context = context(&canvas)?;
        Some(Surface { canvas, context })
    }
}

/// The packet: its own small canvas over the diagram, painted once per flow and moved each
/// frame by a CSS transform. A frame then costs one style change, with nothing to clear or
/// paint, and the browser only moves a layer.
struct Packet {
    canvas: HtmlCanvasElement,
    style: web_sys::CssStyleDeclaration,
    /// Where the badge is painted first: text on a canvas outside the document does not wait
    /// for the page's styles.
    sprite: Option<HtmlCanvasElement>,
    /// The flow number and kind of traffic it shows, once painted.
    shows: Option<(usize, Kind)>,
    /// From the packet's centre to the canvas's top left corner, in CSS pixels.
    offset: Point,
    visible: bool,
    /// Where it was moved last, in hundredths of a CSS pixel.
    at: (i64, i64),
    /// The transform, written into the same buffer each frame.
    transform: String,
}

impl Packet {
    fn new(canvas: HtmlCanvasElement) -> Packet {
        let style = canvas.style();
        Packet {
            canvas,
            style,
            sprite: None,
            shows: None,
            offset: Point::new(0.0, 0.0),
            visible: true,
            at: (i64::MIN, i64::MIN),
            transform: String::new(),
        }
    }

    /// Paints the badge of flow `number` (1-based) on `kind` traffic.
    fn paint(&mut self, number: usize, kind: Kind, palette: &Palette, dpr: f64) {
        let centred = packet_badge(number, kind, Point::new(0.0, 0.0));
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for r in centred.iter().map(Shape::bounds) {
            (x0, y0, x1, y1) = (x0.min(r.x), y0.min(r.y), x1.max(r.x + r.w), y1.max(r.y + r.h));
        }
        let (w, h) = ((x1 - x0).ceil(), (y1 - y0).ceil());
        let (dw, dh) = ((w * dpr).ceil() as u32, (h * dpr).ceil() as u32);
        let Some(sprite) = self.sprite.take().or_else(detached) else { return };
        size(&sprite, dw, dh);
        paint_on(&sprite, &packet_badge(number, kind, Point::new(-x0, -y0)), palette, dpr);
        size(&self.canvas, dw, dh);
        dom::place(Some(&self.canvas), None, Some((w, h)));
        if let Some(context) = context(&self.canvas) {
            copy(&sprite, &Surface { canvas: self.canvas.clone(), context });
        }
        self.sprite = Some(sprite);
        self.shows = Some((number, kind));
        self.offset = Point::new(x0, y0);
    }

    fn show(&mut self, visible: bool) {
        if self.visible != visible {
            self.visible = visible;
            let _ = self.style.set_property("visibility", if visible { "visible" } else { "hidden" });
        }
    }

    /// Centres the packet on `at` (CSS pixels).
    fn move_to(&mut self, at: Point) {
        let to = (((at.x + self.offset.x) * 100.0).round() as i64, ((at.y + self.offset.y) * 100.0).round() as i64);
        if to == self.at {
            return;
        }
        self.at = to;
        self.transform.clear();
        self.transform.push_str("translate(");
        hundredths(&mut self.transform, to.0);
        self.transform.push_str("px,");
        hundredths(&mut self.transform, to.1);
        self.transform.push_str("px)");
        let _ = self.style.set_property("transform", &self.transform);
    }
}

/// Writes `value / 100` with two decimals.
fn hundredths(out: &mut String, value: i64) {
    use std::fmt::Write;
    let sign = if value < 0 { "-" } else { "" };
    let _ = write!(out, "{sign}{}.{:02}", value.abs() / 100, value.abs() % 100);
}

/// The animation-frame callback: one closure for the diagram's life, asked for again each
/// frame (a closure made per frame would be made and freed sixty times a second).
#[derive(Default)]
struct Ticker {
    callback: Option<Closure<dyn FnMut(f64)>>,
    /// The id of the frame asked for, until it runs.
    requested: Option<i32>,
}

impl Ticker {
    fn request(&mut self, make: impl FnOnce() -> Closure<dyn FnMut(f64)>) {
        if self.requested.is_some() {
            return;
        }
        let callback = self.callback.get_or_insert_with(make);
        if let Some(window) = web_sys::window() {
            self.requested = window.request_animation_frame(callback.as_ref().unchecked_ref()).ok();
        }
    }

    fn cancel(&mut self) {
        if let (Some(id), Some(window)) = (self.requested.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Shapes still to paint on a canvas, a band at a time.
struct Banded {
    shapes: Vec<Shape>,
    left: Vec<Band>,
}

/// What the base shows: everything but the current flow's highlight.
#[derive(Clone)]
struct BaseShows {
    layout: Rc<Layout>,
    traffic: Traffic,
    emphasis: Emphasis,
    palette: Palette,
}

impl PartialEq for BaseShows {
    fn eq(&self, other: &BaseShows) -> bool {
        Rc::ptr_eq(&self.layout, &other.layout)
            && self.traffic == other.traffic
            && self.emphasis == other.emphasis
            && self.palette == other.palette
    }
}

impl Renderer {
    fn fade(&self, now: f64) -> f64 {
        self.fade_from.map_or(1.0, |start| ((now - start) / FADE_MS).clamp(0.0, 1.0))
    }

    fn moving(&self) -> bool {
        self.playing && !self.reduced && !self.after.flows.is_empty()
    }

    fn wants_frames(&self) -> bool {
        self.on_screen && self.page_visible && (self.fade_from.is_some() || self.moving())
    }

    /// A renderer with nothing on screen yet; `send` hears the player moving on.
    pub fn new(send: Callback<Action>) -> Renderer {
        let layout = Rc::new(Layout::empty());
        Renderer {
            before: Traffic::empty(&layout),
            after: Traffic::empty(&layout),
            layout,
            fade_from: None,
            emphasis: Emphasis::default(),
            flow: 0,
            progress: 0.0,
            last: None,
            playing: false,
            speed: 1.0,
            reduced: true,
            on_screen: true,
            page_visible: true,
            palette: Palette::LIGHT,
            dpr: 1.0,
            base: None,
            packet: None,
            send,
            ticker: Ticker::default(),
            marked: false,
            drawn: None,
            bands_left: None,
            painted: None,
        }
    }

    /// Takes the page's canvases (again, when the component rendered new ones).
    pub fn attach(&mut self, base: Option<HtmlCanvasElement>, packet: Option<HtmlCanvasElement>) {
        if self.base.as_ref().map(|s| &s.canvas) != base.as_ref() {
            self.base = base.and_then(Surface::new);
            (self.drawn, self.painted) = (None, None);
        }
        if self.packet.as_ref().map(|p| &p.canvas) != packet.as_ref() {
            self.packet = packet.map(Packet::new);
        }
    }

    /// The theme's colours, resolved by the web layer.
    pub fn set_theme(&mut self, palette: Palette) {
        self.palette = palette;
    }

    /// Whether the player runs, how fast, and whether motion is reduced (then nothing fades).
    pub fn set_motion(&mut self, playing: bool, speed: f64, reduced: bool) {
        (self.playing, self.speed, self.reduced) = (playing, speed, reduced);
        if reduced {
            self.fade_from = None;
            self.before = self.after.clone();
        }
    }

    /// What to draw: a new layout replaces the picture; new traffic on the same layout fades in
    /// from what is on screen at `now`.
    pub fn set_scene(&mut self, layout: &Rc<Layout>, traffic: &Traffic, emphasis: &Emphasis, now: f64) {
        if !Rc::ptr_eq(&self.layout, layout) {
            self.layout = layout.clone();
            self.before = traffic.clone();
            self.after = traffic.clone();
            self.fade_from = None;
        } else if self.after != *traffic {
            self.before = if self.fade(now) < 0.5 { self.before.clone() } else { self.after.clone() };
            self.after = traffic.clone();
            self.fade_from = (!self.reduced).then_some(now);
        }
        if self.reduced {
            self.before = self.after.clone();
        }
        self.emphasis = emphasis.clone();
    }

    /// The flow on show; the packet starts at its beginning when it changes.
    pub fn set_flow(&mut self, flow: usize) {
        if self.flow != flow || self.after.flows.len() <= self.flow {
            self.flow = flow;
            self.progress = 0.0;
        }
    }

    /// Whether the diagram is on screen, and whether the page's tab is visible.
    pub fn set_visible(&mut self, on_screen: Option<bool>, page_visible: Option<bool>) {
        self.on_screen = on_screen.unwrap_or(self.on_screen);
        self.page_visible = page_visible.unwrap_or(self.page_visible);
    }

    /// Stops asking for frames (the component is going away).
    pub fn stop(&mut self) {
        self.ticker.cancel();
    }

    /// Sizes the canvases for the layout at the device pixel ratio, and paints what changed.
    pub fn paint(&mut self, now: f64) {
        let fade = self.fade(now);
        self.resize();
        self.draw_static(fade);
        self.draw_packets();
        if !self.marked {
            self.marked = true;
            dom::mark("vnet-flows-first-frame");
        }
    }

    fn resize(&mut self) {
        let dpr = dom::device_pixel_ratio();
        if dpr != self.dpr {
            self.dpr = dpr;
            self.repaint_packet();
        }
        let (w, h) = ((self.layout.width * dpr).round() as u32, (self.layout.height * dpr).round() as u32);
        if let Some(base) = &self.base {
            size(&base.canvas, w, h);
        }
    }

    /// The packet is painted again on the next frame (new colours or pixel ratio).
    fn repaint_packet(&mut self) {
        if let Some(packet) = &mut self.packet {
            packet.shows = None;
        }
    }

    /// The static layer: the diagram, painted when the configuration, emphasis, flow or theme
    /// changes, and then only where the picture changed (`paint_base`), so moving on to the
    /// next flow repaints its highlight and the last one's, however large the diagram is.
    /// The highlight (`scene::highlight`) is drawn over the rest; while a change fades in, the
    /// flow is lifted in place instead.
    fn draw_static(&mut self, fade: f64) {
        let Some(base) = &self.base else { return };
        let pixels = pixels(&base.canvas);
        let flow = self.emphasis.flow.filter(|_| fade >= 1.0);
        let key = BaseShows {
            layout: self.layout.clone(),
            traffic: self.after.clone(),
            emphasis: self.emphasis.clone(),
            palette: self.palette.clone(),
        };
        let key = (key, pixels);
        if fade < 1.0 || self.drawn.as_ref() != Some(&key) {
            let lifted =
                Emphasis { flow: if flow.is_some() { None } else { self.emphasis.flow }, ..self.emphasis.clone() };
            let mut shapes = diagram(&self.layout, &self.before, &self.after, fade, &lifted);
            if let Some(flow) = flow {
                shapes.extend(highlight(&self.layout, &self.after, flow));
            }
            self.paint_base(shapes);
            // A new palette may change the packet too.
            self.repaint_packet();
            self.drawn = (fade >= 1.0).then_some(key);
        }
    }

    /// Paints `shapes` as the base: where they differ from what it shows, or whole, or, for a
    /// tall diagram, the bands on or near the screen now and the others when they come near it
    /// (see [`Renderer::paint_near`]).
    fn paint_base(&mut self, shapes: Vec<Shape>) {
        let painted = self.painted.take();
        let Some(base) = &self.base else { return };
        let same = painted.filter(|p| p.pixels == pixels(&base.canvas) && p.palette == self.palette);
        match same.and_then(|p| damage(&p.shapes, &shapes, self.layout.width, self.layout.height)) {
            Some(areas) => {
                paint_clipped(&base.canvas, &reaching(&shapes, &areas, self.dpr), &areas, &self.palette, self.dpr)
            }
            None if self.layout.height <= TALL => {
                self.bands_left = None;
                paint_on(&base.canvas, &shapes, &self.palette, self.dpr);
            }
            None => {
                let (now, later) = bands(self.layout.height, near_rows(&base.canvas));
                // The bands painted now touch: one clip, so an edge through them is traced once.
                if let (Some(first), Some(last)) = (now.first(), now.last()) {
                    paint_band(&base.canvas, &shapes, (first.0, last.1), &self.palette, self.dpr);
                }
                self.bands_left = None;
                if !later.is_empty() {
                    self.bands_left = Some(Banded { shapes, left: later });
                    return;
                }
            }
        }
        self.keep(shapes);
    }

    /// Remembers `shapes` as what the base shows whole: from now on, changes repaint where
    /// they differ.
    fn keep(&mut self, shapes: Vec<Shape>) {
        if let Some(base) = &self.base {
            self.painted = Some(Painted { shapes, palette: self.palette.clone(), pixels: pixels(&base.canvas) });
        }
    }

    /// Paints the bands of a tall diagram that have come near the screen, or all of them.
    pub fn paint_near(&mut self, all: bool) {
        let (Some(job), Some(base)) = (&mut self.bands_left, &self.base) else { return };
        let (lo, hi) = if all { (f64::MIN, f64::MAX) } else { near_rows(&base.canvas) };
        job.left.retain(|&band| {
            let near = band.0 < hi && band.1 > lo;
            if near {
                paint_band(&base.canvas, &job.shapes, band, &self.palette, self.dpr);
            }
            !near
        });
        if job.left.is_empty()
            && let Some(job) = self.bands_left.take()
        {
            self.keep(job.shapes);
        }
    }

    /// The moving layer: the packet is painted when the flow changes and moved every frame.
    /// A frame allocates nothing and costs the same on any diagram.
    fn draw_packets(&mut self) {
        let Some(packet) = &mut self.packet else { return };
        let at = if self.reduced { None } else { packet_at(&self.layout, &self.after, self.flow, self.progress) };
        let Some((at, kind)) = at else { return packet.show(false) };
        let number = self.flow + 1;
        if packet.shows != Some((number, kind)) {
            packet.paint(number, kind, &self.palette, self.dpr);
        }
        packet.move_to(at);
        packet.show(true);
    }
}

/// The part of `canvas` on screen or within a screen's height of it, as rows from its top in
/// CSS pixels.
fn near_rows(canvas: &HtmlCanvasElement) -> (f64, f64) {
    let top = canvas.get_bounding_client_rect().top();
    let height = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(900.0);
    (-top - height, 2.0 * height - top)
}

/// Paints the shapes that reach into `band` (top and bottom, CSS pixels) on `canvas`, clipped
/// to it: a shape across two bands is painted half by each, never twice over.
fn paint_band(canvas: &HtmlCanvasElement, shapes: &[Shape], band: Band, palette: &Palette, dpr: f64) {
    let areas = [Rect::new(0.0, band.0, f64::from(canvas.width()) / dpr, band.1 - band.0)];
    paint_clipped(canvas, &reaching(shapes, &areas, dpr), &areas, palette, dpr);
}

/// The shapes that reach into `areas` (whole device pixels may reach one past an area). Painted
/// alone and clipped, their anti-aliased edges may differ from a whole repaint's by a shade:
/// strokes of one style that another shape kept apart may join, and the canvas rounds
/// coverage under a clip of several rectangles a little differently.
fn reaching(shapes: &[Shape], areas: &[Rect], dpr: f64) -> Vec<Shape> {
    let reach = 1.0_f64.max(1.0 / dpr);
    shapes.iter().filter(|s| areas.iter().any(|a| s.bounds().overlaps(&a.inflate(reach)))).cloned().collect()
}

/// Clears `areas` (CSS pixels) of `canvas` and paints `shapes` there, clipped to them. Each area
/// is widened to whole device pixels, so the clip's edges are sharp and the pixels outside stay
/// as they were.
fn paint_clipped(canvas: &HtmlCanvasElement, shapes: &[Shape], areas: &[Rect], palette: &Palette, dpr: f64) {
    if areas.is_empty() {
        return;
    }
    let Some(context) = context(canvas) else { return };
    context.save();
    context.begin_path();
    for area in areas {
        let (x0, y0) = ((area.x * dpr).floor(), (area.y * dpr).floor());
        let (x1, y1) = ((area.right() * dpr).ceil(), (area.bottom() * dpr).ceil());
        context.rect(x0, y0, x1 - x0, y1 - y0);
        context.clear_rect(x0, y0, x1 - x0, y1 - y0);
    }
    context.clip();
    draw(canvas, shapes, palette, dpr);
    context.restore();
}

/// A canvas's size in device pixels.
fn pixels(canvas: &HtmlCanvasElement) -> (u32, u32) {
    (canvas.width(), canvas.height())
}

/// A canvas that is not in the document.
fn detached() -> Option<HtmlCanvasElement> {
    web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into().ok()
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Sets a canvas's size in device pixels (which clears it) when it differs.
fn size(canvas: &HtmlCanvasElement, w: u32, h: u32) {
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
}

/// Replaces what `to` shows with `from`.
fn copy(from: &HtmlCanvasElement, to: &Surface) {
    let (w, h) = (f64::from(to.canvas.width()), f64::from(to.canvas.height()));
    to.context.clear_rect(0.0, 0.0, w, h);
    let _ = to.context.draw_image_with_html_canvas_element(from, 0.0, 0.0);
}

/// Clears `canvas` and paints `shapes` on it.
fn paint_on(canvas: &HtmlCanvasElement, shapes: &[Shape], palette: &Palette, dpr: f64) {
    if let Some(context) = context(canvas) {
        context.clear_rect(0.0, 0.0, f64::from(canvas.width()), f64::from(canvas.height()));
    }
    draw(canvas, shapes, palette, dpr);
}

/// Paints `shapes` on `canvas`, at the device pixel ratio.
fn draw(canvas: &HtmlCanvasElement, shapes: &[Shape], palette: &Palette, dpr: f64) {
    if !shapes.is_empty() {
        draw_on(Canvas::new(canvas), shapes, palette, dpr);
    }
}

/// Paints `shapes` through `backend`; a failure is logged, and the widget carries on.
fn draw_on(backend: Option<Canvas>, shapes: &[Shape], palette: &Palette, dpr: f64) {
    if let Some(backend) = backend {
        let area = backend.into_drawing_area();
        if let Err(e) = paint(&area, shapes, palette, dpr).and_then(|()| area.present()) {
            gloo::console::warn!(format!("vnet-flows: drawing failed: {e}"));
        }
    }
}

/// Asks for the next animation frame, if anything moves.
pub fn schedule(anim: &Rc<RefCell<Renderer>>) {
    let mut a = anim.borrow_mut();
    if !a.wants_frames() {
        return;
    }
    let weak = Rc::downgrade(anim);
    a.ticker.request(move || {
        Closure::new(move |now: f64| {
            if let Some(anim) = weak.upgrade() {
                tick(&anim, now);
            }
        })
    });
}

fn tick(anim: &Rc<RefCell<Renderer>>, now: f64) {
    let mut moved_to = None;
    {
        let mut a = anim.borrow_mut();
        a.ticker.requested = None;
        let seconds = a.last.map_or(0.0, |last| ((now - last) / 1000.0).clamp(0.0, 0.1));
        a.last = Some(now);
        if a.fade_from.is_some() {
            let fade = a.fade(now);
            a.draw_static(fade);
            if fade >= 1.0 {
                a.fade_from = None;
                a.before = a.after.clone();
            }
        }
        if a.moving() {
            let (flow, progress) = advance(a.flow, a.progress, seconds, a.speed, a.after.flows.len());
            a.progress = progress;
            if flow != a.flow {
                // The parent re-renders with the new flow and the effect redraws the static layer.
                a.flow = flow;
                moved_to = Some(flow);
            }
            a.draw_packets();
        }
        if !a.wants_frames() {
            a.last = None;
        }
    }
    if let Some(flow) = moved_to {
        let send = anim.borrow().send.clone();
        send.emit(Action::Step { to: Move::To(flow), by: By::Player });
    }
    schedule(anim);
}
