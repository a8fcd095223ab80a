//! The export menu under the rules' heading: the rules this configuration needs, in each format
//! `vnet-flows export` writes (byte for byte the same), to copy or to download.

use std::rc::Rc;

use yew::prelude::*;

use super::dom;
use crate::resolve::Resolution;
use crate::ruleset::export::{export_plan, offered};
use crate::ruleset::plan::{DENY_PRIORITY, Plan, PlanOptions};
use crate::ruleset::write::Export;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
}

#[component]
pub fn ExportMenu(props: &Props) -> Html {
    let open = use_state(|| false);
    let deny = use_state(|| false);
    let status = use_state(String::new);
    // The plan is made when the menu is open, once per configuration: closed, it costs nothing.
    let plan = use_memo((props.resolution.clone(), *open, *deny), |(r, open, deny)| {
        let options = PlanOptions { deny_outbound: *deny, ..PlanOptions::default() };
        open.then(|| export_plan(r, &options).map(Rc::new))
    });
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details = e.target_dyn_into::<web_sys::HtmlDetailsElement>();
            open.set(details.is_some_and(|d| d.open()));
        })
    };
    let on_deny = {
        let deny = deny.clone();
        Callback::from(move |e: Event| {
            let input = e.target_dyn_into::<web_sys::HtmlInputElement>();
            deny.set(input.is_some_and(|i| i.checked()));
        })
    };
    let scenario = props.resolution.scenario().id.clone();
    html! {
        <details class="vf-export" ontoggle={on_toggle}>
            <summary>{ "Export these rules as a file" }</summary>
            <div class="vf-export-body">
                <p class="vf-muted">
                    { "The same files as " }<code>{ "vnet-flows export" }</code>
                    { ", with rule priorities from 100. Nothing leaves this page." }
                </p>
                <label class="vf-export-option">
                    <input type="checkbox" checked={*deny} onchange={on_deny} />
                    { format!(" Deny all other outbound traffic (a deny rule at {DENY_PRIORITY}, and the rules it would otherwise block; ") }
                    <code>{ "--deny-outbound" }</code>{ ")" }
                </label>
                { match &*plan {
                    Some(Ok(plan)) => formats(plan, &scenario, &status),
                    Some(Err(problem)) => html! { <p role="alert">{ format!("These rules cannot be exported: {problem}") }</p> },
                    None => html! {},
                } }
                <p class="vf-muted" role="status">{ (*status).clone() }</p>
            </div>
        </details>
    }
}

/// One line per format the plan has a file for: its name, Copy and Download.
fn formats(plan: &Rc<Plan>, scenario: &str, status: &UseStateHandle<String>) -> Html {
    html! {
        <ul class="vf-export-list">
            { for offered(plan).into_iter().map(|format| {
                let name = format.file_name(scenario);
                html! {
                    <li key={format.id()}>
                        <span class="vf-export-label">{ format.label() }</span>
                        <button type="button" class="vf-button vf-small" onclick={copy(plan, format, status)}
                            aria-label={format!("Copy {}", format.label())}>{ "Copy" }</button>
                        <button type="button" class="vf-button vf-small" onclick={download(plan, format, name, status)}
                            aria-label={format!("Download {}", format.label())}>{ "Download" }</button>
                    </li>
                }
            }) }
        </ul>
    }
}

fn copy(plan: &Rc<Plan>, format: Export, status: &UseStateHandle<String>) -> Callback<MouseEvent> {
    let (plan, status) = (plan.clone(), status.clone());
    Callback::from(move |_| {
        let Some(text) = format.write(&plan) else { return };
        let status = status.clone();
        dom::copy_text(&text, move |ok| {
            status.set(if ok {
                format!("Copied the {}.", format.label())
            } else {
                "The browser did not allow copying; use Download, or the command line.".into()
            });
        });
    })
}

fn download(plan: &Rc<Plan>, format: Export, name: String, status: &UseStateHandle<String>) -> Callback<MouseEvent> {
    let (plan, status) = (plan.clone(), status.clone());
    Callback::from(move |_| {
        let Some(text) = format.write(&plan) else { return };
        status.set(if dom::download(&name, &text) {
            format!("Downloaded {name}.")
        } else {
            "The browser did not allow the download; use Copy, or the command line.".into()
        });
    })
}
