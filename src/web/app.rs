//! The root component: loads the data, owns the reader's state, keeps it in the URL hash when
//! allowed, applies what the host asks for and tells the host what changed.

use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use super::config_panel::ConfigPanel;
use super::diagram::Diagram;
use super::player::Player;
use super::rules_table::RulesTable;
use super::setup::Setup;
use super::steps::StepList;
use super::tabs::Tabs;
use super::{Data, Shared, dom};
use crate::config::Config;
use crate::link::{self, Link};
use crate::model::{Catalog, Severity};
use crate::resolve::resolve;

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
    /// What the host has asked for, oldest first. The first request sets the starting state (a
    /// link in the hash, where the widget owns it, wins); each later one is applied once, in
    /// order, so several made before the next render all count.
    #[prop_or_default]
    pub requests: Rc<Vec<Request>>,
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

/// A host's request: a scenario, settings, or both.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub scenario: Option<String>,
    pub settings: Vec<(String, String)>,
    /// Start from the current configuration (`setConfig`, a new scenario) rather than from the
    /// scenario's defaults (the `config` attribute).
    pub merge: bool,
}

/// The state a host can read: ids as in the hash and the command line, and a 1-based step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub scenario: String,
    pub config: Vec<(String, String)>,
    pub step: usize,
}

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
                requests={props.requests.clone()} on_change={props.on_change.clone()}
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
    pub requests: Rc<Vec<Request>>,
    pub on_change: Option<Callback<(Snapshot, bool)>>,
    pub settings_beside: bool,
}

/// The reader's choices.
#[derive(Clone, PartialEq)]
struct Choice {
    scenario: usize,
    config: Config,
    step: usize,
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn step_count(catalog: &Catalog, scenario: usize, config: &Config) -> usize {
    resolve(catalog, &catalog.scenarios[scenario], config).flows.len()
}

fn from_hash(catalog: &Catalog) -> (Choice, Vec<String>) {
    let applied = link::parse(&current_hash()).apply(catalog, 0, |s, c| step_count(catalog, s, c));
    (Choice { scenario: applied.scenario, config: applied.config, step: applied.step }, applied.notices)
}

/// Where `current` (if any) goes when the host asks for `request`, and what had to be ignored.
/// A new scenario keeps the values of the keys it shares with the old one, as when the reader
/// switches; settings then apply in order.
fn apply_request(catalog: &Catalog, current: Option<&Choice>, request: &Request) -> (Choice, Vec<String>) {
    let mut notices = Vec::new();
    let scenario = match &request.scenario {
        None => current.map_or(0, |c| c.scenario),
        Some(id) => catalog.scenarios.iter().position(|s| s.id == *id).unwrap_or_else(|| {
            let ids: Vec<&str> = catalog.scenarios.iter().map(|s| s.id.as_str()).collect();
            notices.push(format!("Ignored scenario `{id}`: it is not one of {}.", ids.join(", ")));
            current.map_or(0, |c| c.scenario)
        }),
    };
    let s = &catalog.scenarios[scenario];
    let mut config = Config::defaults(catalog, s);
    if let Some(c) = current.filter(|_| request.merge) {
        carry_over(catalog, scenario, &c.config, &mut config);
    }
    for (key, value) in &request.settings {
        if let Err(e) = config.set(catalog, s, &format!("{key}={value}")) {
            notices.push(format!("Ignored `{key}={value}`: {e}."));
        }
    }
    let same = current.is_some_and(|c| c.scenario == scenario && c.config == config);
    let step = if same { current.map_or(0, |c| c.step) } else { 0 };
    (Choice { scenario, config, step }, notices)
}

/// `requests` applied one after another from `choice`, with everything they had to ignore.
fn apply_requests(catalog: &Catalog, mut choice: Choice, requests: &[Request]) -> (Choice, Vec<String>) {
    let mut ignored = Vec::new();
    for request in requests {
        let (next, mut notices) = apply_request(catalog, Some(&choice), request);
        choice = next;
        ignored.append(&mut notices);
    }
    (choice, ignored)
}

/// Copies into `config` (of scenario `to`) the values `from` has for the keys they share, where
/// `to` allows them.
fn carry_over(catalog: &Catalog, to: usize, from: &Config, config: &mut Config) {
    let next = &catalog.scenarios[to];
    for sk in &next.keys {
        let key = &catalog.keys[sk.key];
        let _ = config.set(catalog, next, &format!("{}={}", key.id, from.value_id(catalog, sk.key)));
    }
}

fn snapshot(catalog: &Catalog, c: &Choice) -> Snapshot {
    let s = &catalog.scenarios[c.scenario];
    let config = c.config.pairs(catalog, s).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Snapshot { scenario: s.id.clone(), config, step: c.step + 1 }
}

thread_local! {
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

#[component]
fn Widget(props: &WidgetProps) -> Html {
    let catalog = props.catalog.clone();
    let hash_state = props.hash_state;
    let instance = use_memo((), |_| {
        NEXT_ID.with(|n| {
            n.set(n.get() + 1);
            format!("vf{}", n.get())
        })
    });
    let initial = {
        let catalog = catalog.clone();
        let requests = props.requests.clone();
        move || {
            let link = link::parse(&current_hash());
            if hash_state && (link.scenario.is_some() || !link.settings.is_empty()) {
                from_hash(&catalog)
            } else {
                // Every request made so far, in order: a host may ask again before the first
                // render.
                let first = requests.first().cloned().unwrap_or_default();
                let (choice, mut notices) = apply_request(&catalog, None, &first);
                let (choice, mut more) = apply_requests(&catalog, choice, requests.get(1..).unwrap_or_default());
                notices.append(&mut more);
                (choice, notices)
            }
        }
    };
    let start = use_memo((), move |_| initial());
    let choice = use_state(|| start.0.clone());
    let notices = use_state(|| start.1.clone());
    let still = props.still;
    let reduced = use_state(move || still || dom::reduced_motion());
    let playing = use_state(|| !*reduced);
    let speed = use_state(|| 1.0_f64);
    let hovered_rules = use_state(Vec::<usize>::new);
    let chosen_rule = use_state(|| None::<usize>);
    let announcement = use_state(String::new);
    // The first render holds the diagram and what is above it; the player, step list, table
    // and setup below it, and the settings when they sit beside it, come in the next. Yew
    // hands the browser a frame once a batch of renders passes 16 ms; a small first render
    // lets the diagram lay itself out and draw (in the effect right after it) before that, so
    // the first frame the browser paints has the diagram, where it stays.
    let settled = use_state(|| false);
    {
        let settled = settled.clone();
        use_effect_with((), move |_| settled.set(true));
    }

    // Follow the system's motion preference as it changes.
    {
        let reduced = reduced.clone();
        let playing = playing.clone();
        use_effect_with((), move |_| {
            let query =
                web_sys::window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten());
            let listener = query.map(|q| {
                EventListener::new(&q, "change", move |_| {
                    let now = still || dom::reduced_motion();
                    reduced.set(now);
                    if now {
                        playing.set(false);
                    }
                })
            });
            move || drop(listener)
        });
    }

    // A change the reader did not make (the host's request, the player moving on) is recorded
    // here with the state it leads to, so the report below can tell the two apart.
    let quiet_for = use_mut_ref(|| Some(start.0.clone()));

    // Later requests from the host, once each and in order.
    let applied = use_mut_ref(|| props.requests.len().max(1));
    {
        let catalog = catalog.clone();
        let choice = choice.clone();
        let notices = notices.clone();
        let quiet_for = quiet_for.clone();
        let requests = props.requests.clone();
        use_effect_with(requests.len(), move |&count| {
            let from = std::mem::replace(&mut *applied.borrow_mut(), count.max(1));
            if from < count {
                let (next, ignored) = apply_requests(&catalog, (*choice).clone(), &requests[from..]);
                for notice in &ignored {
                    gloo::console::warn!(format!("vnet-flows: {notice}"));
                }
                notices.set(ignored);
                *quiet_for.borrow_mut() = Some(next.clone());
                choice.set(next);
            }
        });
    }

    // Every new state goes to the host, marked with whether the reader made it.
    {
        let catalog = catalog.clone();
        let on_change = props.on_change.clone();
        let quiet_for = quiet_for.clone();
        use_effect_with((*choice).clone(), move |c| {
            let by_reader = quiet_for.borrow_mut().take().as_ref() != Some(c);
            if let Some(on_change) = on_change {
                on_change.emit((snapshot(&catalog, c), by_reader));
            }
        });
    }

    // The hash: written after every change, read back when the reader edits it or goes back.
    // Not written on load, so a page's own anchor (`#dns`) stays as it came until something
    // changes; the page's history state is kept. Writing waits until changes pause for a moment
    // (`history.replaceState` costs about a millisecond, too much for every step of a quick
    // succession of changes).
    {
        let catalog = catalog.clone();
        let c = (*choice).clone();
        let loaded = use_mut_ref(|| true);
        let pending = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
        use_effect_with(c, move |c| {
            let on_load = std::mem::replace(&mut *loaded.borrow_mut(), false);
            let ours = |hash: &str| {
                let link = link::parse(hash);
                link.scenario.is_some() || !link.settings.is_empty() || link.step.is_some()
            };
            if hash_state && (!on_load || ours(&current_hash())) {
                let s = &catalog.scenarios[c.scenario];
                let pairs: Vec<(String, String)> =
                    c.config.pairs(&catalog, s).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                let (scenario, step) = (s.id.clone(), c.step);
                let write = move || {
                    let others = link::parse(&current_hash()).others;
                    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    let hash = link::format(&others, &scenario, &pairs, step);
                    if hash != current_hash()
                        && let Some(history) = web_sys::window().and_then(|w| w.history().ok())
                    {
                        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
                        let _ = history.replace_state_with_url(&state, "", Some(&hash));
                    }
                };
                // Replacing the timeout cancels the write it would have made.
                *pending.borrow_mut() = Some(gloo::timers::callback::Timeout::new(150, write));
            }
        });
    }
    {
        let catalog = catalog.clone();
        let choice = choice.clone();
        let notices = notices.clone();
        use_effect_with((), move |_| {
            let listener = (hash_state).then(|| {
                let window = web_sys::window().expect("a window");
                EventListener::new(&window, "hashchange", move |_| {
                    let parsed: Link = link::parse(&current_hash());
                    if parsed.scenario.is_some() || !parsed.settings.is_empty() {
                        let (c, n) = from_hash(&catalog);
                        choice.set(c);
                        notices.set(n);
                    }
                })
            });
            move || drop(listener)
        });
    }

    let c = (*choice).clone();
    let scenario = &catalog.scenarios[c.scenario];
    let resolution = resolve(&catalog, scenario, &c.config);
    let steps = resolution.flows.len();
    let step = c.step.min(steps.saturating_sub(1));

    let set_choice = {
        let choice = choice.clone();
        let chosen_rule = chosen_rule.clone();
        move |next: Choice| {
            chosen_rule.set(None);
            choice.set(next);
        }
    };
    // Keys the next scenario shares keep the reader's values, where that scenario allows them.
    let on_scenario = {
        let catalog = catalog.clone();
        let set_choice = set_choice.clone();
        let old = c.config.clone();
        Callback::from(move |s: usize| {
            let mut config = Config::defaults(&catalog, &catalog.scenarios[s]);
            carry_over(&catalog, s, &old, &mut config);
            set_choice(Choice { scenario: s, config, step: 0 });
        })
    };
    // A change that brings a new finding says so in the live region: the reader changed a
    // select and may not see the message appear above the diagram.
    let on_set = {
        let c = c.clone();
        let catalog = catalog.clone();
        let set_choice = set_choice.clone();
        let announcement = announcement.clone();
        let before = resolution.findings.clone();
        Callback::from(move |(key, value): (usize, usize)| {
            let s = &catalog.scenarios[c.scenario];
            let setting = format!("{}={}", catalog.keys[key].id, catalog.keys[key].values[value]);
            let mut config = c.config.clone();
            if config.set(&catalog, s, &setting).is_ok() {
                let after = resolve(&catalog, s, &config);
                let news: Vec<String> = after
                    .findings
                    .iter()
                    .filter(|f| !before.contains(f))
                    .map(|&f| {
                        let finding = &catalog.findings[f];
                        let label = match finding.severity {
                            Severity::Blocked => "Will not work",
                            Severity::Warning => "Watch out",
                        };
                        format!("{label}: {}", finding.text)
                    })
                    .collect();
                if !news.is_empty() {
                    announcement.set(news.join(" "));
                }
                let count = after.flows.len();
                set_choice(Choice { scenario: c.scenario, config, step: c.step.min(count.saturating_sub(1)) });
            }
        })
    };
    // Stepping by hand is announced; the player's own advance is not, so autoplay stays quiet.
    let go_to = {
        let choice = choice.clone();
        let quiet_for = quiet_for.clone();
        let announcement = announcement.clone();
        let summaries: Vec<String> = resolution
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| format!("Step {} of {}: {}", i + 1, steps, catalog.flows[f.flow].purpose))
            .collect();
        Callback::from(move |(target, announce): (usize, bool)| {
            if announce && let Some(text) = summaries.get(target) {
                announcement.set(text.clone());
            }
            // The live choice, not this render's: the animation loop may call an older copy of
            // this callback, and it must not undo a change made since.
            let mut next = (*choice).clone();
            next.step = target;
            if !announce {
                *quiet_for.borrow_mut() = Some(next.clone());
            }
            choice.set(next);
        })
    };
    let on_prev = {
        let go_to = go_to.clone();
        Callback::from(move |_| go_to.emit(((step + steps.max(1) - 1) % steps.max(1), true)))
    };
    let on_next = {
        let go_to = go_to.clone();
        Callback::from(move |_| go_to.emit(((step + 1) % steps.max(1), true)))
    };
    let on_autoplay_step = {
        let go_to = go_to.clone();
        Callback::from(move |s: usize| go_to.emit((s, false)))
    };
    let on_pick_step = {
        let go_to = go_to.clone();
        let playing = playing.clone();
        Callback::from(move |s: usize| {
            playing.set(false);
            go_to.emit((s, true))
        })
    };
    let on_toggle_play = {
        let playing = playing.clone();
        Callback::from(move |_| playing.set(!*playing))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s: f64| speed.set(s))
    };
    let on_hover_rules = {
        let hovered_rules = hovered_rules.clone();
        Callback::from(move |rules: Vec<usize>| hovered_rules.set(rules))
    };
    let on_choose_rule = {
        let chosen_rule = chosen_rule.clone();
        Callback::from(move |rule: Option<usize>| chosen_rule.set(rule))
    };
    let dismiss = {
        let notices = notices.clone();
        Callback::from(move |_| notices.set(Vec::new()))
    };

    // The rules the current step needs, and those the pointer is on, light up in the table.
    let step_rules: Vec<usize> =
        resolution.flows.get(step).map(|f| f.hops.iter().filter_map(|h| h.rule).collect()).unwrap_or_default();
    let id = |suffix: &str| format!("{}-{suffix}", instance);

    html! {
        <div class={classes!("vf-root", format!("vf-theme-{}", props.theme))} id={id("root")}>
            if !notices.is_empty() {
                <div class="vf-notice" role="status">
                    <p>{ "Some of the settings given could not be used:" }</p>
                    <ul>{ for notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    <button type="button" class="vf-button" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
            <Tabs catalog={catalog.clone()} current={c.scenario} on_select={on_scenario} id={id("tabs")} />
            <div role="tabpanel" id={id("tabs-panel")} aria-labelledby={format!("{}-{}", id("tabs"), c.scenario)}>
            <p class="vf-summary">{ scenario.summary.clone() }</p>
            <div class="vf-layout">
                if *settled || !props.settings_beside {
                    <ConfigPanel catalog={catalog.clone()} scenario={c.scenario} config={c.config.clone()} on_set={on_set} id={id("config")} />
                }
                <div class="vf-main">
                    { for resolution.findings.iter().map(|&f| {
                        let finding = &catalog.findings[f];
                        let (class, label) = match finding.severity {
                            Severity::Blocked => ("vf-finding vf-blocked", "Will not work: "),
                            Severity::Warning => ("vf-finding vf-warning", "Watch out: "),
                        };
                        html! { <p class={class}><strong>{ label }</strong>{ finding.text.clone() }</p> }
                    }) }
                    <Diagram
                        catalog={catalog.clone()}
                        theme={format!("{}{}", props.theme, if props.forced { "-forced" } else { "" })}
                        scenario={c.scenario}
                        config={c.config.clone()}
                        step={step}
                        playing={*playing && !*reduced}
                        speed={*speed}
                        reduced={*reduced}
                        chosen_rule={*chosen_rule}
                        on_step={on_autoplay_step}
                        on_hover_rules={on_hover_rules}
                        on_choose_rule={on_choose_rule.clone()}
                        steps_id={id("steps")}
                    />
                    if *settled {
                        <Player
                            playing={*playing && !*reduced}
                            reduced={*reduced}
                            speed={*speed}
                            step={step}
                            steps={steps}
                            on_toggle={on_toggle_play}
                            on_speed={on_speed}
                            on_prev={on_prev}
                            on_next={on_next}
                        />
                    }
                    <div class="vf-sr" aria-live="polite" aria-atomic="true">{ (*announcement).clone() }</div>
                    if *settled {
                        <StepList catalog={catalog.clone()} scenario={c.scenario} config={c.config.clone()} step={step} on_select={on_pick_step} id={id("steps")} />
                    }
                </div>
            </div>
            if *settled {
                <RulesTable
                    catalog={catalog.clone()}
                    scenario={c.scenario}
                    config={c.config.clone()}
                    highlighted={[step_rules, (*hovered_rules).clone()].concat()}
                    chosen={*chosen_rule}
                    on_choose={on_choose_rule}
                />
                <Setup catalog={catalog.clone()} scenario={c.scenario} config={c.config.clone()} />
            }
            </div>
        </div>
    }
}
