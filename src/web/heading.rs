//! A heading at the level the host asked for ([`HeadingLevel`]), so the widget's outline fits
//! under the page's own headings.

use yew::prelude::*;

use crate::host::HeadingLevel;

/// `h1`–`h6`, or past `h6` a `div` with the heading role and its `aria-level`. A function, not
/// a component: it keeps no state, and a component of its own costs the wasm about 4 KB.
pub fn heading(level: HeadingLevel, class: &'static str, id: Option<String>, children: Html) -> Html {
    match level.tag() {
        Some(tag) => html! { <@{tag} {class} {id}>{ children }</@> },
        None => html! {
            <div role="heading" aria-level={level.get().to_string()} {class} {id}>{ children }</div>
        },
    }
}
