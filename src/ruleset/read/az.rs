//! Azure CLI output: `az network nsg show|list`, `az network nsg rule list`,
//! `az network firewall policy rule-collection-group show|list` and `az network firewall show`.
//!
//! The CLI prints resources flat (no `properties` wrapper); the object readers in `arm.rs` take
//! both shapes, so this module only says which reader each object goes to, and what the CLI adds:
//! an NSG's `defaultSecurityRules` (Azure's defaults, which the check adds itself) and its
//! `subnets`, given only by id.

use super::arm::{self, ARM_RULE};
use super::json::{Node, Reader, last_segment, segment_after};
use crate::ruleset::model::Subnet;

/// One object of az output, as far as its keys tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AzShape {
    Nsg,
    Rule,
    RuleCollectionGroup,
    Firewall,
}

/// Which az object this is, from its keys.
pub fn shape(node: &Node) -> Option<AzShape> {
    let flat = |key: &str| node.key(key).is_some();
    let kind = node.plain("type").unwrap_or_default().to_ascii_lowercase();
    if node.has("securityRules") || flat("defaultSecurityRules") || kind == "microsoft.network/networksecuritygroups" {
        Some(AzShape::Nsg)
    } else if node.has("ruleCollections") {
        Some(AzShape::RuleCollectionGroup)
    } else if ["networkRuleCollections", "applicationRuleCollections", "natRuleCollections"].iter().any(|k| node.has(k))
    {
        Some(AzShape::Firewall)
    } else if node.has("priority") && node.has("direction") && node.has("access") {
        Some(AzShape::Rule)
    } else {
        None
    }
}

/// Reads one az object of a known shape; `fallback` names the NSG of rules without an id.
pub fn read(r: &mut Reader, node: &Node, shape: AzShape, fallback: &str) {
    match shape {
        AzShape::Nsg => nsg(r, node, fallback),
        AzShape::Rule => rule(r, node, fallback),
        AzShape::RuleCollectionGroup => {
            let name = node.plain("name").unwrap_or("group");
            let written = name.split_once('/').map(|(policy, _)| policy.to_string());
            let policy = written.or_else(|| arm::policy_of_id(node)).unwrap_or_else(|| "policy".into());
            arm::rule_collection_group(r, node, &policy, last_segment(name));
        }
        AzShape::Firewall => {
            let name = node.plain("name").unwrap_or(fallback).to_string();
            arm::classic_firewall(r, node, &name);
        }
    }
}

/// `az network nsg show`: custom rules and the subnets it is attached to.
fn nsg(r: &mut Reader, node: &Node, fallback: &str) {
    let name = node.plain("name").unwrap_or(fallback).to_string();
    arm::nsg(r, node, &name);
    for link in node.list("subnets") {
        let Some(id) = link.plain("id") else {
            r.error(&link.pointer, format!("a subnet of NSG `{name}` has no `id`"));
            continue;
        };
        let subnet = Subnet {
            name: last_segment(id).to_string(),
            prefixes: Vec::new(),
            nsg: Some(name.clone()),
            endpoint_policies: false,
            origin: r.origin(&link),
        };
        r.out.subnets.push(subnet);
    }
}

/// One entry of `az network nsg rule list`, joined to the NSG its id names.
fn rule(r: &mut Reader, node: &Node, fallback: &str) {
    let nsg_name = node.plain("id").and_then(|id| segment_after(id, "networkSecurityGroups")).unwrap_or(fallback);
    let nsg_name = nsg_name.to_string();
    if let Some(rule) = arm::nsg_rule(r, node, &ARM_RULE) {
        let origin = r.origin(node);
        arm::nsg_entry(&mut r.out, &nsg_name, r.format, origin).rules.push(rule);
    }
}
