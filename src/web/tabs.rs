//! Scenario tabs; a select takes their place in narrow containers (the stylesheet decides).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{Shared, dom};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalog: Shared,
    pub current: usize,
    pub on_select: Callback<usize>,
    pub id: AttrValue,
}

#[component]
pub fn Tabs(props: &Props) -> Html {
    let on_change = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                && let Ok(i) = select.value().parse::<usize>()
            {
                on_select.emit(i);
            }
        })
    };
    // Arrow keys move between tabs, as in any tab list.
    let on_key = {
        let on_select = props.on_select.clone();
        let (current, count) = (props.current, props.catalog.scenarios.len());
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => (current + 1) % count,
                "ArrowLeft" => (current + count - 1) % count,
                "Home" => 0,
                "End" => count - 1,
                _ => return,
            };
            e.prevent_default();
            on_select.emit(next);
            // Focus follows the selection, as in any tab list.
            dom::focus_sibling(&e, next);
        })
    };
    let select_id = format!("{}-select", props.id);
    html! {
        <nav class="vf-tabs" aria-label="Scenarios">
            <div class="vf-tablist" role="tablist" onkeydown={on_key}>
                { for props.catalog.scenarios.iter().enumerate().map(|(i, s)| {
                    let selected = i == props.current;
                    let on_select = props.on_select.clone();
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
                        <option value={i.to_string()} selected={i == props.current}>{ s.title.clone() }</option>
                    }) }
                </select>
            </div>
        </nav>
    }
}
