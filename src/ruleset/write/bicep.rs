//! Bicep: the shapes of `shape` in Bicep's object syntax, inside an NSG resource and (with a
//! firewall) a rule collection group of an existing policy. Strings are single-quoted; every `$`
//! is escaped, so only the region marker becomes an interpolation, `${location}`.

use std::fmt::Write;

use super::shape::{self, Node};
use crate::ruleset::plan::{FirewallSpec, Located, Plan};

const API: &str = "2023-09-01";

/// A Bicep string literal of plain text.
pub(super) fn quote(text: &str) -> String {
    format!("'{}'", escape(text))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Bicep string with the marker as the `location` parameter.
fn located(text: &Located) -> String {
    let parts: Vec<String> = text.parts().iter().map(|p| escape(p)).collect();
    format!("'{}'", parts.join("${location}"))
}

/// Writes a node at the given indentation (of its first line's key).
fn render(node: &Node, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent + 1);
    let close = "  ".repeat(indent);
    match node {
        Node::Str(text) => out.push_str(&quote(text)),
        Node::Loc(text) => out.push_str(&located(text)),
        Node::Int(n) => out.push_str(&n.to_string()),
        Node::List(items) if items.is_empty() => out.push_str("[]"),
        Node::Obj(entries) if entries.is_empty() => out.push_str("{}"),
        Node::List(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&pad);
                render(item, indent + 1, out);
                out.push('\n');
            }
            let _ = write!(out, "{close}]");
        }
        Node::Obj(entries) => {
            out.push_str("{\n");
            for (key, value) in entries {
                let _ = write!(out, "{pad}{key}: ");
                render(value, indent + 1, out);
                out.push('\n');
            }
            let _ = write!(out, "{close}}}");
        }
    }
}

fn nsg_resource(plan: &Plan, out: &mut String) {
    let rules = plan.nsg.iter().map(|r| shape::nsg_rule(r, None)).collect();
    let _ = writeln!(out, "resource nsg 'Microsoft.Network/networkSecurityGroups@{API}' = {{");
    out.push_str("  name: nsgName\n  location: location\n  properties: ");
    render(&Node::Obj(vec![("securityRules", Node::List(rules))]), 1, out);
    out.push_str("\n}\n");
}

fn firewall_resources(fw: &FirewallSpec, out: &mut String) {
    let _ = writeln!(out, "resource policy 'Microsoft.Network/firewallPolicies@{API}' existing = {{");
    out.push_str("  name: firewallPolicyName\n}\n\n");
    let _ = writeln!(out, "resource ruleGroup 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@{API}' = {{");
    let _ = write!(out, "  parent: policy\n  name: {}\n  properties: ", quote(&fw.group));
    render(&shape::group_properties(fw, None), 1, out);
    out.push_str("\n}\n");
}

pub(super) fn file(plan: &Plan) -> String {
    let mut out = String::new();
    for line in super::header(plan, "The NSG rules (and firewall policy rules) this configuration needs, as Bicep.") {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("\nparam location string = resourceGroup().location\nparam nsgName string\n");
    if plan.firewall.is_some() {
        out.push_str("param firewallPolicyName string\n");
    }
    out.push('\n');
    nsg_resource(plan, &mut out);
    if let Some(fw) = &plan.firewall {
        out.push('\n');
        firewall_resources(fw, &mut out);
    }
    out
}
