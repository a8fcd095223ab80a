//! The numbered list of flows under the diagram ("the traffic, step by step"): every flow in
//! order, in words; choosing one shows it on the diagram.

use yew::prelude::*;

use super::heading::heading;
use crate::host::HeadingLevel;

use std::rc::Rc;

use crate::checked::Stop;
use crate::resolve::Resolution;
use crate::ruleset::report::HopVerdict;
use crate::scene::{hop_ports, ports_label};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
    /// The flow on show.
    pub flow: usize,
    pub send: Callback<Action>,
    pub id: AttrValue,
    /// With the reader's rules checked, per flow where they stop it: such a flow says why.
    #[prop_or_default]
    pub stops: Option<Rc<Vec<Option<Stop>>>>,
    /// The level of this section's heading.
    pub heading: HeadingLevel,
}

#[component]
pub fn FlowList(props: &Props) -> Html {
    let r = &props.resolution;
    let catalog = &r.catalog;
    html! {
        <div class="vf-flows">
            { heading(props.heading, "vf-heading", Some(format!("{}-title", props.id)), html! { "The traffic, step by step" }) }
            if r.flows.is_empty() {
                <p>{ "No traffic flows in this configuration." }</p>
            }
            <ol id={props.id.clone()} aria-labelledby={format!("{}-title", props.id)}>
                { for r.flows.iter().enumerate().map(|(i, f)| {
                    let flow = &catalog.flows[f.flow];
                    let path = f.path(|n| catalog.nodes[n].label.clone(), |_| String::new());
                    // The ports the rules need, as the table and the diagram give them.
                    let ports = ports_label(&f.hops.iter().flat_map(|h| hop_ports(catalog, h)).collect::<Vec<_>>());
                    let current = i == props.flow;
                    let send = props.send.clone();
                    // Named by the flow, not its place, so the flows after a new one keep their ids.
                    let purpose = format!("{}-{}", props.id, flow.id);
                    html! {
                        <li key={flow.id.clone()} class={classes!("vf-flow", current.then_some("vf-current"), f.blocked.then_some("vf-blocked-flow"))}
                            aria-current={current.then_some("step")}>
                            <button type="button" class="vf-flowlink" aria-describedby={purpose.clone()}
                                onclick={Callback::from(move |_| send.emit(Action::Pick(i)))}>
                                <span class="vf-path">{ path }</span>
                                <span class="vf-ports">{ ports }</span>
                            </button>
                            <span class="vf-purpose" id={purpose}>{ flow.purpose.clone() }</span>
                            if f.blocked {
                                <span class="vf-tag vf-tag-blocked">{ "Blocked in this configuration" }</span>
                            }
                            { stopped(props.stops.as_ref().and_then(|s| s.get(i)?.as_ref())) }
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}

/// What the reader's rules do to a flow, when they block it or may not admit it.
fn stopped(stop: Option<&Stop>) -> Html {
    match stop {
        Some(h) if h.verdict == HopVerdict::Blocked => html! {
            <span class="vf-stopped"><span class="vf-tag vf-tag-blocked">{ "✕ Blocked by your rules" }</span>{ format!(" {}", h.reason) }</span>
        },
        Some(h) if h.verdict == HopVerdict::Unresolved => html! {
            <span class="vf-stopped"><span class="vf-tag vf-tag-unresolved">{ "? Your rules may not allow it" }</span>{ format!(" {}", h.reason) }</span>
        },
        _ => html! {},
    }
}
