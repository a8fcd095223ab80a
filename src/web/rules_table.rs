//! The requirements table: rules grouped inbound, outbound and private endpoint; each group
//! collapsible, each row expandable; "copy as Markdown" gives the command line's table.

use yew::prelude::*;

use super::dom;
use super::export_menu::ExportMenu;
use super::heading::heading;
use crate::host::HeadingLevel;

use std::rc::Rc;

use crate::checked::{RuleVerdict, verdict_of};
use crate::export;
use crate::model::{Direction, RuleId};
use crate::resolve::Resolution;
use crate::ruleset::report::HopVerdict;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub resolution: Rc<Resolution>,
    /// Rules lit up by the current step or by what the pointer is on.
    pub highlighted: Vec<RuleId>,
    /// The rule whose flows the diagram emphasises.
    pub chosen: Option<RuleId>,
    /// With the reader's rules checked, what they make of each rule of this configuration:
    /// the table says, per row, whether they admit it.
    #[prop_or_default]
    pub verdicts: Option<Rc<Vec<(RuleId, RuleVerdict)>>>,
    pub send: Callback<Action>,
    /// The level of this section's heading.
    pub heading: HeadingLevel,
}

#[component]
pub fn RulesTable(props: &Props) -> Html {
    let r = &props.resolution;
    let catalog = &r.catalog;
    let level = props.heading;
    let collapsed = use_state(Vec::<Direction>::new);
    let expanded = use_state(Vec::<RuleId>::new);
    let copied = use_state(String::new);

    let toggle_group = |d: Direction| {
        let collapsed = collapsed.clone();
        Callback::from(move |_: MouseEvent| collapsed.set(toggled(&collapsed, d)))
    };
    let toggle_row = |rule: RuleId| {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(toggled(&expanded, rule)))
    };
    // The Markdown is rendered when the reader asks for it, not on every render.
    let on_copy = {
        let r = r.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let copied = copied.clone();
            dom::copy_text(&export::markdown(&r), move |ok| {
                copied.set(if ok {
                    "Copied the table as Markdown.".into()
                } else {
                    "The browser did not allow copying; the command line prints the same table.".into()
                });
            });
        })
    };

    html! {
        <section class="vf-rules">
            <div class="vf-rules-head">
                { heading(level, "vf-heading", None, html! { "Rules to allow" }) }
                <button type="button" class="vf-button" onclick={on_copy}>{ "Copy as Markdown" }</button>
                <span class="vf-muted" role="status">{ (*copied).clone() }</span>
            </div>
            <ExportMenu resolution={r.clone()} />
            if r.rules.is_empty() {
                <p>{ "This configuration needs no network rules." }</p>
            }
            { for Direction::ALL.into_iter().map(|d| {
                let rules: Vec<RuleId> = r.rules.iter().copied().filter(|&i| catalog.rules[i].direction == d).collect();
                if rules.is_empty() {
                    return html! {};
                }
                let open = !collapsed.contains(&d);
                html! {
                    <div class="vf-group" data-direction={d.id()}>
                        { heading(level.below(), "vf-group-title", None, html! {
                            <button type="button" class="vf-group-toggle" aria-expanded={open.to_string()} onclick={toggle_group(d)}>
                                <span class="vf-chevron" aria-hidden="true">{ if open { "▾" } else { "▸" } }</span>
                                <span class={classes!("vf-swatch", format!("vf-{}", d.id()))} aria-hidden="true"></span>
                                { format!("{} ({})", d.heading(), rules.len()) }
                            </button>
                        }) }
                        if open {
                            <table class="vf-table" role="table">
                                <thead role="rowgroup">
                                    <tr role="row">
                                        <th scope="col" role="columnheader">{ "Source → destination" }</th>
                                        <th scope="col" role="columnheader">{ "Service tag" }</th>
                                        <th scope="col" role="columnheader">{ "Host names" }</th>
                                        <th scope="col" role="columnheader">{ "Protocol" }</th>
                                        <th scope="col" role="columnheader">{ "Ports" }</th>
                                        <th scope="col" role="columnheader">{ "Why" }</th>
                                        if props.verdicts.is_some() {
                                            <th scope="col" role="columnheader">{ "Your rules" }</th>
                                        }
                                        <th scope="col" role="columnheader"><span class="vf-sr">{ "Details" }</span></th>
                                    </tr>
                                </thead>
                                <tbody role="rowgroup">
                                    { for rules.iter().map(|&i| row(props, r, i, expanded.contains(&i), toggle_row(i), &copied)) }
                                </tbody>
                            </table>
                        }
                    </div>
                }
            }) }
        </section>
    }
}

fn row(
    props: &Props,
    r: &crate::resolve::Resolution,
    i: RuleId,
    open: bool,
    on_toggle: Callback<MouseEvent>,
    status: &UseStateHandle<String>,
) -> Html {
    let catalog = &r.catalog;
    let rule = &catalog.rules[i];
    let (fqdns, exact) = r.fqdns(rule);
    let lit = props.highlighted.contains(&i);
    let chosen = props.chosen == Some(i);
    let on_choose = {
        let send = props.send.clone();
        Callback::from(move |_: MouseEvent| send.emit(Action::ChooseRule(if chosen { None } else { Some(i) })))
    };
    let hosts = match fqdns.len() {
        0 => "—".to_string(),
        1 | 2 => fqdns.join(", "),
        n => format!("{}, {} and {} more", fqdns[0], fqdns[1], n - 2),
    };
    let ports: Vec<String> = rule.ports.iter().map(|p| p.to_string()).collect();
    let disagree = !rule.notes.is_empty();
    // Keyed by the rule, so a change of configuration moves the rows that stay instead of
    // rewriting every row after the first difference.
    html! {
        <key={rule.id.clone()}>
            <tr role="row" class={classes!("vf-row", lit.then_some("vf-lit"), chosen.then_some("vf-chosen"))} data-rule={rule.id.clone()}>
                <td role="cell" data-label="Source → destination">
                    <button type="button" class="vf-rowpick" aria-pressed={chosen.to_string()} onclick={on_choose}
                        title="Show this rule's traffic in the diagram">
                        { format!("{} → {}", r.fill(&rule.source), r.fill(&rule.destination)) }
                    </button>
                </td>
                <td role="cell" data-label="Service tag">{ rule.service_tag.clone().unwrap_or_else(|| "—".into()) }</td>
                <td role="cell" data-label="Host names" class="vf-hosts">{ hosts }</td>
                <td role="cell" data-label="Protocol">{ rule.protocol.id() }</td>
                <td role="cell" data-label="Ports">{ ports.join(", ") }</td>
                <td role="cell" data-label="Why">
                    { rule.purpose.clone() }
                    if disagree {
                        { " " }<span class="vf-tag vf-tag-warn">{ "Docs differ" }</span>
                    }
                </td>
                if let Some(verdicts) = &props.verdicts {
                    <td role="cell" data-label="Your rules" class="vf-verdict">{ verdict_cell(verdict_of(verdicts, i)) }</td>
                }
                <td role="cell" data-label="Details">
                    <button type="button" class="vf-button vf-small" aria-expanded={open.to_string()} onclick={on_toggle}>
                        { if open { "Less" } else { "More" } }
                        <span class="vf-sr">{ format!(" about {} to {}", r.fill(&rule.source), r.fill(&rule.destination)) }</span>
                    </button>
                </td>
            </tr>
            if let Some(fix) = props.verdicts.as_ref().and_then(|v| verdict_of(v, i)).and_then(|v| v.fix.as_ref()) {
                { fix_row(fix, status) }
            }
            if open {
                <tr role="row" class="vf-details">
                    <td role="cell" colspan={if props.verdicts.is_some() { "8" } else { "7" }}>
                        <dl>
                            <dt>{ "Why" }</dt><dd>{ rule.purpose.clone() }</dd>
                            <dt>{ "When" }</dt><dd>{ rule.condition.clone() }</dd>
                            if !fqdns.is_empty() {
                                <dt>{ "Host names" }</dt>
                                <dd><ul>{ for fqdns.iter().map(|h| html! { <li><code>{ h.clone() }</code></li> }) }</ul>
                                if !exact { <p class="vf-muted">{ export::PUBLIC_NAMES_ONLY }</p> }
                                </dd>
                            }
                            <dt>{ "Sources" }</dt>
                            <dd><ul>{ for rule.sources.iter().map(|id| {
                                let source = catalog.source(id);
                                let title = source.map(|s| s.title.clone()).unwrap_or_default();
                                let href = source.map(crate::model::Source::url).unwrap_or_default();
                                html! {
                                    <li><a href={href} target="_blank" rel="noopener"><cite>{ title }</cite></a>
                                    { format!(" — {}", catalog.cite(id)) }</li>
                                }
                            }) }</ul></dd>
                            if disagree {
                                <dt>{ "Where the docs differ" }</dt>
                                <dd><ul>{ for rule.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul></dd>
                            }
                        </dl>
                    </td>
                </tr>
            }
        </>
    }
}

/// What the reader's rules make of a row: who admits it, or what blocks it and the rule that
/// would fix it, in the format of the file that blocks it, with a copy button.
fn verdict_cell(verdict: Option<&RuleVerdict>) -> Html {
    let Some(v) = verdict else { return html! { <span class="vf-muted">{ "Not checked" }</span> } };
    let by = v.by.iter().map(|b| match b.priority {
        Some(p) => format!("{} (priority {p}) in {}", b.rule, b.set),
        None => format!("{} in {}", b.rule, b.set),
    });
    let by: Vec<String> = by.collect();
    match v.verdict {
        HopVerdict::NotFiltered => html! { <span>{ "Nothing on the way filters it" }</span> },
        HopVerdict::Allowed => {
            html! { <span><span class="vf-tag vf-tag-ok">{ "✓ Allowed" }</span>{ format!(" by {}", by.join("; ")) }</span> }
        }
        HopVerdict::Unresolved => html! {
            <span><span class="vf-tag vf-tag-unresolved">{ "? Unresolved" }</span>{ format!(" {}", v.reason) }</span>
        },
        HopVerdict::Blocked => html! {
            <span>
                <span class="vf-tag vf-tag-blocked">{ "✕ Blocked" }</span>{ format!(" {}", v.reason) }
                if v.fix.is_some() { { " The rule to add is below." } }
            </span>
        },
    }
}

/// The row under a blocked rule: the rule that would admit it, to copy.
fn fix_row(fix: &str, status: &UseStateHandle<String>) -> Html {
    html! {
        <tr role="row" class="vf-fix-row">
            <td role="cell" colspan="8">
                <span class="vf-fix-title">{ "Add this rule (in the format of your file):" }</span>
                <button type="button" class="vf-button vf-small" onclick={copy_fix(fix, status)}>{ "Copy the fix" }</button>
                <pre class="vf-fix">{ fix.to_string() }</pre>
            </td>
        </tr>
    }
}

fn copy_fix(fix: &str, status: &UseStateHandle<String>) -> Callback<MouseEvent> {
    let (fix, status) = (fix.to_string(), status.clone());
    Callback::from(move |_| {
        let status = status.clone();
        dom::copy_text(&fix, move |ok| {
            status.set(
                if ok { "Copied the fix." } else { "The browser did not allow copying; select the text instead." }
                    .into(),
            );
        });
    })
}

/// `list` with `item` added, or removed if it was there.
fn toggled<T: PartialEq + Clone>(list: &[T], item: T) -> Vec<T> {
    match list.iter().position(|x| *x == item) {
        Some(i) => [&list[..i], &list[i + 1..]].concat(),
        None => [list, &[item]].concat(),
    }
}
