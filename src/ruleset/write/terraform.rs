//! Terraform: `azurerm_network_security_rule` resources and an
//! `azurerm_firewall_policy_rule_collection_group`, written from a small tree of HCL blocks and
//! attributes. Strings are double-quoted with `${` and `%{` escaped as `$${` and `%%{` (a `$` or
//! `%` that is repeated or stands before the marker as `${"$"}`, so that no run of signs is
//! ambiguous); the region marker becomes `${var.location}`.

use std::fmt::Write;

use super::{labels, place, port_texts};
use crate::ruleset::model::Access;
use crate::ruleset::plan::{AppSpec, FirewallFix, FirewallRuleSpec, FirewallSpec, Located, NetworkSpec, NsgSpec, Plan};

enum Val {
    Str(String),
    Loc(Located),
    Int(u64),
    List(Vec<Val>),
    /// An expression written as it is (`var.location`, `string`).
    Raw(String),
}

enum Item {
    Attr(&'static str, Val),
    Block(String, Vec<Item>),
}

fn attr(name: &'static str, text: &str) -> Item {
    Item::Attr(name, Val::Str(text.to_string()))
}

fn strs(items: impl IntoIterator<Item = String>) -> Val {
    Val::List(items.into_iter().map(Val::Str).collect())
}

fn locs(items: &[Located], region: Option<&str>) -> Val {
    Val::List(items.iter().map(|l| Val::Loc(place(l, region))).collect())
}

/// The inside of an HCL string: escapes, and template sequences kept as text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            // `$$${` would be ambiguous; a repeated sign is written as an interpolation instead.
            '$' | '%' if chars.peek() == Some(&c) => {
                let _ = write!(out, "${{\"{c}\"}}");
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A string with the marker as `${var.location}`. A `$` just before the marker is written as
/// `${"$"}`, since `$${` would escape the interpolation.
fn located(text: &Located) -> String {
    let parts = text.parts();
    let mut out = String::from("\"");
    for (i, part) in parts.iter().enumerate() {
        let mut part = escape(part);
        if i + 1 < parts.len() {
            if part.ends_with('$') {
                part.pop();
                part.push_str("${\"$\"}");
            }
            part.push_str("${var.location}");
        }
        out.push_str(&part);
    }
    out.push('"');
    out
}

fn value(val: &Val) -> String {
    match val {
        Val::Str(text) => format!("\"{}\"", escape(text)),
        Val::Loc(text) => located(text),
        Val::Int(n) => n.to_string(),
        Val::Raw(expr) => expr.clone(),
        Val::List(items) => format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(", ")),
    }
}

/// Writes items as `terraform fmt` would: the `=` of consecutive attributes aligned.
fn render(items: &[Item], indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Attr(name, val) => {
                let run =
                    items[i..].iter().map_while(|it| if let Item::Attr(n, _) = it { Some(n.len()) } else { None });
                let earlier = items[..i]
                    .iter()
                    .rev()
                    .map_while(|it| if let Item::Attr(n, _) = it { Some(n.len()) } else { None });
                let width = run.chain(earlier).max().unwrap_or(0);
                let _ = writeln!(out, "{pad}{name:width$} = {}", value(val));
            }
            Item::Block(head, body) => {
                let _ = writeln!(out, "{pad}{head} {{");
                render(body, indent + 1, out);
                let _ = writeln!(out, "{pad}}}");
            }
        }
    }
}

fn nsg_rule(rule: &NsgSpec, label: &str, nsg: Val, region: Option<&str>) -> Item {
    let ports = port_texts(&rule.ports);
    let ports = match ports.as_slice() {
        [one] => attr("destination_port_range", one),
        _ => Item::Attr("destination_port_ranges", strs(ports)),
    };
    let body = vec![
        attr("name", &rule.name),
        Item::Attr("priority", Val::Int(rule.priority.into())),
        attr("direction", rule.direction.id()),
        attr("access", rule.access.id()),
        attr("protocol", rule.protocol.nsg_id()),
        attr("source_port_range", "*"),
        ports,
        Item::Attr("source_address_prefix", Val::Loc(place(&rule.source, region))),
        Item::Attr("destination_address_prefix", Val::Loc(place(&rule.destination, region))),
        attr("description", &rule.description),
        Item::Attr("resource_group_name", Val::Raw("var.resource_group_name".into())),
        Item::Attr("network_security_group_name", nsg),
    ];
    Item::Block(format!("resource \"azurerm_network_security_rule\" \"{label}\""), body)
}

fn network_rule(rule: &NetworkSpec, region: Option<&str>) -> Item {
    let body = vec![
        attr("name", &rule.name),
        attr("description", &rule.description),
        Item::Attr("protocols", strs(rule.protocols.iter().map(|p| p.firewall_id().to_string()))),
        Item::Attr("source_addresses", locs(&rule.sources, region)),
        Item::Attr("destination_addresses", locs(&rule.destinations, region)),
        Item::Attr("destination_ports", strs(port_texts(&rule.ports))),
    ];
    Item::Block("rule".into(), body)
}

fn app_rule(rule: &AppSpec, region: Option<&str>) -> Item {
    let mut body = vec![attr("name", &rule.name), attr("description", &rule.description)];
    for (protocol, port) in &rule.protocols {
        let inner = vec![attr("type", protocol.id()), Item::Attr("port", Val::Int((*port).into()))];
        body.push(Item::Block("protocols".into(), inner));
    }
    body.push(Item::Attr("source_addresses", locs(&rule.sources, region)));
    body.push(Item::Attr("destination_fqdns", locs(&rule.fqdns, region)));
    Item::Block("rule".into(), body)
}

/// A `network_rule_collection` or `application_rule_collection` block.
fn collection(kind: &str, name: &str, priority: u32, rules: Vec<Item>) -> Item {
    let mut body =
        vec![attr("name", name), Item::Attr("priority", Val::Int(priority.into())), attr("action", Access::Allow.id())];
    body.extend(rules);
    Item::Block(format!("{kind}_rule_collection"), body)
}

fn rule_group(fw: &FirewallSpec) -> Item {
    let mut body = vec![
        attr("name", &fw.group),
        Item::Attr("priority", Val::Int(fw.group_priority.into())),
        Item::Attr("firewall_policy_id", Val::Raw("var.firewall_policy_id".into())),
    ];
    if !fw.network.is_empty() {
        let rules = fw.network.iter().map(|r| network_rule(r, None)).collect();
        body.push(collection("network", &fw.network_collection, fw.network_priority, rules));
    }
    if !fw.application.is_empty() {
        let rules = fw.application.iter().map(|r| app_rule(r, None)).collect();
        body.push(collection("application", &fw.application_collection, fw.application_priority, rules));
    }
    Item::Block("resource \"azurerm_firewall_policy_rule_collection_group\" \"aml\"".into(), body)
}

fn variable(name: &str) -> Item {
    Item::Block(format!("variable \"{name}\""), vec![Item::Attr("type", Val::Raw("string".into()))])
}

pub(super) fn file(plan: &Plan) -> String {
    let mut out = String::new();
    let what = "The NSG rules (and firewall policy rules) this configuration needs, for Terraform's azurerm provider.";
    for line in super::header(plan, what) {
        let _ = writeln!(out, "# {line}");
    }
    let mut items =
        vec![variable("location"), variable("resource_group_name"), variable("network_security_group_name")];
    if plan.firewall.is_some() {
        items.push(variable("firewall_policy_id"));
    }
    let names = labels(plan.nsg.iter().map(|r| r.name.as_str()));
    for (rule, label) in plan.nsg.iter().zip(&names) {
        items.push(nsg_rule(rule, label, Val::Raw("var.network_security_group_name".into()), None));
    }
    items.extend(plan.firewall.as_ref().map(rule_group));
    for item in &items {
        out.push('\n');
        render(std::slice::from_ref(item), 0, &mut out);
    }
    out
}

pub(super) fn nsg_fix(rule: &NsgSpec, nsg: &str, region: Option<&str>) -> String {
    let label = labels(std::iter::once(rule.name.as_str())).remove(0);
    let mut out = String::new();
    render(&[nsg_rule(rule, &label, Val::Str(nsg.to_string()), region)], 0, &mut out);
    out
}

pub(super) fn firewall_fix(fix: &FirewallFix, region: Option<&str>) -> String {
    let (kind, rule) = match &fix.rule {
        FirewallRuleSpec::Network(r) => ("network", network_rule(r, region)),
        FirewallRuleSpec::Application(r) => ("application", app_rule(r, region)),
    };
    let mut out = String::new();
    render(&[collection(kind, &fix.collection, fix.priority, vec![rule])], 0, &mut out);
    out
}
