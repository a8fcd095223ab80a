//! "Seen an error? Paste it": from an error message to the rule, step or finding behind it
//! ([`crate::symptoms`], the same search as `vnet-flows why`), and from there to the scenario
//! and configuration where it arises, with its rule chosen on the diagram and in the table.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::Shared;
use crate::config::Config;
use crate::model::{RuleId, ScenarioId};
use crate::state::Action;
use crate::symptoms::{CauseKind, Index, Match, explain, fix};

/// How many matches the list shows, as the command line's default.
const LIMIT: usize = 5;
/// The longest message read: a pasted log longer than this is cut (the search is by words, and
/// an error line deep in a long log still matches).
const MAX_CHARS: usize = 20_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalog: Shared,
    pub send: Callback<Action>,
    pub id: AttrValue,
}

/// One match, as the list shows it and as choosing it sends it.
#[derive(Clone, PartialEq)]
struct Found {
    symptom: String,
    fix: String,
    /// The scenario's title and the settings that differ from its defaults.
    place: String,
    sources: Vec<(String, String, String)>,
    scenario: ScenarioId,
    config: Config,
    rule: Option<RuleId>,
}

impl Found {
    fn of(catalog: &Shared, m: &Match) -> Found {
        let c = &catalog.0;
        let scenario = &c.scenarios[m.scenario];
        let changed: Vec<String> = m.config.changed(c, scenario).iter().map(|(k, v)| format!("{k}={v}")).collect();
        let place = if changed.is_empty() {
            format!("{}, with its defaults", scenario.title)
        } else {
            format!("{}, with {}", scenario.title, changed.join(", "))
        };
        let sources = m.sources(c).into_iter().map(|id| {
            let source = c.source(id);
            let url = source.map(crate::model::Source::url).unwrap_or_default();
            (c.cite(id), url, source.map(|s| s.title.clone()).unwrap_or_default())
        });
        Found {
            symptom: m.symptom.text.clone(),
            fix: fix(c, m),
            place,
            sources: sources.collect(),
            scenario: m.scenario,
            config: m.config.clone(),
            rule: (m.cause.kind == CauseKind::Rule).then_some(RuleId(m.cause.item)),
        }
    }
}

#[component]
pub fn Why(props: &Props) -> Html {
    let text = use_node_ref();
    // `None` until the reader searches; the index is built at the first search.
    let found = use_state(|| None::<Rc<Vec<Found>>>);
    let index = use_mut_ref(|| None::<Rc<Index>>);
    let on_submit = {
        let (text, found, catalog) = (text.clone(), found.clone(), props.catalog.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let query = text.cast::<web_sys::HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            let query: String = query.chars().take(MAX_CHARS).collect();
            if query.trim().is_empty() {
                return found.set(None);
            }
            let index = index.borrow_mut().get_or_insert_with(|| Rc::new(Index::new(&catalog.0))).clone();
            let matches = explain(&catalog.0, &index, &query, LIMIT);
            found.set(Some(Rc::new(matches.iter().map(|m| Found::of(&catalog, m)).collect())));
        })
    };
    let text_id = format!("{}-text", props.id);
    html! {
        <details class="vf-why">
            <summary>{ "Seen an error? Paste it" }</summary>
            <form class="vf-why-form" onsubmit={on_submit}>
                <label for={text_id.clone()}>
                    { "The error message, or what you saw (names, IDs and regions may stay in)" }
                </label>
                <textarea id={text_id} ref={text} rows="3" spellcheck="false" />
                <button type="submit" class="vf-button">{ "Find the cause" }</button>
            </form>
            <div role="status">
                { match &*found {
                    None => html! {},
                    Some(list) if list.is_empty() => no_match(),
                    Some(list) => matches(list, &props.send),
                } }
            </div>
        </details>
    }
}

fn matches(list: &Rc<Vec<Found>>, send: &Callback<Action>) -> Html {
    html! {
        <ol class="vf-why-list">
            { for list.iter().map(|f| {
                let action = Action::ShowCause { scenario: f.scenario, config: f.config.clone(), rule: f.rule };
                let send = send.clone();
                html! {
                    <li>
                        <q>{ f.symptom.clone() }</q>
                        <p>{ "Fix: " }{ f.fix.clone() }</p>
                        <p class="vf-muted">{ "Arises in " }{ f.place.clone() }{ "." }</p>
                        <p class="vf-cite">
                            { for f.sources.iter().enumerate().map(|(i, (cite, url, title))| html! { <>
                                if i > 0 { { "; " } }
                                <a href={url.clone()} target="_blank" rel="noopener" title={title.clone()}>{ cite.clone() }</a>
                            </> }) }
                        </p>
                        <button type="button" class="vf-button vf-small"
                            onclick={Callback::from(move |_| send.emit(action.clone()))}>
                            { "Show this configuration" }
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}

/// No known cause: say so, and offer the scenarios to browse.
fn no_match() -> Html {
    let to_scenarios = Callback::from(|e: MouseEvent| {
        let root = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".vf-root").ok().flatten());
        let Some(root) = root else { return };
        let tab = root.query_selector(".vf-tab[aria-selected=true]").ok().flatten();
        let visible = |el: &web_sys::Element| el.get_client_rects().length() > 0;
        let target = tab.filter(visible).or_else(|| root.query_selector(".vf-tabselect select").ok().flatten());
        if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
    html! {
        <p class="vf-why-none">
            { "No known cause matches this message. Try its most distinctive part, or " }
            <button type="button" class="vf-linkish" onclick={to_scenarios}>{ "browse the scenarios" }</button>
            { " and their rules." }
        </p>
    }
}
