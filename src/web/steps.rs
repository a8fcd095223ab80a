//! The numbered list of steps under the diagram: every flow in order, in words.

use yew::prelude::*;

use super::Shared;
use crate::config::Config;
use crate::resolve::resolve;
use crate::scene::{hop_ports, ports_label};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalog: Shared,
    pub scenario: usize,
    pub config: Config,
    pub step: usize,
    pub on_select: Callback<usize>,
    pub id: AttrValue,
}

#[component]
pub fn StepList(props: &Props) -> Html {
    let catalog = &props.catalog;
    let r = resolve(catalog, &catalog.scenarios[props.scenario], &props.config);
    html! {
        <div class="vf-steps">
            <h3 class="vf-heading" id={format!("{}-title", props.id)}>{ "The traffic, step by step" }</h3>
            if r.flows.is_empty() {
                <p>{ "No traffic flows in this configuration." }</p>
            }
            <ol id={props.id.clone()} aria-labelledby={format!("{}-title", props.id)}>
                { for r.flows.iter().enumerate().map(|(i, f)| {
                    let flow = &catalog.flows[f.flow];
                    let mut path: Vec<&str> = f.hops.iter().map(|h| catalog.nodes[h.from].label.as_str()).collect();
                    if let Some(last) = f.hops.last() {
                        path.push(&catalog.nodes[last.to].label);
                    }
                    // The ports the rules need, as the table and the diagram give them.
                    let ports = ports_label(&f.hops.iter().flat_map(|h| hop_ports(catalog, h)).collect::<Vec<_>>());
                    let current = i == props.step;
                    let on_select = props.on_select.clone();
                    let purpose = format!("{}-{i}", props.id);
                    html! {
                        <li key={flow.id.clone()} class={classes!("vf-step", current.then_some("vf-current"), f.blocked.then_some("vf-blocked-step"))}
                            aria-current={current.then_some("step")}>
                            <button type="button" class="vf-steplink" aria-describedby={purpose.clone()}
                                onclick={Callback::from(move |_| on_select.emit(i))}>
                                <span class="vf-path">{ path.join(" → ") }</span>
                                <span class="vf-ports">{ ports }</span>
                            </button>
                            <span class="vf-purpose" id={purpose}>{ flow.purpose.clone() }</span>
                            if f.blocked {
                                <span class="vf-tag vf-tag-blocked">{ "Blocked in this configuration" }</span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
