//! The shapes ARM templates and Bicep share: an NSG rule, a filter rule collection and a rule
//! collection group's properties, as a small tree of values. `arm` renders the tree as JSON and
//! `bicep` as Bicep, so the two cannot drift apart in what they say, only in how they spell it.

use super::place;
use crate::ruleset::model::{Access, AppProtocol};
use crate::ruleset::plan::{AppSpec, FirewallRuleSpec, FirewallSpec, Located, NetworkSpec, NsgSpec};

/// A value of a resource's body. Keys keep their order, so the output is stable.
pub(super) enum Node {
    /// Text written as it is (names, descriptions, keywords).
    Str(String),
    /// Text that may hold the region marker.
    Loc(Located),
    Int(u64),
    List(Vec<Node>),
    Obj(Vec<(&'static str, Node)>),
}

fn s(text: &str) -> Node {
    Node::Str(text.to_string())
}

fn locs(items: &[Located], region: Option<&str>) -> Node {
    Node::List(items.iter().map(|l| Node::Loc(place(l, region))).collect())
}

fn strs(items: impl IntoIterator<Item = String>) -> Node {
    Node::List(items.into_iter().map(Node::Str).collect())
}

/// `{name, properties}` of one security rule.
pub(super) fn nsg_rule(rule: &NsgSpec, region: Option<&str>) -> Node {
    let ports = super::port_texts(&rule.ports);
    let ports = match ports.as_slice() {
        [one] => ("destinationPortRange", s(one)),
        _ => ("destinationPortRanges", strs(ports)),
    };
    let properties = vec![
        ("description", s(&rule.description)),
        ("protocol", s(rule.protocol.nsg_id())),
        ("sourcePortRange", s("*")),
        ports,
        ("sourceAddressPrefix", Node::Loc(place(&rule.source, region))),
        ("destinationAddressPrefix", Node::Loc(place(&rule.destination, region))),
        ("access", s(rule.access.id())),
        ("priority", Node::Int(rule.priority.into())),
        ("direction", s(rule.direction.id())),
    ];
    Node::Obj(vec![("name", s(&rule.name)), ("properties", Node::Obj(properties))])
}

fn network_rule(rule: &NetworkSpec, region: Option<&str>) -> Node {
    Node::Obj(vec![
        ("ruleType", s("NetworkRule")),
        ("name", s(&rule.name)),
        ("description", s(&rule.description)),
        ("ipProtocols", strs(rule.protocols.iter().map(|p| p.firewall_id().to_string()))),
        ("sourceAddresses", locs(&rule.sources, region)),
        ("destinationAddresses", locs(&rule.destinations, region)),
        ("destinationPorts", strs(super::port_texts(&rule.ports))),
    ])
}

fn app_rule(rule: &AppSpec, region: Option<&str>) -> Node {
    let protocol = |&(p, port): &(AppProtocol, u16)| {
        Node::Obj(vec![("protocolType", s(p.id())), ("port", Node::Int(port.into()))])
    };
    Node::Obj(vec![
        ("ruleType", s("ApplicationRule")),
        ("name", s(&rule.name)),
        ("description", s(&rule.description)),
        ("protocols", Node::List(rule.protocols.iter().map(protocol).collect())),
        ("sourceAddresses", locs(&rule.sources, region)),
        ("targetFqdns", locs(&rule.fqdns, region)),
    ])
}

pub(super) fn firewall_rule(rule: &FirewallRuleSpec, region: Option<&str>) -> Node {
    match rule {
        FirewallRuleSpec::Network(r) => network_rule(r, region),
        FirewallRuleSpec::Application(r) => app_rule(r, region),
    }
}

/// An allow filter collection of `rules`.
pub(super) fn collection(name: &str, priority: u32, rules: Vec<Node>) -> Node {
    Node::Obj(vec![
        ("ruleCollectionType", s("FirewallPolicyFilterRuleCollection")),
        ("name", s(name)),
        ("priority", Node::Int(priority.into())),
        ("action", Node::Obj(vec![("type", s(Access::Allow.id()))])),
        ("rules", Node::List(rules)),
    ])
}

/// `{priority, ruleCollections}` of the group, leaving out an empty collection.
pub(super) fn group_properties(fw: &FirewallSpec, region: Option<&str>) -> Node {
    let mut collections = Vec::new();
    if !fw.network.is_empty() {
        let rules = fw.network.iter().map(|r| network_rule(r, region)).collect();
        collections.push(collection(&fw.network_collection, fw.network_priority, rules));
    }
    if !fw.application.is_empty() {
        let rules = fw.application.iter().map(|r| app_rule(r, region)).collect();
        collections.push(collection(&fw.application_collection, fw.application_priority, rules));
    }
    Node::Obj(vec![("priority", Node::Int(fw.group_priority.into())), ("ruleCollections", Node::List(collections))])
}
