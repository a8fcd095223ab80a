//! The missing rule for a blocked leg, written in the format of the file that blocked it: an
//! NSG rule at a free priority just before the rule that blocked the packet, or a firewall rule
//! in a new collection before the collection that denied it.

use std::collections::HashSet;

use super::{Checker, Decision, Filter, Tally};
use crate::ruleset::eval::RuleId;
use crate::ruleset::legs::Leg;
use crate::ruleset::model::{Access, Firewall, Nsg, NsgDirection, PortRange};
use crate::ruleset::plan::{
    FirewallFix, FirewallRuleSpec, Located, NsgSpec, address_of, description, firewall_rule, transport_of, unique_name,
};
use crate::ruleset::write;

/// The last custom NSG priority.
const NSG_LAST: u32 = 4096;
/// The last collection priority.
const COLLECTION_LAST: u32 = 65000;

/// The fix for the decision that blocked a leg, if one can be written. Hops that need the same
/// rule at the same place share one fix; different fixes never share a priority.
pub fn fix(c: &Checker, leg: &Leg, worst: &Decision, tally: &mut Tally) -> Option<String> {
    let by = worst.outcome.as_ref()?.by;
    let need = leg.need.map_or_else(|| leg.ports.to_string(), |r| r.id.clone());
    let key = (worst.filter, need, leg.transports.clone());
    if let Some((_, text)) = tally.fixes.iter().find(|(k, _)| *k == key) {
        return Some(text.clone());
    }
    let text = match worst.filter {
        Filter::NsgOut(i) => nsg_fix(c, leg, i, NsgDirection::Outbound, by, tally),
        Filter::NsgIn(i) => nsg_fix(c, leg, i, NsgDirection::Inbound, by, tally),
        Filter::Firewall(i) => firewall_fix(c, leg, i, by, tally),
        Filter::NoFirewall => None,
    }?;
    tally.fixes.push((key, text.clone()));
    Some(text)
}

fn nsg_fix(
    c: &Checker,
    leg: &Leg,
    index: usize,
    direction: NsgDirection,
    by: RuleId,
    tally: &mut Tally,
) -> Option<String> {
    let nsg = &c.set.nsgs[index];
    let blocker = c.describe(by).priority.unwrap_or(NSG_LAST + 1);
    let place = if direction == NsgDirection::Outbound { Filter::NsgOut(index) } else { Filter::NsgIn(index) };
    let claimed: Vec<u32> = tally.claimed.iter().filter(|(f, _)| *f == place).map(|(_, p)| *p).collect();
    let priority = free_nsg_priority(nsg, direction, blocker, &claimed)?;
    tally.claimed.push((place, priority.into()));
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
        ports: ports_of(leg),
        description: description(&needs),
    };
    Some(write::nsg_fix(&spec, nsg.format, &nsg.name, c.env.region.as_deref()))
}

/// The ports a fix opens: all of the data rule's, so that one fix serves every hop that needs
/// the rule.
fn ports_of(leg: &Leg) -> Vec<PortRange> {
    match leg.need {
        Some(rule) => rule.ports.iter().map(|p| PortRange { first: p.first, last: p.last }).collect(),
        None => vec![leg.ports],
    }
}

/// The highest priority below `below` in one direction of an NSG that no rule and no other fix
/// takes.
fn free_nsg_priority(nsg: &Nsg, direction: NsgDirection, below: u32, claimed: &[u32]) -> Option<u16> {
    let used: HashSet<u16> = nsg.rules.iter().filter(|r| r.direction == direction).map(|r| r.priority).collect();
    let start = below.saturating_sub(1).min(NSG_LAST) as u16;
    (100..=start).rev().find(|p| !used.contains(p) && !claimed.contains(&u32::from(*p)))
}

fn firewall_fix(c: &Checker, leg: &Leg, index: usize, by: RuleId, tally: &mut Tally) -> Option<String> {
    let fw: &Firewall = &c.set.firewalls[index];
    let need = leg.need?;
    let mut rule = firewall_rule(need, &[leg])?;
    if let FirewallRuleSpec::Network(n) = &mut rule {
        n.ports = ports_of(leg);
    }
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
    let place = Filter::Firewall(index);
    let claimed: Vec<u32> = tally.claimed.iter().filter(|(f, _)| *f == place).map(|(_, p)| *p).collect();
    let priority = (100..below.min(COLLECTION_LAST + 1)).rev().find(|p| !used.contains(p) && !claimed.contains(p))?;
    tally.claimed.push((place, priority));
    let fix = FirewallFix { group, collection: format!("allow-{}", need.id), priority, rule };
    Some(write::firewall_fix(&fix, fw.format, &fw.name, c.env.region.as_deref()))
}
