//! Scenario tabs; a select takes their place in narrow containers (the stylesheet decides).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{Shared, dom};
use crate::model::ScenarioId;
use crate::state::{Action, Move};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalog: Shared,
    pub current: ScenarioId,
    pub send: Callback<Action>,
    pub id: AttrValue,
}

#[component]
pub fn Tabs(props: &Props) -> Html {
    let on_select = {
        let send = props.send.clone();
        Callback::from(move |i: usize| send.emit(Action::SetScenario(ScenarioId(i))))
    };
    let on_change = {
        let on_select = on_select.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                && let Ok(i) = select.value().parse::<usize>()
            {
                on_select.emit(i);
            }
        })
    };
    // Arrow keys move between tabs, as in any tab list, one tab from where focus is; focus follows
    // the selection.
    let on_key = {
        let on_select = on_select.clone();
        let (current, count) = (props.current.0, props.catalog.scenarios.len());
        Callback::from(move |e: KeyboardEvent| {
            let from = dom::target_index(&e).unwrap_or(current);
            let Some(next) = Move::of_key(&e.key()).map(|m| m.from(from, count)) else { return };
            e.prevent_default();
            on_select.emit(next);
            dom::focus_sibling(&e, next);
        })
    };
    let select_id = format!("{}-select", props.id);
    html! {
        <div class="vf-tabs">
            <div class="vf-tablist" role="tablist" aria-label="Scenarios" onkeydown={on_key}>
                { for props.catalog.scenarios.iter().enumerate().map(|(i, s)| {
                    let selected = i == props.current.0;
                    let on_select = on_select.clone();
                    html! {
                        <button type="button" role="tab" class="vf-tab" id={format!("{}-{i}", props.id)}
                            aria-controls={format!("{}-panel", props.id)}
                            aria-selected={selected.to_string()}
                            tabindex={if selected { "0" } else { "-1" }}
                            onclick={Callback::from(move |_| on_select.emit(i))}>
                            { s.title.clone() }
                        </button>
                    }
                }) }
            </div>
            <div class="vf-tabselect">
                <label for={select_id.clone()}>{ "Scenario" }</label>
                <select id={select_id} onchange={on_change}>
                    { for props.catalog.scenarios.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == props.current.0}>{ s.title.clone() }</option>
                    }) }
                </select>
            </div>
        </div>
    }
}
