//! A heading at the level the host asked for ([`HeadingLevel`]), so the widget's outline fits
//! under the page's own headings.

use yew::prelude::*;

use crate::host::HeadingLevel;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub level: HeadingLevel,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// `h1`–`h6`, or past `h6` an element with the heading role and its `aria-level`.
#[component]
pub fn Heading(props: &Props) -> Html {
    let (class, id, children) = (props.class.clone(), props.id.clone(), props.children.clone());
    match props.level.tag() {
        Some(tag) => html! { <@{tag} {class} {id}>{ children }</@> },
        None => html! {
            <div role="heading" aria-level={props.level.get().to_string()} {class} {id}>{ children }</div>
        },
    }
}
