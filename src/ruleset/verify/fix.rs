//! The missing rule for a blocked leg, written in the format of the file that blocked it: an
//! NSG rule at a free priority just before the rule that blocked the packet, or a firewall rule
//! in a new collection before the collection that denied it.

use std::collections::HashSet;

use super::{Checker, Decision, Filter};
use crate::ruleset::eval::RuleId;
use crate::ruleset::legs::Leg;
use crate::ruleset::model::{Access, Firewall, Nsg, NsgDirection};
use crate::ruleset::plan::{
    FirewallFix, Located, NsgSpec, address_of, description, firewall_rule, transport_of, unique_name,
};
use crate::ruleset::write;

/// The last custom NSG priority.
const NSG_LAST: u32 = 4096;
/// The last collection priority.
const COLLECTION_LAST: u32 = 65000;

/// The fix for the decision that blocked a leg, if one can be written.
pub fn fix(c: &Checker, leg: &Leg, worst: &Decision) -> Option<String> {
    let by = worst.outcome.as_ref()?.by;
    match worst.filter {
        Filter::NsgOut(i) => nsg_fix(c, leg, &c.set.nsgs[i], NsgDirection::Outbound, by),
        Filter::NsgIn(i) => nsg_fix(c, leg, &c.set.nsgs[i], NsgDirection::Inbound, by),
        Filter::Firewall(i) => firewall_fix(c, leg, &c.set.firewalls[i], by),
        Filter::NoFirewall => None,
    }
}

fn nsg_fix(c: &Checker, leg: &Leg, nsg: &Nsg, direction: NsgDirection, by: RuleId) -> Option<String> {
    let blocker = c.describe(by).priority.unwrap_or(NSG_LAST + 1);
    let priority = free_nsg_priority(nsg, direction, blocker)?;
    let vnet = Located::literal("VirtualNetwork");
    let (source, destination) = match direction {
        NsgDirection::Outbound => (vnet, address_of(&leg.dst)?),
        NsgDirection::Inbound => (address_of(&leg.src)?, vnet),
    };
    let mut names: Vec<String> = nsg.rules.iter().map(|r| r.name.clone()).collect();
    let base = format!("allow-{}", leg.need.map_or("vnet-flows", |r| r.id.as_str()));
    let needs: Vec<_> = leg.need.into_iter().collect();
    let spec = NsgSpec {
        name: unique_name(base, &mut names),
        priority,
        direction,
        access: Access::Allow,
        protocol: transport_of(leg),
        source,
        destination,
        ports: vec![leg.ports],
        description: description(&needs),
    };
    Some(write::nsg_fix(&spec, nsg.format, &nsg.name, c.env.region.as_deref()))
}

/// The highest free priority below `below` in one direction of an NSG.
fn free_nsg_priority(nsg: &Nsg, direction: NsgDirection, below: u32) -> Option<u16> {
    let used: HashSet<u16> = nsg.rules.iter().filter(|r| r.direction == direction).map(|r| r.priority).collect();
    let start = below.saturating_sub(1).min(NSG_LAST) as u16;
    (100..=start).rev().find(|p| !used.contains(p))
}

fn firewall_fix(c: &Checker, leg: &Leg, fw: &Firewall, by: RuleId) -> Option<String> {
    let need = leg.need?;
    let rule = firewall_rule(need, &[leg])?;
    let (group, below) = match by {
        RuleId::Firewall { collection, .. } => {
            let col = &fw.collections[collection];
            (col.group.clone(), col.priority)
        }
        _ => (
            fw.collections.first().map_or_else(|| "vnet-flows-aml".to_string(), |c| c.group.clone()),
            COLLECTION_LAST + 1,
        ),
    };
    let used: HashSet<u32> = fw.collections.iter().filter(|c| c.group == group).map(|c| c.priority).collect();
    let priority = (100..below.min(COLLECTION_LAST + 1)).rev().find(|p| !used.contains(p))?;
    let fix = FirewallFix { group, collection: format!("allow-{}", need.id), priority, rule };
    Some(write::firewall_fix(&fix, fw.format, &fw.name, c.env.region.as_deref()))
}
