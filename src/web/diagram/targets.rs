//! The diagram's keyboard targets and tooltip: one transparent button over each place and
//! connection in use, one Tab stop for all of them (arrow keys move, Enter chooses a
//! connection's rule, Escape lets go), and the words for each, which the tooltip also shows.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::super::dom;
use crate::model::{Catalog, RuleId};
use crate::resolve::Resolution;
use crate::scene::geom::Rect;
use crate::scene::{Hit, Layout, Mark, Traffic, edge_label_rect};
use crate::state::{Action, Move};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
    pub layout: Rc<Layout>,
    pub traffic: Rc<Traffic>,
    /// What the pointer or focus is on.
    pub hovered: Option<Hit>,
    /// Focus moved onto an item, or away (`None`).
    pub on_hover: Callback<Option<Hit>>,
    /// Where Enter and Escape send `ChooseRule`.
    pub send: Callback<Action>,
}

#[component]
pub fn Targets(props: &Props) -> Html {
    let list = use_node_ref();
    let tip = use_node_ref();
    // Which item holds the Tab stop; back to the first in another scenario.
    let cursor = use_state(|| 0_usize);
    {
        let cursor = cursor.clone();
        use_effect_with(props.resolution.scenario, move |_| cursor.set(0));
    }
    let (catalog, layout, traffic) = (&props.resolution.catalog, &props.layout, &props.traffic);
    let targets = targets(layout, traffic);
    let at = (*cursor).min(targets.len().saturating_sub(1));
    let tooltip = props.hovered.map(|h| (describe(catalog, layout, traffic, h), tooltip_at(layout, traffic, h)));
    use_placement(&list, &tip, targets.iter().map(|(_, r)| *r).collect(), tooltip.as_ref().map(|t| t.1));

    let on_key = {
        let (cursor, count, hovered) = (cursor.clone(), targets.len(), props.hovered);
        let (traffic, send, on_hover) = (traffic.clone(), props.send.clone(), props.on_hover.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                if let Some(Hit::Edge(edge)) = hovered {
                    send.emit(Action::ChooseRule(first_rule(&traffic, edge)));
                }
            }
            // Lets go of the item (its tooltip and chosen rule) but keeps focus where it is,
            // so the keyboard stays in the diagram.
            "Escape" => {
                on_hover.emit(None);
                send.emit(Action::ChooseRule(None));
            }
            key => {
                let from = dom::target_index(&e).unwrap_or(at);
                if let Some(next) = Move::of_key(key).map(|m| m.from(from, count)) {
                    e.prevent_default();
                    cursor.set(next);
                    dom::focus_sibling(&e, next);
                }
            }
        })
    };
    let focus = |target: Option<Hit>| props.on_hover.reform(move |_: FocusEvent| target);
    html! {
        <>
            <div class="vf-targets" role="group" ref={list} onkeydown={on_key}
                aria-label="Places and connections in the diagram: arrow keys move between them, Enter shows a connection's rule in the table, Escape lets go">
                { for targets.iter().enumerate().map(|(i, &(h, _))| html! {
                    <button key={match h { Hit::Node(slot) => format!("n{slot}"), Hit::Edge(e) => format!("e{e}") }}
                        type="button" class="vf-target" tabindex={if i == at { "0" } else { "-1" }}
                        aria-label={describe(catalog, layout, traffic, h)}
                        onfocus={focus(Some(h))} onblur={focus(None)}></button>
                }) }
            </div>
            if let Some((text, _)) = tooltip {
                <div class="vf-tooltip" ref={tip} aria-hidden="true">{ text }</div>
            }
        </>
    }
}

/// Places the buttons over their items and the tooltip under its item after each render,
/// through the CSS object model (a strict content security policy blocks `style` attributes).
#[hook]
fn use_placement(list: &NodeRef, tip: &NodeRef, rects: Vec<Rect>, tip_at: Option<(f64, f64)>) {
    // The buttons' elements and where they were last placed.
    let placed = use_mut_ref(Vec::<(web_sys::HtmlElement, Rect)>::new);
    let (list, tip) = (list.clone(), tip.clone());
    use_effect(move || {
        if let Some(list) = list.cast::<web_sys::Element>() {
            // The buttons are keyed, so most keep their place from one render to the next:
            // only a new button or a new place is written.
            let children = list.children();
            let mut placed = placed.borrow_mut();
            let bits = |r: &Rect| [r.x, r.y, r.w, r.h].map(f64::to_bits);
            let before: std::collections::HashMap<_, _> =
                std::mem::take(&mut *placed).into_iter().map(|(el, r)| (bits(&r), el)).collect();
            for (i, r) in rects.iter().enumerate() {
                let Some(el) = children.item(i as u32).and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok()) else {
                    continue;
                };
                if before.get(&bits(r)) != Some(&el) {
                    dom::place(Some(&el), Some((r.x, r.y)), Some((r.w, r.h)));
                }
                placed.push((el, *r));
            }
        }
        if let Some(at) = tip_at {
            dom::place(tip.cast::<web_sys::HtmlElement>().as_ref(), Some(at), None);
        }
    });
}

/// The items the keyboard reaches, in order: places in use, then connections in use.
fn targets(layout: &Layout, traffic: &Traffic) -> Vec<(Hit, Rect)> {
    let nodes = layout.nodes.iter().enumerate().filter(|&(slot, _)| traffic.nodes[slot]);
    let edges = traffic.edges.iter().enumerate().filter_map(|(e, u)| Some((e, u.as_ref()?)));
    nodes
        .map(|(slot, n)| (Hit::Node(slot), n.rect))
        .chain(edges.map(|(e, u)| (Hit::Edge(e), edge_label_rect(layout, e, &u.label))))
        .collect()
}

/// Where the tooltip of `hit` goes: under it, kept inside the diagram.
fn tooltip_at(layout: &Layout, traffic: &Traffic, hit: Hit) -> (f64, f64) {
    let rect = match hit {
        Hit::Node(slot) => layout.nodes[slot].rect,
        Hit::Edge(e) => traffic.edges[e]
            .as_ref()
            .map_or(layout.nodes[layout.edges[e].from].rect, |u| edge_label_rect(layout, e, &u.label)),
    };
    (rect.x.min(layout.width - 260.0).max(0.0), rect.bottom() + 6.0)
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
            let flows: Vec<String> = used.flows.iter().map(|s| (s + 1).to_string()).collect();
            format!(
                "{} to {}: {} ({}), step{} {}{}",
                from.label,
                to.label,
                used.label,
                used.kind.label().to_lowercase(),
                if flows.len() == 1 { "" } else { "s" },
                flows.join(", "),
                match used.mark {
                    Mark::Blocked => ". Blocked.",
                    Mark::Unresolved => ". Your rules may not allow it.",
                    Mark::Open => "",
                }
            )
        }
    }
}

/// The rules of what the pointer or focus is on: an edge's, or those of every edge at a place.
pub(super) fn rules_of(layout: &Layout, traffic: &Traffic, hit: Option<Hit>) -> Vec<RuleId> {
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

/// The rule a click or Enter on `edge` chooses: its first.
pub(super) fn first_rule(traffic: &Traffic, edge: usize) -> Option<RuleId> {
    traffic.edges[edge].as_ref().and_then(|u| u.rules.first().copied())
}
