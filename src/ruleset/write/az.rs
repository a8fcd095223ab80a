//! The az script: one `az network nsg rule create` per NSG rule and, with a firewall, a rule
//! collection group, a filter collection per kind (created with its first rule) and one
//! `collection rule add` per further rule. Values are single-quoted for bash, except numbers and
//! Azure's keywords; text with the region marker is double-quoted around `${LOCATION}`.

use std::fmt::Write;

use super::{place, port_texts};
use crate::ruleset::model::Access;
use crate::ruleset::plan::{AppSpec, FirewallFix, FirewallRuleSpec, FirewallSpec, Located, NetworkSpec, NsgSpec, Plan};

/// Plain text as one bash word, single-quoted.
pub(super) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A keyword or number left bare when it is safe to, quoted otherwise (`'*'`).
fn word(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.=".contains(c);
    if !text.is_empty() && text.chars().all(safe) { text.to_string() } else { quote(text) }
}

/// Text with the marker spliced as `"${LOCATION}"` in a double-quoted word.
fn located(text: &Located) -> String {
    if !text.has_location() {
        return quote(&text.0);
    }
    let escape = |part: &str| {
        part.chars().fold(String::new(), |mut out, c| {
            if "\\\"$`".contains(c) {
                out.push('\\');
            }
            out.push(c);
            out
        })
    };
    let parts: Vec<String> = text.parts().iter().map(|p| escape(p)).collect();
    format!("\"{}\"", parts.join("${LOCATION}"))
}

/// One command: its words, then its options, each option on a continued line.
struct Cmd {
    head: &'static str,
    options: Vec<(&'static str, Vec<String>)>,
}

impl Cmd {
    fn new(head: &'static str) -> Cmd {
        Cmd { head, options: Vec::new() }
    }

    fn opt(mut self, flag: &'static str, values: Vec<String>) -> Cmd {
        self.options.push((flag, values));
        self
    }

    fn one(self, flag: &'static str, value: String) -> Cmd {
        self.opt(flag, vec![value])
    }

    fn render(&self) -> String {
        let mut out = self.head.to_string();
        for (flag, values) in &self.options {
            let _ = write!(out, " \\\n  {flag} {}", values.join(" "));
        }
        out.push('\n');
        out
    }
}

fn locs(items: &[Located], region: Option<&str>) -> Vec<String> {
    items.iter().map(|l| located(&place(l, region))).collect()
}

fn nsg_rule(rule: &NsgSpec, nsg: String, region: Option<&str>) -> Cmd {
    Cmd::new("az network nsg rule create")
        .one("--resource-group", "\"$RESOURCE_GROUP\"".into())
        .one("--nsg-name", nsg)
        .one("--name", quote(&rule.name))
        .one("--priority", rule.priority.to_string())
        .one("--direction", word(rule.direction.id()))
        .one("--access", word(rule.access.id()))
        .one("--protocol", word(rule.protocol.nsg_id()))
        .one("--source-address-prefixes", located(&place(&rule.source, region)))
        .one("--source-port-ranges", word("*"))
        .one("--destination-address-prefixes", located(&place(&rule.destination, region)))
        .opt("--destination-port-ranges", port_texts(&rule.ports).iter().map(|p| word(p)).collect())
        .one("--description", quote(&rule.description))
}

/// The options that say where a collection is: resource group, policy, group.
fn in_group(head: &'static str, policy: String, group: &str) -> Cmd {
    Cmd::new(head)
        .one("--resource-group", "\"$RESOURCE_GROUP\"".into())
        .one("--policy-name", policy)
        .one("--rcg-name", quote(group))
}

fn network_options(cmd: Cmd, rule: &NetworkSpec, region: Option<&str>) -> Cmd {
    cmd.one("--rule-type", "NetworkRule".into())
        .one("--description", quote(&rule.description))
        .opt("--ip-protocols", rule.protocols.iter().map(|p| word(p.firewall_id())).collect())
        .opt("--source-addresses", locs(&rule.sources, region))
        .opt("--destination-addresses", locs(&rule.destinations, region))
        .opt("--destination-ports", port_texts(&rule.ports).iter().map(|p| word(p)).collect())
}

fn app_options(cmd: Cmd, rule: &AppSpec, region: Option<&str>) -> Cmd {
    cmd.one("--rule-type", "ApplicationRule".into())
        .one("--description", quote(&rule.description))
        .opt("--protocols", rule.protocols.iter().map(|(p, port)| word(&format!("{}={port}", p.id()))).collect())
        .opt("--source-addresses", locs(&rule.sources, region))
        .opt("--target-fqdns", locs(&rule.fqdns, region))
}

fn rule_options(cmd: Cmd, rule: &FirewallRuleSpec, region: Option<&str>) -> Cmd {
    match rule {
        FirewallRuleSpec::Network(r) => network_options(cmd, r, region),
        FirewallRuleSpec::Application(r) => app_options(cmd, r, region),
    }
}

fn rule_name(rule: &FirewallRuleSpec) -> &str {
    match rule {
        FirewallRuleSpec::Network(r) => &r.name,
        FirewallRuleSpec::Application(r) => &r.name,
    }
}

/// A new allow collection holding its first rule.
fn add_collection(
    policy: String,
    group: &str,
    name: &str,
    priority: u32,
    first: &FirewallRuleSpec,
    region: Option<&str>,
) -> Cmd {
    let cmd =
        in_group("az network firewall policy rule-collection-group collection add-filter-collection", policy, group)
            .one("--name", quote(name))
            .one("--collection-priority", priority.to_string())
            .one("--action", word(Access::Allow.id()))
            .one("--rule-name", quote(rule_name(first)));
    rule_options(cmd, first, region)
}

/// A further rule of an existing collection.
fn add_rule(group: &str, collection: &str, rule: &FirewallRuleSpec) -> Cmd {
    let cmd =
        in_group("az network firewall policy rule-collection-group collection rule add", "\"$POLICY\"".into(), group)
            .one("--collection-name", quote(collection))
            .one("--name", quote(rule_name(rule)));
    rule_options(cmd, rule, None)
}

/// The commands of one collection: created with its first rule, then the others added.
fn collection(group: &str, name: &str, priority: u32, rules: &[FirewallRuleSpec]) -> Vec<Cmd> {
    let Some((first, rest)) = rules.split_first() else { return Vec::new() };
    let mut cmds = vec![add_collection("\"$POLICY\"".into(), group, name, priority, first, None)];
    cmds.extend(rest.iter().map(|r| add_rule(group, name, r)));
    cmds
}

fn firewall(fw: &FirewallSpec) -> Vec<Cmd> {
    let group = Cmd::new("az network firewall policy rule-collection-group create")
        .one("--resource-group", "\"$RESOURCE_GROUP\"".into())
        .one("--policy-name", "\"$POLICY\"".into())
        .one("--name", quote(&fw.group))
        .one("--priority", fw.group_priority.to_string());
    let network: Vec<_> = fw.network.iter().cloned().map(FirewallRuleSpec::Network).collect();
    let application: Vec<_> = fw.application.iter().cloned().map(FirewallRuleSpec::Application).collect();
    let mut cmds = vec![group];
    cmds.extend(collection(&fw.group, &fw.network_collection, fw.network_priority, &network));
    cmds.extend(collection(&fw.group, &fw.application_collection, fw.application_priority, &application));
    cmds
}

/// The shell variables the script reads: those the plan needs, in a fixed order.
fn variables(plan: &Plan) -> Vec<&'static str> {
    let nsg_region = plan.nsg.iter().any(|r| r.source.has_location() || r.destination.has_location());
    let fw_region = plan.firewall.as_ref().is_some_and(|fw| {
        let net = fw.network.iter().flat_map(|r| r.sources.iter().chain(&r.destinations));
        let app = fw.application.iter().flat_map(|r| r.sources.iter().chain(&r.fqdns));
        net.chain(app).any(Located::has_location)
    });
    let mut vars = vec!["RESOURCE_GROUP"];
    vars.extend((!plan.nsg.is_empty()).then_some("NSG"));
    vars.extend(plan.firewall.is_some().then_some("POLICY"));
    vars.extend((nsg_region || fw_region).then_some("LOCATION"));
    vars
}

pub(super) fn script(plan: &Plan) -> String {
    let vars = variables(plan);
    let mut out = String::from("#!/usr/bin/env bash\n");
    let what = "Creates the NSG rules (and firewall policy rules) this configuration needs, with the Azure CLI.";
    for line in super::header(plan, what) {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "# Set {} before running it.", vars.join(", "));
    out.push_str("\nset -euo pipefail\n");
    for var in &vars {
        let _ = writeln!(out, ": \"${{{var}:?}}\"");
    }
    let mut cmds: Vec<Cmd> = plan.nsg.iter().map(|r| nsg_rule(r, "\"$NSG\"".into(), None)).collect();
    cmds.extend(plan.firewall.iter().flat_map(firewall));
    for cmd in cmds {
        out.push('\n');
        out.push_str(&cmd.render());
    }
    out
}

pub(super) fn nsg_fix(rule: &NsgSpec, nsg: &str, region: Option<&str>) -> String {
    nsg_rule(rule, quote(nsg), region).render()
}

pub(super) fn firewall_fix(fix: &FirewallFix, policy: &str, region: Option<&str>) -> String {
    add_collection(quote(policy), &fix.group, &fix.collection, fix.priority, &fix.rule, region).render()
}
