//! The diagram: a canvas with the static layer, drawn once per change; the packet, a small
//! canvas of its own that each frame moves with a CSS transform; a transparent canvas on top
//! for the pointer; the animation loop, hit testing and a keyboard overlay.
//!
//! The loop is one animation-frame callback, made once and asked for again each frame. It asks
//! for a frame only while something moves: playing, visible on screen and in a visible tab, or
//! while a configuration change fades flows in and out. Paused, hidden or scrolled away, it
//! asks for nothing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use super::canvas::Canvas;
use super::dom;
use crate::model::{Catalog, ScenarioId};
use crate::paint::{Palette, paint};
use crate::resolve::Resolution;
use crate::scene::geom::Point;
use crate::scene::{
    Band, Emphasis, Hit, Kind, Layout, Reach, Shape, TALL, Traffic, advance, bands, diagram, edge_label_rect,
    highlight, hit, packet_at, packet_badge,
};
use crate::state::{Action, By, Move};

/// How long flows take to fade in or out after a change, in milliseconds.
const FADE_MS: f64 = 350.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to show: the scenario, configuration and flows.
    pub resolution: Rc<Resolution>,
    /// The theme in effect; the canvas colours are read again when it changes.
    pub theme: AttrValue,
    /// The flow on show.
    pub flow: usize,
    pub playing: bool,
    pub speed: f64,
    pub reduced: bool,
    pub chosen_rule: Option<usize>,
    /// Where the diagram's actions go: the player moving on (`Step` by the player), the rules of
    /// what the pointer or focus is on (`Hover`), an edge clicked or chosen with Enter
    /// (`ChooseRule`, none with Escape).
    pub send: Callback<Action>,
    /// The id of the step list the canvas's label points to.
    pub steps_id: AttrValue,
}

/// Everything the animation loop needs between frames. Not UI state: a cache of what is drawn.
struct Anim {
    layout: Rc<Layout>,
    before: Traffic,
    after: Traffic,
    fade_from: Option<f64>,
    emphasis: Emphasis,
    step: usize,
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
    /// The current step's highlight, over the base.
    overlay: Option<Surface>,
    /// Where the overlay was painted last (CSS pixels): what the next step clears.
    overlay_marks: Option<crate::scene::geom::Rect>,
    packet: Option<Packet>,
    send: Callback<Action>,
    ticker: Ticker,
    /// Whether the first complete frame has been marked for performance measurements.
    marked: bool,
    /// What the base shows (when no fade is under way) and at what size: painting it again
    /// would change nothing.
    drawn: Option<(BaseShows, (u32, u32))>,
    /// The step the overlay shows.
    highlighted: Option<usize>,
    /// What a tall diagram's base has still to paint: the bands away from the screen, painted
    /// when they come near it.
    pending: Option<Banded>,
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

/// The packet: its own small canvas over the diagram, painted once per step and moved each
/// frame by a CSS transform. A frame then costs one style change, with nothing to clear or
/// paint, and the browser only moves a layer.
struct Packet {
    canvas: HtmlCanvasElement,
    style: web_sys::CssStyleDeclaration,
    /// Where the badge is painted first: text on a canvas outside the document does not wait
    /// for the page's styles.
    sprite: Option<HtmlCanvasElement>,
    /// The step number and kind of traffic it shows, once painted.
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

    /// Paints the badge of step `number` (1-based) on `kind` traffic.
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
    pending: Option<i32>,
}

impl Ticker {
    fn request(&mut self, make: impl FnOnce() -> Closure<dyn FnMut(f64)>) {
        if self.pending.is_some() {
            return;
        }
        let callback = self.callback.get_or_insert_with(make);
        if let Some(window) = web_sys::window() {
            self.pending = window.request_animation_frame(callback.as_ref().unchecked_ref()).ok();
        }
    }

    fn cancel(&mut self) {
        if let (Some(id), Some(window)) = (self.pending.take(), web_sys::window()) {
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

/// What the base shows: everything but the current step's highlight.
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

impl Anim {
    fn fade(&self, now: f64) -> f64 {
        self.fade_from.map_or(1.0, |start| ((now - start) / FADE_MS).clamp(0.0, 1.0))
    }

    fn moving(&self) -> bool {
        self.playing && !self.reduced && !self.after.steps.is_empty()
    }

    fn wants_frames(&self) -> bool {
        self.on_screen && self.page_visible && (self.fade_from.is_some() || self.moving())
    }

    /// Takes the page's canvases and sizes the diagram's for the layout at the device pixel
    /// ratio.
    fn fit(
        &mut self,
        base: Option<HtmlCanvasElement>,
        overlay: Option<HtmlCanvasElement>,
        packet: Option<HtmlCanvasElement>,
    ) {
        if self.base.as_ref().map(|s| &s.canvas) != base.as_ref() {
            self.base = base.and_then(Surface::new);
        }
        if self.overlay.as_ref().map(|s| &s.canvas) != overlay.as_ref() {
            self.overlay = overlay.and_then(Surface::new);
            self.highlighted = None;
        }
        if self.packet.as_ref().map(|p| &p.canvas) != packet.as_ref() {
            self.packet = packet.map(Packet::new);
        }
        let dpr = dom::device_pixel_ratio();
        if dpr != self.dpr {
            self.dpr = dpr;
            self.repaint_packet();
        }
        let (w, h) = ((self.layout.width * dpr).round() as u32, (self.layout.height * dpr).round() as u32);
        if let Some(overlay) = &self.overlay
            && (overlay.canvas.width(), overlay.canvas.height()) != (w, h)
        {
            // Resizing clears it.
            size(&overlay.canvas, w, h);
            self.highlighted = None;
            self.overlay_marks = None;
        }
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

    /// The static layer: the base, everything but the step, painted when the configuration,
    /// emphasis or theme changes; and over it the overlay with the step's highlight
    /// (`scene::highlight`), painted when the step changes. Moving on costs a few shapes however
    /// large the diagram is. While a change fades in, the base shows it all, step included.
    fn draw_static(&mut self, fade: f64) {
        let Some(base) = &self.base else { return };
        let pixels = (base.canvas.width(), base.canvas.height());
        let step = self.emphasis.step.filter(|_| fade >= 1.0);
        let key = BaseShows {
            layout: self.layout.clone(),
            traffic: self.after.clone(),
            emphasis: Emphasis {
                step: if step.is_some() { None } else { self.emphasis.step },
                ..self.emphasis.clone()
            },
            palette: self.palette.clone(),
        };
        let key = (key, pixels);
        if fade < 1.0 || self.drawn.as_ref() != Some(&key) {
            let shapes = diagram(&self.layout, &self.before, &self.after, fade, &key.0.emphasis);
            self.paint_base(shapes);
            // A new palette may change the packet too.
            self.repaint_packet();
            self.drawn = (fade >= 1.0).then_some(key);
            self.highlighted = None;
            self.clear_overlay();
        }
        if step != self.highlighted {
            self.clear_overlay();
            if let (Some(step), Some(overlay)) = (step, &self.overlay) {
                let shapes = highlight(&self.layout, &self.after, step);
                self.overlay_marks = shapes.iter().map(Shape::bounds).reduce(|a, b| a.union(&b));
                draw(&overlay.canvas, &shapes, &self.palette, self.dpr);
            }
            self.highlighted = step;
        }
    }

    fn clear_overlay(&mut self) {
        if let (Some(r), Some(overlay)) = (self.overlay_marks.take(), &self.overlay) {
            let dpr = self.dpr;
            overlay.context.clear_rect(
                (r.x * dpr).floor(),
                (r.y * dpr).floor(),
                (r.w * dpr).ceil() + 2.0,
                (r.h * dpr).ceil() + 2.0,
            );
        }
    }

    /// Paints `shapes` as the base: at once, or, for a tall diagram, the bands on or near the
    /// screen now and the others when they come near it (see [`Anim::paint_near`]).
    fn paint_base(&mut self, shapes: Vec<Shape>) {
        let Some(base) = &self.base else { return };
        if self.layout.height <= TALL {
            self.pending = None;
            return paint_on(&base.canvas, &shapes, &self.palette, self.dpr);
        }
        let (now, later) = bands(self.layout.height, near_rows(&base.canvas));
        // The bands painted now touch: one clip, so an edge through them is traced once.
        if let (Some(first), Some(last)) = (now.first(), now.last()) {
            paint_band(&base.canvas, &shapes, (first.0, last.1), &self.palette, self.dpr);
        }
        self.pending = (!later.is_empty()).then_some(Banded { shapes, left: later });
    }

    /// Paints the bands of a tall diagram that have come near the screen, or all of them.
    fn paint_near(&mut self, all: bool) {
        let (Some(job), Some(base)) = (&mut self.pending, &self.base) else { return };
        let (lo, hi) = if all { (f64::MIN, f64::MAX) } else { near_rows(&base.canvas) };
        job.left.retain(|&band| {
            let near = band.0 < hi && band.1 > lo;
            if near {
                paint_band(&base.canvas, &job.shapes, band, &self.palette, self.dpr);
            }
            !near
        });
        if job.left.is_empty() {
            self.pending = None;
        }
    }

    /// The moving layer: the packet is painted when the step changes and moved every frame.
    /// A frame allocates nothing and costs the same on any diagram.
    fn draw_packets(&mut self) {
        let Some(packet) = &mut self.packet else { return };
        let at = if self.reduced { None } else { packet_at(&self.layout, &self.after, self.step, self.progress) };
        let Some((at, kind)) = at else { return packet.show(false) };
        let number = self.step + 1;
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
    let Some(context) = context(canvas) else { return };
    let (y0, y1) = ((band.0 * dpr).round(), (band.1 * dpr).round());
    let w = f64::from(canvas.width());
    context.save();
    context.begin_path();
    context.rect(0.0, y0, w, y1 - y0);
    context.clip();
    context.clear_rect(0.0, y0, w, y1 - y0);
    let area = crate::scene::geom::Rect::new(-1e9, band.0, 2e9, band.1 - band.0);
    let inside: Vec<Shape> = shapes.iter().filter(|s| s.bounds().overlaps(&area)).cloned().collect();
    draw(canvas, &inside, palette, dpr);
    context.restore();
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

fn schedule(anim: &Rc<RefCell<Anim>>) {
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

fn tick(anim: &Rc<RefCell<Anim>>, now: f64) {
    let mut moved_to = None;
    {
        let mut a = anim.borrow_mut();
        a.ticker.pending = None;
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
            let (step, progress) = advance(a.step, a.progress, seconds, a.speed, a.after.steps.len());
            a.progress = progress;
            if step != a.step {
                // The parent re-renders with the new step and the effect redraws the static layer.
                a.step = step;
                moved_to = Some(step);
            }
            a.draw_packets();
        }
        if !a.wants_frames() {
            a.last = None;
        }
    }
    if let Some(step) = moved_to {
        let send = anim.borrow().send.clone();
        send.emit(Action::Step { to: Move::To(step), by: By::Player });
    }
    schedule(anim);
}

/// Words for a node or an edge, for tooltips and screen readers.
fn describe(catalog: &Catalog, layout: &Layout, traffic: &Traffic, hit: Hit) -> String {
    match hit {
        Hit::Node(slot) => {
            let node = &catalog.nodes[layout.nodes[slot].node];
            let state = if traffic.nodes[slot] { "" } else { " Not used in this configuration." };
            format!("{}: {}{state}", node.label, node.about)
        }
        Hit::Edge(e) => {
            let edge = &layout.edges[e];
            let (from, to) = (&catalog.nodes[layout.nodes[edge.from].node], &catalog.nodes[layout.nodes[edge.to].node]);
            let Some(used) = &traffic.edges[e] else { return format!("{} to {}", from.label, to.label) };
            let steps: Vec<String> = used.steps.iter().map(|s| (s + 1).to_string()).collect();
            format!(
                "{} to {}: {} ({}), step{} {}{}",
                from.label,
                to.label,
                used.label,
                used.kind.label().to_lowercase(),
                if steps.len() == 1 { "" } else { "s" },
                steps.join(", "),
                if used.blocked { ". Blocked in this configuration." } else { "" }
            )
        }
    }
}

fn rules_of(layout: &Layout, traffic: &Traffic, hit: Option<Hit>) -> Vec<usize> {
    let mut rules = Vec::new();
    let mut add = |e: usize| {
        if let Some(u) = &traffic.edges[e] {
            rules.extend(u.rules.iter().copied().filter(|r| !rules.contains(r)).collect::<Vec<_>>());
        }
    };
    match hit {
        Some(Hit::Edge(e)) => add(e),
        Some(Hit::Node(slot)) => {
            for (e, edge) in layout.edges.iter().enumerate() {
                if edge.from == slot || edge.to == slot {
                    add(e);
                }
            }
        }
        None => {}
    }
    rules
}

#[component]
pub fn Diagram(props: &Props) -> Html {
    let container = use_node_ref();
    let base = use_node_ref();
    let top = use_node_ref();
    let overlay = use_node_ref();
    let packet = use_node_ref();
    let canvas_box = use_node_ref();
    let target_list = use_node_ref();
    let tip = use_node_ref();
    let width = use_state(|| 0.0_f64);
    // Bumped when the theme or the device pixel ratio (browser zoom) changes.
    let generation = use_state(|| 0_u32);
    let hover = use_state(|| None::<Hit>);
    // Which diagram item holds the Tab stop.
    let cursor = use_state(|| 0_usize);
    // The keyboard targets' elements and where they were last placed.
    let placed = use_mut_ref(Vec::<(web_sys::HtmlElement, crate::scene::geom::Rect)>::new);

    let catalog = props.resolution.catalog.clone();
    let scenario = props.resolution.scenario;
    // What the scenario can show is worked out once per scenario, when first laid out (not in
    // the first render, which has no width yet); only its arrangement follows the width.
    let reach = use_mut_ref(|| None::<(ScenarioId, Rc<Reach>)>);
    // A layout made by the first drawing, before the measured width reached a render.
    let early = use_mut_ref(|| None::<(u64, Rc<Layout>)>);
    let layout: Rc<Layout> = {
        let (catalog, early, reach) = (catalog.clone(), early.clone(), reach.clone());
        // Until the container is measured there is nothing to lay out (and a large diagram's
        // layout is worth doing once, at the right width).
        let memo = use_memo((scenario, width.to_bits()), move |&(s, w)| {
            let early = early.borrow_mut().take().filter(|(bits, _)| *bits == w).map(|(_, l)| l);
            match f64::from_bits(w) {
                w if w > 0.0 => early.unwrap_or_else(|| Rc::new(reach_of(&reach, &catalog, s).layout(&catalog, w))),
                _ => Rc::new(Layout::empty()),
            }
        });
        (*memo).clone()
    };
    // Shared by the callbacks below, so each one holds a pointer rather than a copy.
    let traffic = Rc::new(Traffic::new(&layout, &props.resolution));

    let anim = use_mut_ref(|| Anim {
        layout: layout.clone(),
        before: Traffic::empty(&layout),
        after: Traffic::empty(&layout),
        fade_from: None,
        emphasis: Emphasis::default(),
        step: props.flow,
        progress: 0.0,
        last: None,
        playing: props.playing,
        speed: props.speed,
        reduced: props.reduced,
        on_screen: true,
        page_visible: true,
        palette: Palette::default(),
        dpr: 1.0,
        base: None,
        overlay: None,
        overlay_marks: None,
        packet: None,
        send: props.send.clone(),
        ticker: Ticker::default(),
        marked: false,
        drawn: None,
        highlighted: None,
        pending: None,
    });

    // A hover or keyboard position from another scenario means nothing here.
    {
        let hover = hover.clone();
        let cursor = cursor.clone();
        use_effect_with(scenario, move |_| {
            hover.set(None);
            cursor.set(0);
        });
    }
    let hovered = (*hover).filter(|h| match *h {
        Hit::Node(slot) => slot < layout.nodes.len(),
        Hit::Edge(e) => e < layout.edges.len(),
    });

    // Size, zoom, theme, visibility: observers that live as long as the component.
    {
        let container = container.clone();
        let width = width.clone();
        let generation = generation.clone();
        let anim = anim.clone();
        use_effect_with((), move |_| {
            let mut keep: Vec<Box<dyn std::any::Any>> = Vec::new();
            let mut cleanup: Vec<Box<dyn FnOnce()>> = Vec::new();
            if let Some(el) = container.cast::<web_sys::Element>() {
                // Measured as the resize observer measures (floored content width), so its first
                // report does not lay the diagram out a second time.
                width.set(el.get_bounding_client_rect().width().floor());
                let on_resize = {
                    let width = width.clone();
                    Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                            let w = entry.content_rect().width().floor();
                            if w > 0.0 {
                                width.set(w);
                            }
                        }
                    })
                };
                if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                    observer.observe(&el);
                    cleanup.push(Box::new(move || observer.disconnect()));
                }
                keep.push(Box::new(on_resize));
                let on_view = {
                    let anim = anim.clone();
                    Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                        // The last entry is the current state when several arrive at once.
                        let last = entries.length().saturating_sub(1);
                        if let Some(entry) = entries.get(last).dyn_ref::<web_sys::IntersectionObserverEntry>() {
                            anim.borrow_mut().on_screen = entry.is_intersecting();
                            schedule(&anim);
                        }
                    })
                };
                if let Ok(observer) = web_sys::IntersectionObserver::new(on_view.as_ref().unchecked_ref()) {
                    observer.observe(&el);
                    cleanup.push(Box::new(move || observer.disconnect()));
                }
                keep.push(Box::new(on_view));
            }
            if let Some(window) = web_sys::window() {
                let g = generation.clone();
                keep.push(Box::new(EventListener::new(&window, "resize", move |_| g.set(*g + 1))));
                if let Some(document) = window.document() {
                    let visible = anim.clone();
                    let doc = document.clone();
                    keep.push(Box::new(EventListener::new(&document, "visibilitychange", move |_| {
                        visible.borrow_mut().page_visible = doc.visibility_state() == web_sys::VisibilityState::Visible;
                        schedule(&visible);
                    })));
                    // A tall diagram paints its bands as they come near the screen, whatever
                    // scrolls (scroll events reach the document in its capture phase), and all
                    // of them before printing.
                    let near = anim.clone();
                    let options = gloo::events::EventListenerOptions::run_in_capture_phase();
                    keep.push(Box::new(EventListener::new_with_options(&document, "scroll", options, move |_| {
                        near.borrow_mut().paint_near(false);
                    })));
                    let all = anim.clone();
                    keep.push(Box::new(EventListener::new(&window, "beforeprint", move |_| {
                        all.borrow_mut().paint_near(true);
                    })));
                }
            }
            move || {
                for f in cleanup {
                    f();
                }
                drop(keep);
                anim.borrow_mut().ticker.cancel();
            }
        });
    }

    let emphasis = emphasis_of(&layout, &traffic, props.flow, hovered, props.chosen_rule);

    // The canvas colours come from the theme's custom properties; read them again only when
    // the theme may have changed. (Declared first, so it runs before the drawing effect.)
    {
        let anim = anim.clone();
        let container = container.clone();
        use_effect_with((*generation, props.theme.clone()), move |_| {
            if let Some(el) = container.cast::<web_sys::Element>() {
                anim.borrow_mut().palette = dom::palette(&el);
            }
        });
    }

    // Hand everything to the loop and redraw the static layer when it changed.
    {
        let anim = anim.clone();
        let (base, overlay, packet) = (base.clone(), overlay.clone(), packet.clone());
        let deps = (
            layout.clone(),
            traffic.clone(),
            emphasis.clone(),
            props.flow,
            props.playing,
            props.speed.to_bits(),
            props.reduced,
            (*generation, props.theme.clone()),
            *width > 0.0,
        );
        let (container, reach, catalog, resolution) =
            (container.clone(), reach.clone(), catalog.clone(), props.resolution.clone());
        let chosen_rule = props.chosen_rule;
        use_effect_with(deps, move |(layout, traffic, emphasis, step, playing, speed, reduced, _, measured)| {
            let (layout, traffic, emphasis) = if *measured {
                (layout.clone(), traffic.clone(), emphasis.clone())
            } else {
                // After the first render the width is known, but not yet to a render. Rather
                // than wait for the render it brings, lay out and draw now, so the first frame
                // the browser paints already has the diagram. The next render reuses this
                // layout.
                let measure = |el: web_sys::Element| el.get_bounding_client_rect().width().floor();
                let Some(w) = container.cast::<web_sys::Element>().map(measure).filter(|w| *w > 0.0) else { return };
                let layout = Rc::new(reach_of(&reach, &catalog, scenario).layout(&catalog, w));
                *early.borrow_mut() = Some((w.to_bits(), layout.clone()));
                let traffic = Rc::new(Traffic::new(&layout, &resolution));
                let emphasis = emphasis_of(&layout, &traffic, *step, None, chosen_rule);
                (layout, traffic, emphasis)
            };
            let (layout, traffic, emphasis) = (&layout, &traffic, &emphasis);
            {
                let mut a = anim.borrow_mut();
                let now = dom::now();
                if !Rc::ptr_eq(&a.layout, layout) {
                    a.layout = layout.clone();
                    a.before = (**traffic).clone();
                    a.after = (**traffic).clone();
                    a.fade_from = None;
                } else if a.after != **traffic {
                    // Fade from what is on screen now to the new traffic.
                    a.before = if a.fade(now) < 0.5 { a.before.clone() } else { a.after.clone() };
                    a.after = (**traffic).clone();
                    a.fade_from = (!*reduced).then_some(now);
                }
                if a.step != *step || a.after.steps.len() <= a.step {
                    a.step = *step;
                    a.progress = 0.0;
                }
                a.emphasis = emphasis.clone();
                a.playing = *playing;
                a.speed = f64::from_bits(*speed);
                a.reduced = *reduced;
                if *reduced {
                    a.fade_from = None;
                    a.before = a.after.clone();
                }
                let fade = a.fade(now);
                a.fit(base.cast(), overlay.cast(), packet.cast());
                a.draw_static(fade);
                a.draw_packets();
                if !a.marked {
                    a.marked = true;
                    dom::mark("vnet-flows-first-frame");
                }
            }
            schedule(&anim);
        });
    }

    let on_move = {
        let hover = hover.clone();
        let layout = layout.clone();
        let traffic = traffic.clone();
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            let found = hit(&layout, &traffic, Point::new(e.offset_x() as f64, e.offset_y() as f64));
            if found != *hover {
                hover.set(found);
                send.emit(Action::Hover(rules_of(&layout, &traffic, found)));
            }
        })
    };
    let on_leave = {
        let hover = hover.clone();
        let send = props.send.clone();
        Callback::from(move |_: MouseEvent| {
            hover.set(None);
            send.emit(Action::Hover(Vec::new()));
        })
    };
    // Clicking an edge chooses its rule, as choosing the row in the table does.
    let on_click = {
        let layout = layout.clone();
        let traffic = traffic.clone();
        let send = props.send.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(Hit::Edge(edge)) = hit(&layout, &traffic, Point::new(e.offset_x() as f64, e.offset_y() as f64))
            {
                send.emit(Action::ChooseRule(first_rule(&traffic, edge)));
            }
        })
    };
    let focus = |target: Option<Hit>| {
        let hover = hover.clone();
        let layout = layout.clone();
        let traffic = traffic.clone();
        let send = props.send.clone();
        Callback::from(move |_: FocusEvent| {
            hover.set(target);
            send.emit(Action::Hover(rules_of(&layout, &traffic, target)));
        })
    };

    // The diagram's items are one Tab stop: arrow keys move between them, Enter chooses an
    // edge's rule, Escape lets go.
    let count = targets_len(&traffic);
    let cursor_at = (*cursor).min(count.saturating_sub(1));
    let on_targets_key = {
        let cursor = cursor.clone();
        let hover = hover.clone();
        let traffic = traffic.clone();
        let send = props.send.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "Enter" | " " => {
                    e.prevent_default();
                    if let Some(Hit::Edge(edge)) = *hover {
                        send.emit(Action::ChooseRule(first_rule(&traffic, edge)));
                    }
                    return;
                }
                "Escape" => {
                    hover.set(None);
                    send.emit(Action::Hover(Vec::new()));
                    send.emit(Action::ChooseRule(None));
                    if let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                        let _ = el.blur();
                    }
                    return;
                }
                key => match Move::of_key(key) {
                    Some(m) => m.from(cursor_at, count),
                    None => return,
                },
            };
            e.prevent_default();
            cursor.set(next);
            dom::focus_sibling(&e, next);
        })
    };

    let label = crate::scene::summary(&catalog.scenarios[scenario], &traffic);
    let targets: Vec<(Hit, crate::scene::geom::Rect)> = layout
        .nodes
        .iter()
        .enumerate()
        .filter(|&(slot, _)| traffic.nodes[slot])
        .map(|(slot, n)| (Hit::Node(slot), n.rect))
        .chain(
            traffic
                .edges
                .iter()
                .enumerate()
                .filter_map(|(e, u)| u.as_ref().map(|u| (Hit::Edge(e), edge_label_rect(&layout, e, &u.label)))),
        )
        .collect();
    let tooltip = hovered.map(|h| {
        let rect = match h {
            Hit::Node(slot) => layout.nodes[slot].rect,
            Hit::Edge(e) => traffic.edges[e]
                .as_ref()
                .map_or(layout.nodes[layout.edges[e].from].rect, |u| edge_label_rect(&layout, e, &u.label)),
        };
        let left = rect.x.min(layout.width - 260.0).max(0.0);
        let below = rect.bottom() + 6.0;
        (describe(&catalog, &layout, &traffic, h), (left, below))
    });

    // Sizes and positions go through the CSS object model after each render, not through
    // `style` attributes, which a strict content security policy blocks.
    {
        let (canvas_box, base, overlay, top, target_list, tip) =
            (canvas_box.clone(), base.clone(), overlay.clone(), top.clone(), target_list.clone(), tip.clone());
        let size = (layout.width, layout.height);
        let rects: Vec<crate::scene::geom::Rect> = targets.iter().map(|(_, r)| *r).collect();
        let at = tooltip.as_ref().map(|(_, at)| *at);
        let placed = placed.clone();
        use_effect(move || {
            for el in [&canvas_box, &base, &overlay, &top] {
                dom::place(el.cast::<web_sys::HtmlElement>().as_ref(), None, Some(size));
            }
            if let Some(list) = target_list.cast::<web_sys::Element>() {
                // The buttons are keyed, so most keep their place from one render to the next:
                // only a new button or a new place is written.
                let children = list.children();
                let mut placed = placed.borrow_mut();
                let bits = |r: &crate::scene::geom::Rect| [r.x, r.y, r.w, r.h].map(f64::to_bits);
                let before: std::collections::HashMap<_, _> =
                    std::mem::take(&mut *placed).into_iter().map(|(el, r)| (bits(&r), el)).collect();
                for (i, r) in rects.iter().enumerate() {
                    let Some(el) = children.item(i as u32).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    else {
                        continue;
                    };
                    if before.get(&bits(r)) != Some(&el) {
                        dom::place(Some(&el), Some((r.x, r.y)), Some((r.w, r.h)));
                    }
                    placed.push((el, *r));
                }
            }
            if let Some(at) = at {
                dom::place(tip.cast::<web_sys::HtmlElement>().as_ref(), Some(at), None);
            }
        });
    }

    html! {
        <div class="vf-diagram" ref={container}>
            <div class="vf-legend" aria-hidden="true">
                { for Kind::ALL.into_iter().map(|k| html! {
                    <span class="vf-legend-item">
                        <svg width="34" height="10" viewBox="0 0 34 10">
                            <line x1="1" y1="5" x2="33" y2="5" class={format!("vf-line vf-line-{}", format!("{k:?}").to_lowercase())} />
                        </svg>
                        { k.label() }
                    </span>
                }) }
                if traffic.edges.iter().flatten().any(|u| u.blocked) {
                    <span class="vf-legend-item">
                        <svg width="34" height="10" viewBox="0 0 34 10">
                            <line x1="1" y1="5" x2="33" y2="5" class="vf-line vf-line-blocked" />
                        </svg>
                        { "Blocked in this configuration" }
                    </span>
                }
            </div>
            <div class="vf-canvas-box" ref={canvas_box}>
                <canvas ref={base} class="vf-canvas" role="img" aria-label={label} aria-describedby={props.steps_id.clone()}></canvas>
                <canvas ref={overlay} class="vf-canvas" aria-hidden="true"></canvas>
                <canvas ref={packet} class="vf-packet" aria-hidden="true"></canvas>
                <canvas ref={top} class="vf-canvas vf-pointer" aria-hidden="true" onmousemove={on_move} onmouseleave={on_leave} onclick={on_click}></canvas>
                <div class="vf-targets" role="group" ref={target_list} onkeydown={on_targets_key}
                    aria-label="Places and connections in the diagram: arrow keys move between them, Enter shows a connection's rule in the table, Escape lets go">
                    { for targets.into_iter().enumerate().map(|(i, (h, _))| html! {
                        <button key={match h { Hit::Node(slot) => format!("n{slot}"), Hit::Edge(e) => format!("e{e}") }}
                            type="button" class="vf-target" tabindex={if i == cursor_at { "0" } else { "-1" }}
                            aria-label={describe(&catalog, &layout, &traffic, h)}
                            onfocus={focus(Some(h))} onblur={focus(None)}></button>
                    }) }
                </div>
                if let Some((text, _)) = tooltip {
                    <div class="vf-tooltip" ref={tip} aria-hidden="true">{ text }</div>
                }
            </div>
        </div>
    }
}

/// What `scenario` can show, from `cache` or worked out (and kept) now.
fn reach_of(
    cache: &RefCell<Option<(ScenarioId, Rc<Reach>)>>,
    catalog: &Rc<Catalog>,
    scenario: ScenarioId,
) -> Rc<Reach> {
    let mut cache = cache.borrow_mut();
    match &*cache {
        Some((s, reach)) if *s == scenario => reach.clone(),
        _ => {
            let reach = Rc::new(Reach::new(catalog, scenario));
            *cache = Some((scenario, reach.clone()));
            reach
        }
    }
}

/// What the diagram stresses: the current step, what the pointer or focus is on, the chosen
/// table row.
fn emphasis_of(layout: &Layout, traffic: &Traffic, step: usize, hovered: Option<Hit>, rule: Option<usize>) -> Emphasis {
    let mut emphasis = Emphasis { step: (!traffic.steps.is_empty()).then_some(step), ..Emphasis::default() };
    match hovered {
        Some(Hit::Edge(e)) => emphasis.edges.push(e),
        Some(Hit::Node(slot)) => {
            emphasis.nodes.push(slot);
            for (e, edge) in layout.edges.iter().enumerate() {
                if (edge.from == slot || edge.to == slot) && traffic.edges[e].is_some() {
                    emphasis.edges.push(e);
                }
            }
        }
        None => {}
    }
    if let Some(rule) = rule {
        for (e, used) in traffic.edges.iter().enumerate() {
            if used.as_ref().is_some_and(|u| u.rules.contains(&rule)) {
                emphasis.edges.push(e);
            }
        }
    }
    emphasis
}

/// The rule a click or Enter on `edge` chooses: its first.
fn first_rule(traffic: &Traffic, edge: usize) -> Option<usize> {
    traffic.edges[edge].as_ref().and_then(|u| u.rules.first().copied())
}

/// How many diagram items the keyboard can reach: used nodes, then used edges.
fn targets_len(traffic: &Traffic) -> usize {
    traffic.nodes.iter().filter(|&&n| n).count() + traffic.edges.iter().flatten().count()
}
