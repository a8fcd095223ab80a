//! "Check my rules": the reader pastes rule files or drops them (the formats `vnet-flows check`
//! reads), gives the region and any template parameters, and sees what their rules make of
//! this configuration's flows. The reading and the check are the reducer's
//! ([`Action::CheckRules`]); this panel holds only what the reader is typing, and shows the
//! report it is given. Nothing leaves the page and nothing is stored.

use std::rc::Rc;

use yew::prelude::*;

use super::dom;
use super::heading::heading;
use crate::checked::Checked;
use crate::host::HeadingLevel;
use crate::resolve::Resolution;
use crate::ruleset::model::ReadError;
use crate::ruleset::pasted::{RuleFile, RulesInput};
use crate::ruleset::report::{CheckReport, FlowCheck, FlowVerdict};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
    /// The reader's rules and their report on this configuration, once checked.
    pub checked: Option<Checked>,
    pub send: Callback<Action>,
    pub id: AttrValue,
    pub heading: HeadingLevel,
}

/// What the reader has typed and chosen, not yet checked.
#[derive(Clone, Default, PartialEq)]
struct Form {
    text: String,
    region: String,
    params: String,
    vnet: String,
    files: Vec<RuleFile>,
    unread: Vec<ReadError>,
}

impl Form {
    /// What the reducer checks: the pasted text (as a file named `pasted`), then the files.
    fn input(&self) -> RulesInput {
        let pasted =
            Some(RuleFile { name: "pasted".into(), text: self.text.clone() }).filter(|f| !f.text.trim().is_empty());
        RulesInput {
            files: pasted.into_iter().chain(self.files.iter().cloned()).collect(),
            region: self.region.clone(),
            params: self.params.clone(),
            vnet: self.vnet.clone(),
            unread: self.unread.clone(),
        }
    }
}

/// The formats the panel reads, in words, for its description.
const FORMATS: &str = "JSON from an ARM template (or the NSG file the export above writes), \
    az network nsg show or rule list, az network firewall policy rule-collection-group show, \
    az network firewall show, or terraform show -json.";

#[component]
pub fn CheckPanel(props: &Props) -> Html {
    let form = use_state(Form::default);
    let file_input = use_node_ref();
    let id = |suffix: &str| format!("{}-{suffix}", props.id);
    let check = {
        let send = props.send.clone();
        move |form: &Form| send.emit(Action::CheckRules(Rc::new(form.input())))
    };
    let on_submit = {
        let (form, check) = (form.clone(), check.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            check(&form);
        })
    };
    let take_files = {
        let (form, check) = (form.clone(), check.clone());
        Callback::from(move |list: Option<web_sys::FileList>| {
            let Some(list) = list else { return };
            let (form, check) = (form.clone(), check.clone());
            dom::read_files(list, move |files, unread| {
                let next = Form { files, unread, ..(*form).clone() };
                check(&next);
                form.set(next);
            });
        })
    };
    let on_clear = {
        let (form, send, file_input) = (form.clone(), props.send.clone(), file_input.clone());
        Callback::from(move |_: MouseEvent| {
            form.set(Form::default());
            if let Some(input) = file_input.cast::<web_sys::HtmlInputElement>() {
                input.set_value("");
            }
            send.emit(Action::ClearRules);
        })
    };
    let field = |set: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            set(&mut next, dom::input_value(&e));
            form.set(next);
        })
    };
    let on_files = take_files.reform(|e: Event| dom::chosen_files(&e));
    let on_drop = take_files.reform(|e: DragEvent| {
        e.prevent_default();
        e.data_transfer().and_then(|d| d.files())
    });
    html! {
        <details class="vf-check" open={props.checked.is_some()}>
            <summary>{ "Check my rules" }</summary>
            <form class="vf-check-form" onsubmit={on_submit} ondragover={Callback::from(|e: DragEvent| e.prevent_default())}
                ondrop={on_drop}>
                <p class="vf-muted" id={id("formats")}>
                    { "Paste or drop your rules to see which flows of this configuration they block. Reads " }
                    { FORMATS }{ " Your rules stay in this page: nothing is sent or stored." }
                </p>
                <label for={id("text")}>{ "Rules (JSON)" }</label>
                <textarea id={id("text")} class="vf-check-text" rows="6" spellcheck="false" aria-describedby={id("formats")}
                    value={form.text.clone()} oninput={field(|f, v| f.text = v)} />
                <label for={id("files")}>{ "Or choose files (or drop them here)" }</label>
                <input id={id("files")} ref={file_input} type="file" multiple=true accept=".json,application/json" onchange={on_files} />
                <div class="vf-check-options">
                    <label for={id("region")}>{ "Region" }</label>
                    <input id={id("region")} type="text" placeholder="westeurope" value={form.region.clone()}
                        oninput={field(|f, v| f.region = v)} />
                    <label for={id("vnet")}>{ "VNet address space (optional, such as 10.0.0.0/16)" }</label>
                    <input id={id("vnet")} type="text" placeholder="10.0.0.0/16" value={form.vnet.clone()}
                        oninput={field(|f, v| f.vnet = v)} />
                    <label for={id("params")}>{ "Template parameters, one NAME=VALUE per line" }</label>
                    <textarea id={id("params")} rows="2" spellcheck="false" value={form.params.clone()}
                        oninput={field(|f, v| f.params = v)} />
                </div>
                <div class="vf-check-actions">
                    <button type="submit" class="vf-button">{ "Check" }</button>
                    <button type="button" class="vf-button" onclick={on_clear}>{ "Clear" }</button>
                    if !form.files.is_empty() {
                        <span class="vf-muted">{ format!("Files: {}", names(&form.files)) }</span>
                    }
                </div>
            </form>
            if let Some(checked) = &props.checked {
                { report(checked, &props.resolution, &props.send, props.heading) }
            }
        </details>
    }
}

fn names(files: &[RuleFile]) -> String {
    files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// The report: the summary, the flows the rules stop, the rules they do not need, the input that
/// could not be read, and what the check assumed.
fn report(checked: &Checked, r: &Resolution, send: &Callback<Action>, level: HeadingLevel) -> Html {
    let report = &checked.report;
    let stopped: Vec<&FlowCheck> = report.flows.iter().filter(|f| f.verdict != FlowVerdict::Allowed).collect();
    html! {
        <div class="vf-check-report" aria-busy={(!checked.complete).to_string()}>
            { heading(level.below(), "vf-check-summary", None, html! { report.summary() }) }
            { jumps(report) }
            if !checked.files.is_empty() {
                <p class="vf-muted">{ format!("Checked: {}", checked.files.join(", ")) }</p>
            }
            if !report.errors.is_empty() {
                <div class="vf-check-errors" role="alert">
                    <p>{ "Some of the input could not be read; the rest was checked:" }</p>
                    <ul>{ for report.errors.iter().map(|e| html! {
                        <li><code>{ e.file.clone() }</code>{ if e.at.is_empty() { String::new() } else { format!(", {}", e.at) } }
                            { format!(": {}", e.message) }</li>
                    }) }</ul>
                </div>
            }
            if !stopped.is_empty() {
                <ul class="vf-check-flows">{ for stopped.iter().map(|f| stopped_flow(f, r, send)) }</ul>
            }
            <Listed report={checked.report.clone()} list={List::Unneeded} />
            <Listed report={checked.report.clone()} list={List::Obsolete} />
            <Listed report={checked.report.clone()} list={List::Assumed} />
        </div>
    }
}

/// A flow the rules block or may not admit: a button that shows it, with the rule it needs
/// chosen in the table, and why.
fn stopped_flow(flow: &FlowCheck, r: &Resolution, send: &Callback<Action>) -> Html {
    let stop = flow.stopped_at();
    let rule = stop.and_then(|(hop, _)| r.flows.get(flow.index)?.hops.get(hop)?.rule);
    let (class, word) = match flow.verdict {
        FlowVerdict::Blocked => ("vf-tag vf-tag-blocked", "✕ Blocked"),
        _ => ("vf-tag vf-tag-unresolved", "? Unresolved"),
    };
    let on_show = {
        let (send, index) = (send.clone(), flow.index);
        let row = rule.map(|rule| r.catalog.rules[rule].id.clone());
        Callback::from(move |e: MouseEvent| {
            send.emit(Action::Pick(index));
            send.emit(Action::ChooseRule(rule));
            if let Some(row) = &row {
                dom::reveal_row(&e, row);
            }
        })
    };
    html! {
        <li key={flow.id.clone()} data-verdict={flow.verdict.id()}>
            <span class={class}>{ word }</span>{ " " }
            <button type="button" class="vf-linklike" onclick={on_show}>
                { format!("Step {}: {}", flow.index + 1, flow.purpose) }
            </button>
            if let Some((_, h)) = stop {
                <span class="vf-muted">{ format!(" {}", h.reason) }</span>
            }
        </li>
    }
}

/// The report's long lists, each behind a disclosure.
#[derive(Clone, Copy, PartialEq)]
enum List {
    Unneeded,
    Obsolete,
    Assumed,
}

impl List {
    fn id(self) -> &'static str {
        match self {
            List::Unneeded => "unneeded",
            List::Obsolete => "obsolete",
            List::Assumed => "assumed",
        }
    }
}

/// Under the summary, a button per count that is not zero, leading to its entries: the first
/// blocked or unresolved flow, the unneeded or retired rules (their disclosure opens).
fn jumps(report: &CheckReport) -> Html {
    let c = report.counts();
    let targets = [
        (c.blocked, "blocked", "li[data-verdict=\"blocked\"]"),
        (c.unresolved, "unresolved", "li[data-verdict=\"unresolved\"]"),
        (c.unneeded, "unneeded", "details[data-list=\"unneeded\"]"),
        (c.obsolete, "obsolete", "details[data-list=\"obsolete\"]"),
    ];
    let buttons: Vec<Html> = targets
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, word, selector)| {
            let onclick = Callback::from(move |e: MouseEvent| dom::reveal(&e, selector));
            html! { <button type="button" class="vf-button vf-small" {onclick}>{ format!("{count} {word}") }</button> }
        })
        .collect();
    if buttons.is_empty() {
        return html! {};
    }
    html! { <p class="vf-check-jumps">{ "Go to: " }{ for buttons }</p> }
}

#[derive(Properties)]
struct ListedProps {
    report: Rc<CheckReport>,
    list: List,
}

impl PartialEq for ListedProps {
    fn eq(&self, other: &ListedProps) -> bool {
        Rc::ptr_eq(&self.report, &other.report) && self.list == other.list
    }
}

/// One of the report's lists behind a disclosure. A large rule set can have a thousand unneeded
/// rules, so the items are rendered only while the disclosure is open.
#[component]
fn Listed(props: &ListedProps) -> Html {
    let open = use_state(|| false);
    let report = &props.report;
    let (count, one, many) = match props.list {
        List::Unneeded => (report.unneeded.len(), "rule unneeded", "rules unneeded"),
        List::Obsolete => (report.obsolete.len(), "rule obsolete", "rules obsolete"),
        List::Assumed => (report.assumptions.len(), "thing the check assumed", "things the check assumed"),
    };
    if count == 0 {
        return html! {};
    }
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_dyn_into::<web_sys::HtmlDetailsElement>().is_some_and(|d| d.open()))
        })
    };
    let item = |rule: &str, set: &str, why: &str| html! { <li><code>{ rule.to_string() }</code>{ format!(" in {set}: {why}") }</li> };
    html! {
        <details class="vf-check-listed" data-list={props.list.id()} ontoggle={on_toggle}>
            <summary>{ format!("{count} {}", if count == 1 { one } else { many }) }</summary>
            if *open {
                <ul>{ match props.list {
                    List::Unneeded => report.unneeded.iter().map(|u| item(&u.rule, &u.set, &u.why)).collect::<Html>(),
                    List::Obsolete => report.obsolete.iter().map(|o| item(&o.rule, &o.set, &o.note)).collect::<Html>(),
                    List::Assumed => report.assumptions.iter().map(|a| html! { <li>{ a.clone() }</li> }).collect::<Html>(),
                } }</ul>
            }
        </details>
    }
}
