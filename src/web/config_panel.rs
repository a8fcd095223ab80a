//! The configuration panel: one labelled select per key the scenario uses, each with its
//! one-line explanation.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::heading::heading;
use crate::host::HeadingLevel;

use std::rc::Rc;

use crate::resolve::Resolution;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario and configuration shown.
    pub resolution: Rc<Resolution>,
    pub send: Callback<Action>,
    pub id: AttrValue,
    /// The level of this section's heading.
    pub heading: HeadingLevel,
}

#[component]
pub fn ConfigPanel(props: &Props) -> Html {
    let catalog = &props.resolution.catalog;
    let scenario = props.resolution.scenario();
    let config = &props.resolution.config;
    html! {
        <form class="vf-config" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            { heading(props.heading, "vf-heading", None, html! { "Your configuration" }) }
            { for scenario.keys.iter().map(|sk| {
                let key = &catalog.keys[sk.key];
                let id = format!("{}-{}", props.id, key.id);
                let help = format!("{id}-help");
                let send = props.send.clone();
                let k = sk.key;
                let ids = key.values.clone();
                let onchange = Callback::from(move |e: Event| {
                    if let Some(select) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                        && let Some(v) = ids.iter().position(|id| *id == select.value())
                    {
                        send.emit(Action::SetValue { key: k, value: v });
                    }
                });
                html! {
                    <div class="vf-field" key={key.id.clone()}>
                        <label for={id.clone()}>{ key.label.clone() }</label>
                        <select id={id} aria-describedby={help.clone()} {onchange} data-key={key.id.clone()}>
                            { for sk.values.iter().map(|&v| html! {
                                <option value={key.values[v].clone()} selected={config.value(sk.key) == v}>
                                    { key.labels[v].clone() }
                                </option>
                            }) }
                        </select>
                        <p class="vf-help" id={help}>{ key.explain.clone() }</p>
                    </div>
                }
            }) }
        </form>
    }
}
