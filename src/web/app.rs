//! The root component: shows the data or its errors, follows the system's colour scheme, and
//! renders the widget: the reader's state in one reducer ([`crate::state`]), kept in step with
//! the host and the URL hash by the hooks in [`super::sync`], and handed to components that
//! render what they are given and send actions.

use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use super::check_panel::CheckPanel;
use super::config_panel::ConfigPanel;
use super::diagram::Diagram;
use super::flows::FlowList;
use super::player::Player;
use super::rules_table::RulesTable;
use super::setup::Setup;
use super::sync::{CheckNews, use_hash, use_host, use_host_rules, use_motion_preference};
use super::tabs::Tabs;
use super::why::Why;
use super::{Data, Shared, dom};
use crate::host::HeadingLevel;
use crate::state::{Action, Start, State};
pub use crate::state::{Request, Requests, RulesRequest, Snapshot};

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    /// The catalog to show, or the errors that kept it from loading.
    pub data: Data,
    /// Whether this widget reads and writes the page's URL hash (one widget per page should).
    #[prop_or(true)]
    pub hash_state: bool,
    /// Never animate, as if the reader had asked for reduced motion (for hosts that print or
    /// test the widget).
    #[prop_or_default]
    pub still: bool,
    /// `auto` (follow the system), `light`, `dark` or `high-contrast`.
    #[prop_or(AttrValue::Static("auto"))]
    pub theme: AttrValue,
    /// The level of the widget's section headings (the host's `heading-level`).
    #[prop_or_default]
    pub heading_level: HeadingLevel,
    /// What the host has asked for and the widget may not have applied yet, oldest first.
    /// Request 0 sets the starting state (a link in the hash, where the widget owns it, wins);
    /// each later one is applied once, in order, so several made before the next render all
    /// count.
    #[prop_or_default]
    pub requests: Rc<Requests>,
    /// The widget's last state, as a link, when it starts again after a failure.
    #[prop_or_default]
    pub restore: Option<AttrValue>,
    /// This widget is the one that failed (a notice says it started again).
    #[prop_or_default]
    pub failed: bool,
    /// The host's latest `checkRules` or `clearRules`.
    #[prop_or_default]
    pub rules: Option<Rc<RulesRequest>>,
    /// Told every new report of a check, and every clearing (see [`use_host_rules`]).
    #[prop_or_default]
    pub on_check: Option<Callback<CheckNews>>,
    /// Told how many requests have been applied, so the host can drop them.
    #[prop_or_default]
    pub on_applied: Option<Callback<usize>>,
    /// Told about every new state, with `true` when the reader made the change (not the host,
    /// not the player moving on by itself).
    #[prop_or_default]
    pub on_change: Option<Callback<(Snapshot, bool)>>,
    /// The host is wide enough that the settings sit beside the diagram, not above it (the
    /// stylesheet's breakpoint, [`SETTINGS_BESIDE`]): the first render may then leave them for
    /// the next without moving the diagram.
    #[prop_or_default]
    pub settings_beside: bool,
}

/// The widest container in which the stylesheet stacks the settings above the diagram
/// (`@container vf (max-width: 820px)` in `www/vnet-flows.css`).
pub const SETTINGS_BESIDE: f64 = 820.0;

/// The theme to draw with: the host's choice, with `auto` resolved from the system.
fn effective_theme(asked: &str, dark: bool) -> &'static str {
    match asked {
        "light" => "light",
        "dark" => "dark",
        "high-contrast" => "high-contrast",
        _ if dark => "dark",
        _ => "light",
    }
}

/// Loads and validates the data; shows its errors in place when it does not load.
#[component]
pub fn App(props: &Props) -> Html {
    // The system's colour scheme and forced colours, followed as they change.
    let dark = use_state(|| dom::matches("(prefers-color-scheme: dark)"));
    let forced = use_state(|| dom::matches("(forced-colors: active)"));
    {
        let (dark, forced) = (dark.clone(), forced.clone());
        use_effect_with((), move |_| {
            let window = web_sys::window();
            let watch = |query: &str, state: UseStateHandle<bool>| {
                let list = window.as_ref()?.match_media(query).ok().flatten()?;
                let target = list.clone();
                Some(EventListener::new(&list, "change", move |_| state.set(target.matches())))
            };
            let listeners = [watch("(prefers-color-scheme: dark)", dark), watch("(forced-colors: active)", forced)];
            move || drop(listeners)
        });
    }
    let theme = effective_theme(&props.theme, *dark);
    match &props.data {
        // Keyed by the catalog, so new data starts a fresh widget instead of reusing indices.
        Data::Ready(catalog) => html! {
            <Widget key={format!("{:p}", Rc::as_ptr(&catalog.0))} catalog={catalog.clone()}
                hash_state={props.hash_state} still={props.still} theme={theme} forced={*forced}
                heading={props.heading_level}
                requests={props.requests.clone()} on_applied={props.on_applied.clone()}
                restore={props.restore.clone()} failed={props.failed}
                on_change={props.on_change.clone()}
                rules={props.rules.clone()} on_check={props.on_check.clone()}
                settings_beside={props.settings_beside} />
        },
        Data::Broken(errors) => html! {
            <div class={classes!("vf-root", "vf-errors", format!("vf-theme-{theme}"))} role="alert">
                <p><strong>{ "The traffic data could not be read, so the diagram cannot be shown." }</strong></p>
                <ul>{ for errors.iter().map(|e| html! { <li><code>{ e.to_string() }</code></li> }) }</ul>
            </div>
        },
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct WidgetProps {
    pub catalog: Shared,
    pub hash_state: bool,
    pub still: bool,
    /// `light`, `dark` or `high-contrast`.
    pub theme: AttrValue,
    /// Forced colours are on (the stylesheet switches to system colours).
    pub forced: bool,
    pub heading: HeadingLevel,
    pub requests: Rc<Requests>,
    pub restore: Option<AttrValue>,
    pub failed: bool,
    pub on_applied: Option<Callback<usize>>,
    pub on_change: Option<Callback<(Snapshot, bool)>>,
    pub rules: Option<Rc<RulesRequest>>,
    pub on_check: Option<Callback<CheckNews>>,
    pub settings_beside: bool,
}

impl Reducible for State {
    type Action = Action;

    /// The same `Rc` when nothing changed, so nothing renders again.
    fn reduce(self: Rc<State>, action: Action) -> Rc<State> {
        let mut next = (*self).clone();
        next.update(action);
        if next == *self { self } else { Rc::new(next) }
    }
}

thread_local! {
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

#[component]
fn Widget(props: &WidgetProps) -> Html {
    let instance = use_memo((), |_| {
        NEXT_ID.with(|n| {
            n.set(n.get() + 1);
            format!("vf{}", n.get())
        })
    });
    let state = {
        let (catalog, requests) = (props.catalog.0.clone(), props.requests.clone());
        let (hash_state, still, restore, failed) = (props.hash_state, props.still, props.restore.clone(), props.failed);
        use_reducer(move || {
            let hash = hash_state.then(super::sync::current_hash);
            let reduced_motion = still || dom::reduced_motion();
            State::new(Start {
                catalog,
                hash: hash.as_deref(),
                restore: restore.as_deref(),
                failed,
                requests: &requests,
                reduced_motion,
            })
        })
    };
    // One callback for the widget's life: every component sends its actions through it.
    let send = {
        let dispatcher = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |action: Action| dispatcher.dispatch(action)))).clone()
    };
    {
        let send = send.clone();
        use_effect_with((), move |_| send.emit(Action::Settled));
    }
    use_motion_preference(props.still, send.clone());
    use_host(&state, props.requests.clone(), props.on_applied.clone(), props.on_change.clone(), send.clone());
    use_hash(&state, props.hash_state, send.clone());
    use_host_rules(&state, props.rules.clone(), props.on_check.clone(), send.clone());

    let id = |suffix: &str| format!("{instance}-{suffix}");
    let r = &state.resolution;
    let catalog = &props.catalog;
    let theme = format!("{}{}", props.theme, if props.forced { "-forced" } else { "" });
    // The first render holds the diagram and what is above it; the player, step list, table
    // and setup below it, and the settings when they sit beside it, come in the next. Yew
    // hands the browser a frame once a batch of renders passes 16 ms; a small first render
    // lets the diagram lay itself out and draw (in the effect right after it) before that, so
    // the first frame the browser paints has the diagram, where it stays.
    let settled = state.settled;
    html! {
        <div class={classes!("vf-root", format!("vf-theme-{}", props.theme))} id={id("root")}>
            <Notices notices={state.notices.clone()} restarted={state.restarted} send={send.clone()} />
            <Why catalog={catalog.clone()} send={send.clone()} id={id("why")} />
            <Tabs catalog={catalog.clone()} current={state.scenario()} send={send.clone()} id={id("tabs")} />
            <div role="tabpanel" id={id("tabs-panel")} aria-labelledby={format!("{}-{}", id("tabs"), state.scenario().0)}>
            <p class="vf-summary">{ r.scenario().summary.clone() }</p>
            <div class="vf-layout">
                if settled || !props.settings_beside {
                    <ConfigPanel resolution={r.clone()} send={send.clone()} id={id("config")} heading={props.heading} />
                }
                <div class="vf-main">
                    { for r.findings.iter().map(|&f| finding(catalog, f)) }
                    <Diagram resolution={r.clone()} {theme} flow={state.flow} playing={state.moving()}
                        speed={state.speed} reduced={state.reduced_motion} chosen_rule={state.chosen_rule}
                        send={send.clone()} flows_id={id("flows")}
                        marks={state.checked.as_ref().map(|c| c.marks.clone())} />
                    if settled {
                        <Player playing={state.moving()} reduced={state.reduced_motion} speed={state.speed}
                            flow={state.flow} flows={r.flows.len()} send={send.clone()} />
                    }
                    <div class="vf-sr" aria-live="polite" aria-atomic="true">{ state.announcement.clone() }</div>
                    if settled {
                        <FlowList resolution={r.clone()} flow={state.flow} send={send.clone()} id={id("flows")}
                            stops={state.checked.as_ref().map(|c| c.stops.clone())}
                            heading={props.heading} />
                    }
                </div>
            </div>
            if settled {
                <CheckPanel resolution={r.clone()} checked={state.checked.clone()} send={send.clone()}
                    id={id("check")} heading={props.heading} />
                <RulesTable resolution={r.clone()} highlighted={state.highlighted_rules()}
                    chosen={state.chosen_rule} verdicts={state.checked.as_ref().map(|c| c.rules.clone())}
                    send={send.clone()} heading={props.heading} />
                <Setup resolution={r.clone()} heading={props.heading} />
            }
            </div>
        </div>
    }
}

/// A finding above the diagram, opening with its severity's words.
fn finding(catalog: &crate::model::Catalog, f: usize) -> Html {
    let finding = &catalog.findings[f];
    let class = match finding.severity {
        crate::model::Severity::Blocked => "vf-finding vf-blocked",
        crate::model::Severity::Warning => "vf-finding vf-warning",
    };
    html! { <p class={class}><strong>{ format!("{}: ", finding.severity.label()) }</strong>{ finding.text.clone() }</p> }
}

#[derive(Properties, PartialEq)]
struct NoticesProps {
    notices: Vec<String>,
    restarted: bool,
    send: Callback<Action>,
}

/// That the widget started again after a failure, and what the host's settings or a link had
/// to ignore, until the reader dismisses it.
#[component]
fn Notices(props: &NoticesProps) -> Html {
    if props.notices.is_empty() && !props.restarted {
        return html! {};
    }
    let send = props.send.clone();
    html! {
        <div class="vf-notice" role="status">
            if props.restarted {
                <p>{ crate::state::RESTARTED }</p>
            }
            if !props.notices.is_empty() {
                <p>{ "Some of the settings given could not be used:" }</p>
                <ul>{ for props.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
            }
            <button type="button" class="vf-button" onclick={Callback::from(move |_| send.emit(Action::DismissNotices))}>{ "Dismiss" }</button>
        </div>
    }
}
