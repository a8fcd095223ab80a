//! ARM templates and the ARM-shaped objects inside them: network security groups and their rules,
//! virtual networks and subnets, firewall policy rule collection groups, classic firewalls and
//! nested deployments.
//!
//! The readers of single objects here (an NSG rule, a subnet, a rule collection group, a classic
//! firewall) look every field up under `properties` and flat alike, so `az.rs` reads the Azure
//! CLI's flat output with them too.

use super::expr::{Param, Scope};
use super::json::{Node, Reader, Reported, last_segment, segment_after};
use crate::ruleset::model::{
    Access, Address, AppProtocol, Cidr, Collection, CollectionKind, Firewall, FirewallRule, Format, Nsg, NsgDirection,
    NsgRule, Origin, RuleSet, Subnet, Transport,
};
use std::rc::Rc;

/// Deepest nesting of deployments and child resources read.
const MAX_NESTING: usize = 8;

/// The names of an NSG rule's fields in one format.
pub struct RuleKeys {
    pub name: &'static str,
    pub priority: &'static str,
    pub direction: &'static str,
    pub access: &'static str,
    pub protocol: &'static str,
    pub sources: [&'static str; 2],
    pub source_asgs: &'static str,
    pub source_ports: [&'static str; 2],
    pub destinations: [&'static str; 2],
    pub destination_asgs: &'static str,
    pub destination_ports: [&'static str; 2],
}

/// ARM and Azure CLI spelling.
pub const ARM_RULE: RuleKeys = RuleKeys {
    name: "name",
    priority: "priority",
    direction: "direction",
    access: "access",
    protocol: "protocol",
    sources: ["sourceAddressPrefix", "sourceAddressPrefixes"],
    source_asgs: "sourceApplicationSecurityGroups",
    source_ports: ["sourcePortRange", "sourcePortRanges"],
    destinations: ["destinationAddressPrefix", "destinationAddressPrefixes"],
    destination_asgs: "destinationApplicationSecurityGroups",
    destination_ports: ["destinationPortRange", "destinationPortRanges"],
};

/// Reads a template's resources, with `scope` built from its parameters and variables.
pub fn template(r: &mut Reader, root: &Node, scope: Scope) {
    r.scope = Rc::new(scope);
    resources(r, root, 0);
}

/// Reads one ARM resource given on its own (`{"type": ..., "properties": ...}`).
pub fn single(r: &mut Reader, res: &Node, scope: Scope) {
    r.scope = Rc::new(scope);
    resource(r, res, None, 0);
}

/// The `resources` of a template: an array, or an object keyed by symbolic names.
fn resources(r: &mut Reader, template: &Node, depth: usize) {
    let Some(list) = template.key("resources") else { return };
    let nodes = match list.value.is_object() {
        true => list.entries().into_iter().map(|(_, n)| n).collect(),
        false => list.items(),
    };
    for node in nodes {
        resource(r, &node, None, depth);
    }
}

/// A resource's full type and name, for its children written inside it.
struct Parent {
    kind: String,
    name: String,
}

/// Reads one resource of a kind this check knows; others are passed over.
fn resource(r: &mut Reader, res: &Node, parent: Option<&Parent>, depth: usize) {
    let Some(kind) = res.key("type").and_then(|n| n.str()) else {
        r.error(&res.pointer, "this resource has no `type`");
        return;
    };
    let Ok(Some(name)) = r.text(res, "name") else {
        r.error(&res.pointer, format!("this `{kind}` resource has no name that can be read"));
        return;
    };
    let (kind, name) = match parent {
        Some(p) if !kind.contains('/') => (format!("{}/{kind}", p.kind), format!("{}/{name}", p.name)),
        _ => (kind.to_string(), name),
    };
    if res.key("copy").is_some() {
        r.note(format!(
            "the resource `{name}` ({kind}) is repeated by a `copy` loop, which is not evaluated: it is left out"
        ));
        return;
    }
    dispatch(r, res, &kind, &name, depth);
    if depth < MAX_NESTING {
        let parent = Parent { kind, name };
        for child in res.key("resources").map(|n| n.items()).unwrap_or_default() {
            resource(r, &child, Some(&parent), depth + 1);
        }
    }
}

fn dispatch(r: &mut Reader, res: &Node, kind: &str, name: &str, depth: usize) {
    match kind.to_ascii_lowercase().as_str() {
        "microsoft.network/networksecuritygroups" => nsg(r, res, last_segment(name)),
        "microsoft.network/networksecuritygroups/securityrules" => child_rule(r, res, name),
        "microsoft.network/virtualnetworks" => {
            for item in res.list("subnets") {
                if let Ok(subnet) = subnet(r, &item, None) {
                    r.out.subnets.push(subnet);
                }
            }
        }
        "microsoft.network/virtualnetworks/subnets" => {
            if let Ok(subnet) = subnet(r, res, Some(last_segment(name))) {
                r.out.subnets.push(subnet);
            }
        }
        "microsoft.network/firewallpolicies/rulecollectiongroups" => {
            let policy = name.split_once('/').map_or("policy", |(p, _)| p).to_string();
            rule_collection_group(r, res, &policy, last_segment(name));
        }
        "microsoft.network/azurefirewalls" => classic_firewall(r, res, last_segment(name)),
        "microsoft.resources/deployments" => deployment(r, res, name, depth),
        _ => {}
    }
}

/// A nested deployment's inline template, in its own scope or the outer one.
fn deployment(r: &mut Reader, res: &Node, name: &str, depth: usize) {
    let Some(inner_template) = res.field("template").filter(|t| t.value.is_object()) else {
        if res.has("templateLink") {
            r.note(format!("the deployment `{name}` links to a template elsewhere, which is not read"));
        }
        return;
    };
    if depth >= MAX_NESTING {
        r.error(&res.pointer, format!("deployments nested deeper than {MAX_NESTING} levels are not read"));
        return;
    }
    let scope = res.field("expressionEvaluationOptions").and_then(|o| o.key("scope")).and_then(|s| s.str());
    if !scope.is_some_and(|s| s.eq_ignore_ascii_case("inner")) {
        resources(r, &inner_template, depth + 1);
        return;
    }
    let given = deployment_parameters(r, res);
    let inner = Scope::template(inner_template.value, given, r.scope.region.clone());
    let outer = std::mem::replace(&mut r.scope, Rc::new(inner));
    resources(r, &inner_template, depth + 1);
    r.scope = outer;
}

/// The values a deployment passes to its inner-scoped template, evaluated in the outer scope.
fn deployment_parameters(r: &mut Reader, res: &Node) -> Vec<(String, Param)> {
    let mut given = Vec::new();
    for (name, entry) in res.field("parameters").map(|p| p.entries()).unwrap_or_default() {
        let param = match entry.key("value") {
            Some(value) => match r.eval(&value) {
                Ok(val) => Param::Given(val),
                Err(unresolved) => Param::Failed(unresolved.to_string()),
            },
            None => Param::Failed("its value is a reference (a Key Vault secret?), which is not read".into()),
        };
        given.push((name.to_string(), param));
    }
    given
}

/// The NSG named `name` in what was read so far, added if absent.
pub fn nsg_entry<'o>(out: &'o mut RuleSet, name: &str, format: Format, origin: Origin) -> &'o mut Nsg {
    let at = match out.nsgs.iter().position(|n| n.name == name) {
        Some(at) => at,
        None => {
            out.nsgs.push(Nsg { name: name.to_string(), format, rules: Vec::new(), origin });
            out.nsgs.len() - 1
        }
    };
    &mut out.nsgs[at]
}

/// An NSG resource (or the export's `{"securityRules": [...]}`) with its custom rules.
pub fn nsg(r: &mut Reader, node: &Node, name: &str) {
    let rules: Vec<NsgRule> =
        node.list("securityRules").iter().filter_map(|item| nsg_rule(r, item, &ARM_RULE)).collect();
    let origin = r.origin(node);
    let entry = nsg_entry(&mut r.out, name, r.format, origin.clone());
    entry.origin = origin;
    entry.rules.extend(rules);
}

/// A `networkSecurityGroups/securityRules` resource, named `nsg/rule`.
fn child_rule(r: &mut Reader, res: &Node, name: &str) {
    let Some((nsg_name, _)) = name.split_once('/') else {
        r.error(&res.pointer, format!("the rule resource `{name}` should be named `<nsg>/<rule>`"));
        return;
    };
    if let Some(rule) = nsg_rule(r, res, &ARM_RULE) {
        let origin = r.origin(res);
        nsg_entry(&mut r.out, nsg_name, r.format, origin).rules.push(rule);
    }
}

/// One custom NSG rule; `None` (with the errors recorded) when it cannot be evaluated.
pub fn nsg_rule(r: &mut Reader, node: &Node, k: &RuleKeys) -> Option<NsgRule> {
    if !node.value.is_object() {
        r.error(&node.pointer, "an NSG rule should be an object");
        return None;
    }
    let name = match r.required_text(node, k.name, "this NSG rule") {
        Ok(name) => last_segment(&name).to_string(),
        Err(Reported) => "(unnamed)".to_string(),
    };
    let what = format!("NSG rule `{name}`");
    let priority = r.priority(node, k.priority, &what, 100, 4096).ok();
    let direction = choice(r, node, k.direction, &what, "Inbound or Outbound", parse_direction).ok();
    let access = choice(r, node, k.access, &what, "Allow or Deny", parse_access).ok();
    let protocol = choice(r, node, k.protocol, &what, "Tcp, Udp, Icmp, Esp, Ah or *", Transport::parse).ok();
    let mut sources = r.addresses(node, &k.sources);
    sources.extend(asgs(r, node, k.source_asgs));
    let mut destinations = r.addresses(node, &k.destinations);
    destinations.extend(asgs(r, node, k.destination_asgs));
    let source_ports = r.ports(node, &k.source_ports);
    let destination_ports = r.ports(node, &k.destination_ports);
    let mut complete = true;
    for (empty, part) in [
        (sources.is_empty(), "source addresses"),
        (destinations.is_empty(), "destination addresses"),
        (source_ports.is_empty(), "source ports"),
        (destination_ports.is_empty(), "destination ports"),
    ] {
        if empty {
            r.error(&node.pointer, format!("{what} has no {part} left to check; the rule is left out"));
            complete = false;
        }
    }
    let (priority, direction, access, protocol) = (priority?, direction?, access?, protocol?);
    complete.then(|| NsgRule {
        name,
        priority: priority as u16,
        direction,
        access,
        protocol,
        sources,
        source_ports,
        destinations,
        destination_ports,
        origin: r.origin(node),
    })
}

fn parse_direction(text: &str) -> Option<NsgDirection> {
    match text.trim().to_ascii_lowercase().as_str() {
        "inbound" => Some(NsgDirection::Inbound),
        "outbound" => Some(NsgDirection::Outbound),
        _ => None,
    }
}

pub fn parse_access(text: &str) -> Option<Access> {
    match text.trim().to_ascii_lowercase().as_str() {
        "allow" => Some(Access::Allow),
        "deny" => Some(Access::Deny),
        _ => None,
    }
}

/// A field holding one of a few words; missing or unknown is an error.
pub fn choice<T>(
    r: &mut Reader,
    node: &Node,
    key: &str,
    what: &str,
    known: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, Reported> {
    let Some(text) = r.text(node, key)? else {
        return Err(r.error(&node.pointer, format!("{what} has no `{key}`")));
    };
    parse(&text).ok_or_else(|| {
        let pointer = node.field(key).map(|f| f.pointer).unwrap_or_default();
        r.error(&pointer, format!("{what} has `{key}` `{text}`, which is not {known}; the rule is left out"))
    })
}

/// Application security groups, as ids or `{ "id": ... }` objects: their members are unknown.
fn asgs(r: &mut Reader, node: &Node, key: &str) -> Vec<Address> {
    let mut out = Vec::new();
    for item in node.field(key).map(|f| f.items()).unwrap_or_default() {
        let id_node = if item.value.is_object() { item.key("id") } else { Some(item.clone()) };
        let id = match id_node.map(|n| r.eval(&n)) {
            Some(Ok(super::expr::Val::Str(id))) => last_segment(&id).to_string(),
            _ => item.value.to_string(),
        };
        out.push(Address::Unresolved(format!("application security group {id}: its members are not in the files")));
    }
    out
}

/// A subnet object (`{name, properties: {addressPrefix, networkSecurityGroup, ...}}`).
pub fn subnet(r: &mut Reader, node: &Node, name: Option<&str>) -> Result<Subnet, Reported> {
    let name = match name {
        Some(name) => name.to_string(),
        None => last_segment(&r.required_text(node, "name", "this subnet")?).to_string(),
    };
    let mut prefixes = Vec::new();
    for item in r.items(node, &["addressPrefix", "addressPrefixes"]) {
        match item.text {
            Ok(text) if text.contains(':') => {}
            Ok(text) => match Cidr::parse(&text) {
                Some(cidr) => prefixes.push(cidr),
                None => _ = r.error(&item.pointer, format!("subnet `{name}`: `{text}` is not an IPv4 prefix")),
            },
            Err(unresolved) => _ = r.error(&item.pointer, format!("subnet `{name}`: {unresolved}")),
        }
    }
    let nsg = match node.field("networkSecurityGroup") {
        Some(link) => r.text(&link, "id").ok().flatten().map(|id| last_segment(&id).to_string()),
        None => None,
    };
    let policies = r.text(node, "privateEndpointNetworkPolicies").ok().flatten().unwrap_or_default();
    let endpoint_policies =
        ["enabled", "networksecuritygroupenabled"].contains(&policies.to_ascii_lowercase().as_str());
    Ok(Subnet { name, prefixes, nsg, endpoint_policies, origin: r.origin(node) })
}

/// The firewall named `name` in what was read so far, added if absent.
pub fn firewall_entry<'o>(out: &'o mut RuleSet, name: &str, format: Format, origin: Origin) -> &'o mut Firewall {
    let at = match out.firewalls.iter().position(|f| f.name == name) {
        Some(at) => at,
        None => {
            out.firewalls.push(Firewall { name: name.to_string(), format, collections: Vec::new(), origin });
            out.firewalls.len() - 1
        }
    };
    &mut out.firewalls[at]
}

/// A firewall policy's rule collection group, added to the firewall named after the policy.
pub fn rule_collection_group(r: &mut Reader, node: &Node, policy: &str, group: &str) {
    let what = format!("rule collection group `{group}`");
    let Ok(group_priority) = r.priority(node, "priority", &what, 100, 65000) else { return };
    let mut collections = Vec::new();
    for item in node.list("ruleCollections") {
        collections.extend(policy_collection(r, &item, group, group_priority as u32));
    }
    let origin = r.origin(node);
    firewall_entry(&mut r.out, policy, r.format, origin).collections.extend(collections);
}

/// The name, priority and action every collection has.
pub fn collection_head(r: &mut Reader, node: &Node, nat: bool) -> Result<(String, u32, Access), Reported> {
    let name = r.required_text(node, "name", "this rule collection").unwrap_or_else(|_| "(unnamed)".into());
    let what = format!("rule collection `{name}`");
    let priority = r.priority(node, "priority", &what, 100, 65000)? as u32;
    if nat {
        return Ok((name, priority, Access::Allow));
    }
    let access = match node.field("action") {
        Some(action) if action.value.is_object() => choice(r, &action, "type", &what, "Allow or Deny", parse_access)?,
        _ => choice(r, node, "action", &what, "Allow or Deny", parse_access)?,
    };
    Ok((name, priority, access))
}

/// A collection of a policy's group: filter (network or application) or DNAT.
fn policy_collection(r: &mut Reader, node: &Node, group: &str, group_priority: u32) -> Option<Collection> {
    let kind = node.plain("ruleCollectionType").unwrap_or_default();
    let nat = kind.eq_ignore_ascii_case("FirewallPolicyNatRuleCollection");
    if !nat && !kind.eq_ignore_ascii_case("FirewallPolicyFilterRuleCollection") {
        r.error(&node.pointer, format!("`ruleCollectionType` `{kind}` is not a filter or NAT collection; left out"));
        return None;
    }
    let (name, priority, action) = collection_head(r, node, nat).ok()?;
    let mut collection = Collection {
        name: name.clone(),
        group: group.to_string(),
        group_priority,
        priority,
        kind: CollectionKind::Nat,
        action,
        rules: Vec::new(),
        origin: r.origin(node),
    };
    if nat {
        r.note(format!("the DNAT rules of collection `{name}` are not evaluated"));
        return Some(collection);
    }
    let rules = node.list("rules");
    let first = rules.first().and_then(|rule| rule.plain("ruleType")).unwrap_or("NetworkRule");
    collection.kind = if first.eq_ignore_ascii_case("ApplicationRule") {
        CollectionKind::Application
    } else {
        CollectionKind::Network
    };
    for rule in &rules {
        collection.rules.extend(policy_rule(r, rule, collection.kind));
    }
    Some(collection)
}

fn policy_rule(r: &mut Reader, node: &Node, kind: CollectionKind) -> Option<FirewallRule> {
    let rule_type = node.plain("ruleType").unwrap_or_default();
    let wanted = if kind == CollectionKind::Application { "ApplicationRule" } else { "NetworkRule" };
    if !rule_type.eq_ignore_ascii_case(wanted) {
        r.error(&node.pointer, format!("`ruleType` `{rule_type}` in a collection of {wanted}s; the rule is left out"));
        return None;
    }
    match kind {
        CollectionKind::Application => application_rule(r, node, &POLICY_APP),
        _ => network_rule(r, node, &POLICY_NET),
    }
}

/// A classic firewall's (`azureFirewalls`) collections, under the firewall's name.
pub fn classic_firewall(r: &mut Reader, node: &Node, name: &str) {
    let mut collections = Vec::new();
    for (key, kind) in [
        ("networkRuleCollections", CollectionKind::Network),
        ("applicationRuleCollections", CollectionKind::Application),
        ("natRuleCollections", CollectionKind::Nat),
    ] {
        for item in node.list(key) {
            collections.extend(classic_collection(r, &item, name, kind));
        }
    }
    if let Some(policy) = node.field("firewallPolicy").and_then(|p| p.key("id")) {
        let policy = r.eval(&policy).ok().and_then(|v| if let super::expr::Val::Str(s) = v { Some(s) } else { None });
        let policy = policy.as_deref().map_or("its policy", last_segment).to_string();
        r.note(format!("the firewall `{name}` takes its rules from the policy `{policy}`: give that policy's rule collection groups too"));
        if collections.is_empty() {
            return;
        }
    }
    let origin = r.origin(node);
    firewall_entry(&mut r.out, name, r.format, origin).collections.extend(collections);
}

fn classic_collection(r: &mut Reader, node: &Node, firewall: &str, kind: CollectionKind) -> Option<Collection> {
    let nat = kind == CollectionKind::Nat;
    let (name, priority, action) = collection_head(r, node, nat).ok()?;
    if nat {
        r.note(format!("the DNAT rules of collection `{name}` on firewall `{firewall}` are not evaluated"));
    }
    let mut rules = Vec::new();
    for rule in node.list("rules").iter().filter(|_| !nat) {
        let read = match kind {
            CollectionKind::Application => application_rule(r, rule, &CLASSIC_APP),
            _ => network_rule(r, rule, &CLASSIC_NET),
        };
        rules.extend(read);
    }
    let origin = r.origin(node);
    Some(Collection { name, group: firewall.to_string(), group_priority: 0, priority, kind, action, rules, origin })
}

/// The names of a firewall network rule's fields in one format.
pub struct NetKeys {
    pub protocols: &'static str,
    pub sources: &'static str,
    pub source_groups: &'static str,
    pub destinations: &'static str,
    pub destination_groups: &'static str,
    pub destination_fqdns: &'static str,
    pub ports: &'static str,
}

const POLICY_NET: NetKeys = NetKeys {
    protocols: "ipProtocols",
    sources: "sourceAddresses",
    source_groups: "sourceIpGroups",
    destinations: "destinationAddresses",
    destination_groups: "destinationIpGroups",
    destination_fqdns: "destinationFqdns",
    ports: "destinationPorts",
};

const CLASSIC_NET: NetKeys = NetKeys { protocols: "protocols", ..POLICY_NET };

/// The names of a firewall application rule's fields in one format.
pub struct AppKeys {
    pub protocols: &'static str,
    pub protocol_type: &'static str,
    pub sources: &'static str,
    pub source_groups: &'static str,
    pub fqdns: &'static str,
    pub fqdn_tags: &'static str,
    /// Fields whose contents this check does not evaluate (web categories, URLs).
    pub unevaluated: &'static [&'static str],
}

const POLICY_APP: AppKeys = AppKeys {
    protocols: "protocols",
    protocol_type: "protocolType",
    sources: "sourceAddresses",
    source_groups: "sourceIpGroups",
    fqdns: "targetFqdns",
    fqdn_tags: "fqdnTags",
    unevaluated: &["webCategories", "targetUrls"],
};

const CLASSIC_APP: AppKeys = POLICY_APP;

fn rule_name(r: &mut Reader, node: &Node) -> String {
    r.required_text(node, "name", "this firewall rule").unwrap_or_else(|_| "(unnamed)".into())
}

/// Sources of a firewall rule: addresses and IP groups.
fn firewall_sources(r: &mut Reader, node: &Node, addresses: &str, groups: &str) -> Vec<Address> {
    let mut sources = r.addresses(node, &[addresses]);
    sources.extend(r.strings(node, &[groups]).into_iter().map(Address::IpGroup));
    sources
}

/// A firewall network rule; `None` when it has nothing left to check.
pub fn network_rule(r: &mut Reader, node: &Node, k: &NetKeys) -> Option<FirewallRule> {
    let name = rule_name(r, node);
    let mut protocols = Vec::new();
    for item in r.items(node, &[k.protocols]) {
        match item.text.as_deref().ok().and_then(Transport::parse) {
            Some(transport) => protocols.push(transport),
            None => {
                _ = r.error(&item.pointer, format!("network rule `{name}`: not a protocol (TCP, UDP, ICMP or Any)"))
            }
        }
    }
    let sources = firewall_sources(r, node, k.sources, k.source_groups);
    let mut destinations = r.addresses(node, &[k.destinations]);
    destinations.extend(r.strings(node, &[k.destination_groups]).into_iter().map(Address::IpGroup));
    destinations.extend(r.strings(node, &[k.destination_fqdns]).into_iter().map(Address::Fqdn));
    let ports = r.ports(node, &[k.ports]);
    let origin = r.origin(node);
    let parts = [("protocols", protocols.is_empty()), ("sources", sources.is_empty())];
    let parts = parts.into_iter().chain([("destinations", destinations.is_empty()), ("ports", ports.is_empty())]);
    let missing: Vec<&str> = parts.filter(|(_, empty)| *empty).map(|(part, _)| part).collect();
    if !missing.is_empty() {
        r.error(&node.pointer, format!("network rule `{name}` has no {}; the rule is left out", missing.join(", ")));
        return None;
    }
    Some(FirewallRule::Network { name, protocols, sources, destinations, ports, origin })
}

/// A firewall application rule; `None` when it has nothing left to check.
pub fn application_rule(r: &mut Reader, node: &Node, k: &AppKeys) -> Option<FirewallRule> {
    let name = rule_name(r, node);
    let protocols = app_protocols(r, node, k, &name);
    let sources = firewall_sources(r, node, k.sources, k.source_groups);
    let fqdns = r.strings(node, &[k.fqdns]);
    let fqdn_tags = r.strings(node, &[k.fqdn_tags]);
    for key in k.unevaluated.iter().copied() {
        if !r.items(node, &[key]).is_empty() {
            r.note(format!("application rule `{name}`: `{key}` is not evaluated"));
        }
    }
    let origin = r.origin(node);
    if protocols.is_empty() || sources.is_empty() {
        r.error(
            &node.pointer,
            format!("application rule `{name}` has no protocols or no sources; the rule is left out"),
        );
        return None;
    }
    Some(FirewallRule::Application { name, protocols, sources, fqdns, fqdn_tags, origin })
}

fn app_protocols(r: &mut Reader, node: &Node, k: &AppKeys, name: &str) -> Vec<(AppProtocol, u16)> {
    let mut out = Vec::new();
    for item in node.field(k.protocols).map(|f| f.items()).unwrap_or_default() {
        let kind = r.text(&item, k.protocol_type).ok().flatten();
        let port = r.number(&item, "port").ok().flatten();
        match (kind.as_deref().and_then(AppProtocol::parse), port.and_then(|p| u16::try_from(p).ok())) {
            (Some(protocol), Some(port)) => out.push((protocol, port)),
            _ => {
                r.error(&item.pointer, format!("application rule `{name}`: a protocol needs a type (Http, Https, Mssql) and a port from 0 to 65535"));
            }
        }
    }
    out
}

/// The policy an Azure CLI object's `id` names, if any.
pub fn policy_of_id(node: &Node) -> Option<String> {
    node.plain("id").and_then(|id| segment_after(id, "firewallPolicies")).map(str::to_string)
}
