//! Setup steps that are not traffic rules (DNS, routes, roles, storage), grouped by kind.

use yew::prelude::*;

use super::heading::heading;
use crate::host::HeadingLevel;

use std::rc::Rc;

use crate::resolve::Resolution;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
    /// The level of this section's heading.
    pub heading: HeadingLevel,
}

#[component]
pub fn Setup(props: &Props) -> Html {
    let r = &props.resolution;
    let catalog = &r.catalog;
    if r.steps.is_empty() {
        return html! {};
    }
    html! {
        <section class="vf-setup">
            { heading(props.heading, "vf-heading", None, html! { "Also set up" }) }
            <ul>
                { for r.steps.iter().map(|&s| {
                    let step = &catalog.steps[s];
                    html! {
                        <li key={step.id.clone()}>
                            <span class="vf-tag">{ step.kind.label() }</span>
                            { " " }{ step.text.clone() }
                            <span class="vf-cite">{ " (" }
                                { for step.sources.iter().enumerate().map(|(i, id)| {
                                    let source = catalog.source(id);
                                    html! { <>
                                        if i > 0 { { "; " } }
                                        <a href={source.map(crate::model::Source::url).unwrap_or_default()} target="_blank" rel="noopener"
                                            title={source.map(|s| s.title.clone()).unwrap_or_default()}>{ catalog.cite(id) }</a>
                                    </> }
                                }) }
                            { ")" }</span>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
