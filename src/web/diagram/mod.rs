//! The diagram component: three stacked canvases (the diagram with the flow's highlight, the
//! packet, a transparent one on top for the pointer), the keyboard targets over them, and the
//! observers and event handlers. It draws nothing itself: `renderer::Renderer` owns the
//! canvases and the animation loop, `targets::Targets` the keyboard and tooltip, and the
//! layout comes from [`Layouts`], a memo of (scenario, width).
//!
//! One change, here: the reducer's new `Rc<Resolution>` arrives as a prop; the render finds the
//! layout (the same `Rc` unless the scenario or width changed) and the traffic; the drawing
//! effect hands them to the renderer, which paints what changed.

mod renderer;
mod targets;
mod watch;

use std::rc::Rc;

use yew::prelude::*;

use self::renderer::{Renderer, schedule};
use self::targets::{Targets, first_rule, rules_of};
use super::dom;
use crate::model::RuleId;
use crate::resolve::Resolution;
use crate::scene::geom::Point;
use crate::scene::{Emphasis, Hit, Kind, Layout, Layouts, Mark, Marks, Traffic, hit};
use crate::state::Action;

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
    pub chosen_rule: Option<RuleId>,
    /// Where the diagram's actions go: the player moving on (`Step` by the player), the rules of
    /// what the pointer or focus is on (`Hover`), an edge clicked or chosen with Enter
    /// (`ChooseRule`, none with Escape).
    pub send: Callback<Action>,
    /// The id of the flow list the canvas's label points to.
    pub flows_id: AttrValue,
    /// The verdicts of the reader's rules, per flow and hop, when they gave some.
    #[prop_or_default]
    pub marks: Option<Rc<Marks>>,
}

#[component]
pub fn Diagram(props: &Props) -> Html {
    let (container, canvas_box) = (use_node_ref(), use_node_ref());
    let canvases = [use_node_ref(), use_node_ref(), use_node_ref()];
    let [base, packet, top] = canvases.clone();
    // The container's width (0 until measured) and a count bumped when the theme or the device
    // pixel ratio may have changed.
    let width = use_state(|| 0.0_f64);
    let generation = use_state(|| 0_u32);
    let hover = use_state(|| None::<Hit>);
    let renderer = use_mut_ref(|| Renderer::new(props.send.clone()));
    let layouts = use_mut_ref(Layouts::default);

    let r = &props.resolution;
    let layout = layouts.borrow_mut().get(&r.catalog, r.scenario, *width);
    let traffic = traffic_of(&layout, r, props.marks.as_deref());
    {
        // A hover from another scenario means nothing here.
        let hover = hover.clone();
        use_effect_with(r.scenario, move |_| hover.set(None));
    }
    let hovered = (*hover).filter(|h| match *h {
        Hit::Node(slot) => slot < layout.nodes.len(),
        Hit::Edge(e) => e < layout.edges.len(),
    });
    watch::use_watchers(&container, &width, &generation, &renderer);
    {
        // The canvas colours come from the theme's custom properties. (Declared before the
        // drawing, so it runs first.)
        let (renderer, container) = (renderer.clone(), container.clone());
        use_effect_with((*generation, props.theme.clone()), move |_| {
            if let Some(el) = container.cast::<web_sys::Element>() {
                renderer.borrow_mut().set_theme(dom::palette(&el));
            }
        });
    }
    let emphasis = emphasis_of(&layout, &traffic, props.flow, hovered, props.chosen_rule);
    use_drawing(Drawing {
        props: DrawProps::of(props, *generation),
        scene: (layout.clone(), traffic.clone(), emphasis),
        measured: *width > 0.0,
        container: container.clone(),
        canvases: canvases.clone(),
        layouts,
        renderer,
    });
    {
        // Sizes go through the CSS object model, not `style` attributes, which a strict
        // content security policy blocks.
        // (The packet sizes itself to its badge.)
        let full = [canvas_box.clone(), base.clone(), top.clone()];
        let size = (layout.width, layout.height);
        use_effect_with((size.0.to_bits(), size.1.to_bits()), move |_| {
            for el in &full {
                dom::place(el.cast::<web_sys::HtmlElement>().as_ref(), None, Some(size));
            }
        });
    }

    let on_hover = {
        let (hover, layout, traffic, send) = (hover.clone(), layout.clone(), traffic.clone(), props.send.clone());
        Callback::from(move |found: Option<Hit>| {
            if found != *hover {
                hover.set(found);
                send.emit(Action::Hover(rules_of(&layout, &traffic, found)));
            }
        })
    };
    let under = {
        let (layout, traffic) = (layout.clone(), traffic.clone());
        move |e: &MouseEvent| hit(&layout, &traffic, Point::new(e.offset_x() as f64, e.offset_y() as f64))
    };
    let on_move = on_hover.reform({
        let under = under.clone();
        move |e: MouseEvent| under(&e)
    });
    let on_leave = on_hover.reform(|_: MouseEvent| None);
    // Clicking an edge chooses its rule, as choosing the row in the table does.
    let on_click = {
        let (traffic, send) = (traffic.clone(), props.send.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(Hit::Edge(edge)) = under(&e) {
                send.emit(Action::ChooseRule(first_rule(&traffic, edge)));
            }
        })
    };

    let label = crate::scene::summary(r.scenario(), &traffic);
    html! {
        <div class="vf-diagram" ref={container}>
            { legend(&traffic) }
            <div class="vf-canvas-box" ref={canvas_box}>
                <canvas ref={base} class="vf-canvas" role="img" aria-label={label} aria-describedby={props.flows_id.clone()}></canvas>
                <canvas ref={packet} class="vf-packet" aria-hidden="true"></canvas>
                <canvas ref={top} class="vf-canvas vf-pointer" aria-hidden="true" onmousemove={on_move} onmouseleave={on_leave} onclick={on_click}></canvas>
                <Targets resolution={r.clone()} {layout} {traffic} {hovered} {on_hover} send={props.send.clone()} />
            </div>
        </div>
    }
}

/// What `r` shows on `layout`, with the marks of the reader's rules when they were checked.
fn traffic_of(layout: &Layout, r: &Resolution, marks: Option<&Marks>) -> Rc<Traffic> {
    Rc::new(Traffic::checked(layout, r, marks.map_or(&[][..], Vec::as_slice)))
}

/// The kinds of traffic and their line styles, and the blocked style when something is.
fn legend(traffic: &Traffic) -> Html {
    let item = |class: String, text: &'static str| {
        html! {
            <span class="vf-legend-item">
                <svg width="34" height="10" viewBox="0 0 34 10">
                    <line x1="1" y1="5" x2="33" y2="5" {class} />
                </svg>
                { text }
            </span>
        }
    };
    let marked = |mark: Mark| traffic.edges.iter().flatten().any(|u| u.mark == mark);
    html! {
        <div class="vf-legend" aria-hidden="true">
            { for Kind::ALL.into_iter().map(|k| item(format!("vf-line vf-line-{}", format!("{k:?}").to_lowercase()), k.label())) }
            if marked(Mark::Blocked) {
                { item("vf-line vf-line-blocked".into(), "✕ Blocked") }
            }
            if marked(Mark::Unresolved) {
                { item("vf-line vf-line-unresolved".into(), "? Your rules may not allow it") }
            }
        </div>
    }
}

/// What of the props the drawing follows.
#[derive(Clone, PartialEq)]
struct DrawProps {
    resolution: Rc<Resolution>,
    flow: usize,
    playing: bool,
    speed: u64,
    reduced: bool,
    chosen_rule: Option<RuleId>,
    theme: (u32, AttrValue),
    marks: Option<Rc<Marks>>,
}

impl DrawProps {
    fn of(props: &Props, generation: u32) -> DrawProps {
        DrawProps {
            resolution: props.resolution.clone(),
            flow: props.flow,
            playing: props.playing,
            speed: props.speed.to_bits(),
            reduced: props.reduced,
            chosen_rule: props.chosen_rule,
            theme: (generation, props.theme.clone()),
            marks: props.marks.clone(),
        }
    }
}

struct Drawing {
    props: DrawProps,
    scene: (Rc<Layout>, Rc<Traffic>, Emphasis),
    measured: bool,
    container: NodeRef,
    canvases: [NodeRef; 3],
    layouts: Rc<std::cell::RefCell<Layouts>>,
    renderer: Rc<std::cell::RefCell<Renderer>>,
}

/// Hands the scene to the renderer after each render that changed it, and starts the loop.
///
/// The first render has no width yet. Rather than wait for the render the measured width brings,
/// the first drawing measures it and lays out now (through the same memo, so that render finds
/// this layout), and the first frame the browser paints already has the diagram.
#[hook]
fn use_drawing(drawing: Drawing) {
    let Drawing { props, scene, measured, container, canvases, layouts, renderer } = drawing;
    let deps = (props, scene, measured);
    use_effect_with(deps, move |(props, (layout, traffic, emphasis), measured)| {
        let scene = if *measured {
            Some((layout.clone(), traffic.clone(), emphasis.clone()))
        } else {
            let measure = |el: web_sys::Element| el.get_bounding_client_rect().width().floor();
            container.cast::<web_sys::Element>().map(measure).filter(|w| *w > 0.0).map(|w| {
                let r = &props.resolution;
                let layout = layouts.borrow_mut().get(&r.catalog, r.scenario, w);
                let traffic = traffic_of(&layout, r, props.marks.as_deref());
                let emphasis = emphasis_of(&layout, &traffic, props.flow, None, props.chosen_rule);
                (layout, traffic, emphasis)
            })
        };
        let Some((layout, traffic, emphasis)) = scene else { return };
        {
            let mut r = renderer.borrow_mut();
            let [base, packet, _] = &canvases;
            r.attach(base.cast(), packet.cast());
            r.set_motion(props.playing, f64::from_bits(props.speed), props.reduced);
            let now = dom::now();
            r.set_scene(&layout, &traffic, &emphasis, now);
            r.set_flow(props.flow);
            r.paint(now);
        }
        schedule(&renderer);
    });
}

/// What the diagram stresses: the current flow, what the pointer or focus is on, the chosen
/// table row.
fn emphasis_of(
    layout: &Layout,
    traffic: &Traffic,
    flow: usize,
    hovered: Option<Hit>,
    rule: Option<RuleId>,
) -> Emphasis {
    let mut emphasis = Emphasis { flow: (!traffic.flows.is_empty()).then_some(flow), ..Emphasis::default() };
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
