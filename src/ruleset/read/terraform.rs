//! `terraform show -json`, of a state (`values`) or a plan (`planned_values`): the azurerm
//! resources for NSGs and their rules, subnets and their NSG associations, firewall policy rule
//! collection groups and classic firewall rule collections.
//!
//! In a plan, ids that do not exist yet are unknown; an association's subnet and NSG are then
//! found through the `configuration` section, whose expressions name the resources referred to.

use super::arm::{self, AppKeys, NetKeys, RuleKeys};
use super::json::{Node, Reader, last_segment};
use crate::ruleset::model::{Cidr, Collection, CollectionKind, FirewallRule, Subnet};

/// Deepest nesting of child modules read.
const MAX_MODULES: usize = 16;

const TF_RULE: RuleKeys = RuleKeys {
    name: "name",
    priority: "priority",
    direction: "direction",
    access: "access",
    protocol: "protocol",
    sources: ["source_address_prefix", "source_address_prefixes"],
    source_asgs: "source_application_security_group_ids",
    source_ports: ["source_port_range", "source_port_ranges"],
    destinations: ["destination_address_prefix", "destination_address_prefixes"],
    destination_asgs: "destination_application_security_group_ids",
    destination_ports: ["destination_port_range", "destination_port_ranges"],
};

const TF_NET: NetKeys = NetKeys {
    protocols: "protocols",
    sources: "source_addresses",
    source_groups: "source_ip_groups",
    destinations: "destination_addresses",
    destination_groups: "destination_ip_groups",
    destination_fqdns: "destination_fqdns",
    ports: "destination_ports",
};

const TF_POLICY_APP: AppKeys = AppKeys {
    protocols: "protocols",
    protocol_type: "type",
    sources: "source_addresses",
    source_groups: "source_ip_groups",
    fqdns: "destination_fqdns",
    fqdn_tags: "destination_fqdn_tags",
    unevaluated: &["web_categories", "destination_urls"],
};

const TF_CLASSIC_APP: AppKeys =
    AppKeys { protocols: "protocol", fqdns: "target_fqdns", fqdn_tags: "fqdn_tags", unevaluated: &[], ..TF_POLICY_APP };

/// A managed resource of the state or plan: its address, type and values.
struct Resource<'a> {
    address: String,
    kind: String,
    values: Node<'a>,
}

/// Reads every resource this check knows, then the associations (which need the subnets).
pub fn read(r: &mut Reader, root: &Node) {
    let top = root.key("values").filter(|v| v.value.is_object()).or_else(|| root.key("planned_values"));
    let Some(module) = top.and_then(|t| t.key("root_module")) else {
        r.error(&root.pointer, "this Terraform JSON has no `values.root_module` or `planned_values.root_module`");
        return;
    };
    let mut resources = Vec::new();
    collect(&module, 0, &mut resources);
    for res in &resources {
        resource(r, root, &resources, res);
    }
    for res in resources.iter().filter(|res| res.kind == "azurerm_subnet_network_security_group_association") {
        association(r, root, &resources, res);
    }
}

fn collect<'a>(module: &Node<'a>, depth: usize, out: &mut Vec<Resource<'a>>) {
    for res in module.key("resources").map(|n| n.items()).unwrap_or_default() {
        let managed = res.key("mode").and_then(|m| m.str()).is_none_or(|m| m == "managed");
        let kind = res.key("type").and_then(|t| t.str());
        if let (true, Some(kind), Some(values)) = (managed, kind, res.key("values")) {
            let address = res.key("address").and_then(|a| a.str()).unwrap_or_default().to_string();
            out.push(Resource { address, kind: kind.to_string(), values });
        }
    }
    if depth < MAX_MODULES {
        for child in module.key("child_modules").map(|n| n.items()).unwrap_or_default() {
            collect(&child, depth + 1, out);
        }
    }
}

fn resource(r: &mut Reader, root: &Node, all: &[Resource], res: &Resource) {
    let v = &res.values;
    match res.kind.as_str() {
        "azurerm_network_security_group" => {
            let Ok(name) = r.required_text(v, "name", "this network security group") else { return };
            let rules: Vec<_> =
                v.list("security_rule").iter().filter_map(|rule| arm::nsg_rule(r, rule, &TF_RULE)).collect();
            let origin = r.origin(v);
            let nsg = arm::nsg_entry(&mut r.out, &name, r.format, origin.clone());
            nsg.origin = origin;
            nsg.rules.extend(rules);
        }
        "azurerm_network_security_rule" => separate_rule(r, v),
        "azurerm_subnet" => {
            if let Ok(subnet) = subnet(r, v) {
                r.out.subnets.push(subnet);
            }
        }
        "azurerm_firewall_policy_rule_collection_group" => rule_collection_group(r, root, all, res),
        "azurerm_firewall_network_rule_collection" => classic_collection(r, v, CollectionKind::Network),
        "azurerm_firewall_application_rule_collection" => classic_collection(r, v, CollectionKind::Application),
        "azurerm_firewall_nat_rule_collection" => classic_collection(r, v, CollectionKind::Nat),
        "azurerm_firewall" => firewall(r, root, all, res),
        _ => {}
    }
}

/// `azurerm_network_security_rule`, joined to the NSG it names.
fn separate_rule(r: &mut Reader, v: &Node) {
    let Ok(nsg_name) = r.required_text(v, "network_security_group_name", "this NSG rule") else { return };
    if let Some(rule) = arm::nsg_rule(r, v, &TF_RULE) {
        let origin = r.origin(v);
        arm::nsg_entry(&mut r.out, &nsg_name, r.format, origin).rules.push(rule);
    }
}

fn subnet(r: &mut Reader, v: &Node) -> Result<Subnet, super::json::Reported> {
    let name = r.required_text(v, "name", "this subnet")?;
    let mut prefixes = Vec::new();
    for item in r.items(v, &["address_prefixes", "address_prefix"]) {
        match item.text {
            Ok(text) if text.contains(':') => {}
            Ok(text) => match Cidr::parse(&text) {
                Some(cidr) => prefixes.push(cidr),
                None => _ = r.error(&item.pointer, format!("subnet `{name}`: `{text}` is not an IPv4 prefix")),
            },
            Err(unresolved) => _ = r.error(&item.pointer, unresolved.to_string()),
        }
    }
    let policies = v.plain("private_endpoint_network_policies").unwrap_or_default().to_ascii_lowercase();
    let older = v.field("private_endpoint_network_policies_enabled").and_then(|b| b.value.as_bool());
    let endpoint_policies = policies == "enabled" || policies == "networksecuritygroupenabled" || older == Some(true);
    Ok(Subnet { name, prefixes, nsg: None, endpoint_policies, origin: r.origin(v) })
}

/// The resource name behind an id field: the id's last segment, or in a plan (where the id is
/// unknown) the `name` of the resource the configuration refers to.
fn linked_name(root: &Node, all: &[Resource], res: &Resource, key: &str) -> Option<String> {
    if let Some(id) = res.values.plain(key).filter(|id| !id.is_empty()) {
        return Some(last_segment(id).to_string());
    }
    let (module, prefix, local) = config_module(root, &res.address)?;
    let config = module.key("resources")?.items().into_iter().find(|c| c.plain("address") == Some(local.as_str()))?;
    let references = config.key("expressions")?.key(key)?.key("references")?.items();
    let target = references.iter().filter_map(|n| n.str()).find_map(resource_address)?;
    let target = format!("{prefix}{target}");
    let found = all.iter().find(|other| other.address == target || other.address.starts_with(&format!("{target}[")))?;
    found.values.plain("name").map(str::to_string)
}

/// `azurerm_subnet.training.id` → `azurerm_subnet.training` (and `data.` addresses alike).
fn resource_address(reference: &str) -> Option<String> {
    let parts: Vec<&str> = reference.split('.').collect();
    let count = if parts.first() == Some(&"data") { 3 } else { 2 };
    let named = parts.len() >= count && !["var", "local", "module", "each", "count"].contains(&parts[0]);
    named.then(|| parts[..count].join("."))
}

/// The configuration module a resource address sits in, the address prefix of that module, and
/// the address within it (without a `count`/`for_each` index).
fn config_module<'a>(root: &Node<'a>, address: &str) -> Option<(Node<'a>, String, String)> {
    let mut module = root.key("configuration")?.key("root_module")?;
    let mut rest = address;
    let mut prefix = String::new();
    while let Some(after) = rest.strip_prefix("module.") {
        let (call, tail) = after.split_once('.')?;
        module = module.key("module_calls")?.key(call.split('[').next()?)?.key("module")?;
        prefix.push_str(&format!("module.{call}."));
        rest = tail;
    }
    let local = rest.split('[').next().unwrap_or(rest).to_string();
    Some((module, prefix, local))
}

/// `azurerm_subnet_network_security_group_association`: sets the subnet's NSG.
fn association(r: &mut Reader, root: &Node, all: &[Resource], res: &Resource) {
    let subnet = linked_name(root, all, res, "subnet_id");
    let nsg = linked_name(root, all, res, "network_security_group_id");
    let (Some(subnet), Some(nsg)) = (subnet, nsg) else {
        r.error(&res.values.pointer, format!("the association `{}`: its subnet or NSG id is unknown in this plan, and the configuration does not name the resource", res.address));
        return;
    };
    match r.out.subnets.iter_mut().find(|s| s.name == subnet) {
        Some(found) => found.nsg = Some(nsg),
        None => {
            let origin = r.origin(&res.values);
            r.out.subnets.push(Subnet {
                name: subnet,
                prefixes: Vec::new(),
                nsg: Some(nsg),
                endpoint_policies: false,
                origin,
            });
        }
    }
}

fn rule_collection_group(r: &mut Reader, root: &Node, all: &[Resource], res: &Resource) {
    let v = &res.values;
    let Ok(group) = r.required_text(v, "name", "this rule collection group") else { return };
    let what = format!("rule collection group `{group}`");
    let Ok(group_priority) = r.priority(v, "priority", &what, 100, 65000) else { return };
    let policy = linked_name(root, all, res, "firewall_policy_id").unwrap_or_else(|| "policy".into());
    let mut collections = Vec::new();
    for (key, kind) in [
        ("network_rule_collection", CollectionKind::Network),
        ("application_rule_collection", CollectionKind::Application),
    ] {
        for item in v.list(key) {
            collections.extend(collection(r, &item, &group, group_priority as u32, kind));
        }
    }
    for item in v.list("nat_rule_collection") {
        let name = item.plain("name").unwrap_or("(unnamed)");
        r.note(format!("the DNAT rules of collection `{name}` are not evaluated"));
    }
    let origin = r.origin(v);
    arm::firewall_entry(&mut r.out, &policy, r.format, origin).collections.extend(collections);
}

fn collection(
    r: &mut Reader,
    node: &Node,
    group: &str,
    group_priority: u32,
    kind: CollectionKind,
) -> Option<Collection> {
    let (name, priority, action) = arm::collection_head(r, node, kind == CollectionKind::Nat).ok()?;
    let rules = node.list("rule").iter().filter_map(|rule| firewall_rule(r, rule, kind, false)).collect();
    let origin = r.origin(node);
    Some(Collection { name, group: group.to_string(), group_priority, priority, kind, action, rules, origin })
}

fn firewall_rule(r: &mut Reader, rule: &Node, kind: CollectionKind, classic: bool) -> Option<FirewallRule> {
    match (kind, classic) {
        (CollectionKind::Application, false) => arm::application_rule(r, rule, &TF_POLICY_APP),
        (CollectionKind::Application, true) => arm::application_rule(r, rule, &TF_CLASSIC_APP),
        _ => arm::network_rule(r, rule, &TF_NET),
    }
}

/// `azurerm_firewall_{network,application,nat}_rule_collection`, joined to its firewall.
fn classic_collection(r: &mut Reader, v: &Node, kind: CollectionKind) {
    let Ok(firewall) = r.required_text(v, "azure_firewall_name", "this firewall rule collection") else { return };
    let nat = kind == CollectionKind::Nat;
    let Ok((name, priority, action)) = arm::collection_head(r, v, nat) else { return };
    if nat {
        r.note(format!("the DNAT rules of collection `{name}` on firewall `{firewall}` are not evaluated"));
    }
    let rules = v.list("rule").iter().filter(|_| !nat).filter_map(|rule| firewall_rule(r, rule, kind, true)).collect();
    let origin = r.origin(v);
    let collection = Collection {
        name,
        group: firewall.clone(),
        group_priority: 0,
        priority,
        kind,
        action,
        rules,
        origin: origin.clone(),
    };
    arm::firewall_entry(&mut r.out, &firewall, r.format, origin).collections.push(collection);
}

/// `azurerm_firewall`: a classic firewall (its collections are separate resources), or one that
/// takes its rules from a policy, which is then only noted.
fn firewall(r: &mut Reader, root: &Node, all: &[Resource], res: &Resource) {
    let v = &res.values;
    let Ok(name) = r.required_text(v, "name", "this firewall") else { return };
    if let Some(policy) = linked_name(root, all, res, "firewall_policy_id") {
        r.note(format!("the firewall `{name}` takes its rules from the policy `{policy}`: give that policy's rule collection groups too"));
        return;
    }
    let origin = r.origin(v);
    arm::firewall_entry(&mut r.out, &name, r.format, origin);
}
