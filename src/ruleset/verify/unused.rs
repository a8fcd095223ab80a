//! Rules in the files that this configuration does not need: allow rules no packet reached,
//! allow rules whose packets are admitted just as well without them, and rules the docs have
//! dropped.

use std::collections::BTreeMap;

use super::{Checker, Replay, Tally};
use crate::model::{Direction, Ports};
use crate::resolve::Resolution;
use crate::ruleset::eval::{Packet, RuleId, Verdict};
use crate::ruleset::legs::Leg;
use crate::ruleset::model::{Access, Address, FirewallRule, NsgDirection, NsgRule, PortRange, Transport};
use crate::ruleset::party::{host_covers, tag_covers};
use crate::ruleset::report::{Obsolete, Unneeded};

impl Checker {
    /// Allow rules that admit nothing this configuration needs, with a note for each NSG that has
    /// no deny-all outbound.
    pub(super) fn unneeded(&self, legs: &[Leg], tally: &Tally) -> (Vec<Unneeded>, Vec<String>) {
        let mut replays: BTreeMap<RuleId, Vec<&Replay>> = BTreeMap::new();
        for (id, replay) in &tally.decided {
            replays.entry(*id).or_default().push(replay);
        }
        let consulted = |nsg: usize| {
            tally
                .touched
                .iter()
                .any(|id| matches!(id, RuleId::NsgDefault { nsg: n, .. } | RuleId::Nsg { nsg: n, .. } if *n == nsg))
        };
        let mut out = Vec::new();
        let mut notes = Vec::new();
        for (n, nsg) in self.set.nsgs.iter().enumerate().filter(|(n, _)| consulted(*n)) {
            for (r, _) in nsg.rules.iter().enumerate().filter(|(_, rule)| rule.access == Access::Allow) {
                let id = RuleId::Nsg { nsg: n, rule: r };
                out.extend(self.judge(id, legs, tally, replays.get(&id)));
            }
            if !nsg.rules.iter().any(denies_internet) {
                notes.push(format!(
                    "NSG {} has no deny-all outbound rule, so AllowInternetOutBound (65001) admits any outbound traffic to the internet and to Azure's public services: its outbound allow rules for them change nothing until one is added (vnet-flows export --deny-outbound writes one).",
                    nsg.name
                ));
            }
        }
        for (f, fw) in self.set.firewalls.iter().enumerate() {
            for (c, col) in fw.collections.iter().enumerate().filter(|(_, c)| c.action == Access::Allow) {
                for r in 0..col.rules.len() {
                    let id = RuleId::Firewall { firewall: f, collection: c, rule: r };
                    out.extend(self.judge(id, legs, tally, replays.get(&id)));
                }
            }
        }
        (out, notes)
    }

    /// Whether one allow rule is unneeded, and why.
    fn judge(&self, id: RuleId, legs: &[Leg], tally: &Tally, replays: Option<&Vec<&Replay>>) -> Option<Unneeded> {
        let unneeded = |why: String| {
            let by = self.describe(id);
            Some(Unneeded { file: by.file, set: by.set, rule: by.rule, why })
        };
        if !tally.touched.contains(&id) {
            return unneeded("No flow of this configuration reaches it.".into());
        }
        let replays = replays?;
        let mut instead = None;
        for replay in replays {
            let leg = &legs[replay.leg];
            let p = Packet {
                transport: replay.transport,
                ports: leg.ports,
                src: &leg.src,
                dst: &leg.dst,
                host: replay.host.map(|h| leg.hosts[h].as_str()),
            };
            let outcome = self.decide(replay.filter, &p, Some(id), &mut |_| {})?;
            if outcome.verdict != Verdict::Allowed {
                return None;
            }
            instead.get_or_insert(outcome.by);
        }
        let other = self.describe(instead?);
        unneeded(format!("Everything it admits is admitted without it, by {} in {}.", other.rule, other.set))
    }

    /// Rules in the files that admit traffic the docs have dropped.
    pub(super) fn obsolete(&self, r: &Resolution) -> Vec<Obsolete> {
        let mut out = Vec::new();
        for retired in r.catalog.retired.iter().filter(|x| x.scenarios.contains(&r.scenario.0)) {
            let entry = |id: RuleId| {
                let by = self.describe(id);
                Obsolete {
                    file: by.file,
                    set: by.set,
                    rule: by.rule,
                    note: retired.note.clone(),
                    sources: retired.sources.clone(),
                }
            };
            for (n, nsg) in self.set.nsgs.iter().enumerate() {
                for (i, rule) in nsg.rules.iter().enumerate() {
                    if nsg_admits_retired(rule, retired, self) {
                        out.push(entry(RuleId::Nsg { nsg: n, rule: i }));
                    }
                }
            }
            for (f, fw) in self.set.firewalls.iter().enumerate() {
                for (c, col) in fw.collections.iter().enumerate().filter(|(_, c)| c.action == Access::Allow) {
                    for (i, rule) in col.rules.iter().enumerate() {
                        if firewall_admits_retired(rule, &retired.fqdns) {
                            out.push(entry(RuleId::Firewall { firewall: f, collection: c, rule: i }));
                        }
                    }
                }
            }
        }
        out
    }
}

/// Whether an outbound deny rule takes in everything bound for the internet.
fn denies_internet(rule: &NsgRule) -> bool {
    let broad = |a: &Address| match a {
        Address::Any => true,
        Address::Cidr(c) => c.len == 0,
        Address::Tag(t) => t.eq_ignore_ascii_case("Internet"),
        _ => false,
    };
    rule.direction == NsgDirection::Outbound
        && rule.access == Access::Deny
        && rule.protocol == Transport::Any
        && rule.destinations.iter().any(broad)
        && rule.destination_ports.iter().any(|p| p.is_any())
}

fn covers_ports(rule: &[PortRange], retired: &[Ports]) -> bool {
    !rule.iter().any(|p| p.is_any())
        && retired.iter().all(|x| rule.iter().any(|p| p.covers(PortRange { first: x.first, last: x.last })))
}

fn nsg_admits_retired(rule: &NsgRule, retired: &crate::model::Retired, c: &Checker) -> bool {
    let direction = match retired.direction {
        Direction::Inbound => NsgDirection::Inbound,
        _ => NsgDirection::Outbound,
    };
    let far = if direction == NsgDirection::Inbound { &rule.sources } else { &rule.destinations };
    let tag_ok = retired.service_tag.as_deref().is_none_or(|need| {
        far.iter().any(|a| matches!(a, Address::Tag(t) if tag_covers(t, need, &c.env) || tag_covers(t, &format!("{need}.<region>"), &c.env)))
    });
    rule.access == Access::Allow
        && rule.direction == direction
        && retired.fqdns.is_empty()
        && covers_ports(&rule.destination_ports, &retired.ports)
        && tag_ok
}

fn firewall_admits_retired(rule: &FirewallRule, fqdns: &[String]) -> bool {
    let named = |name: &str, wild: bool| fqdns.iter().any(|f| host_covers(name, f, wild));
    match rule {
        FirewallRule::Application { fqdns: names, .. } => names.iter().any(|n| named(n, true)),
        FirewallRule::Network { destinations, .. } => {
            destinations.iter().any(|d| matches!(d, Address::Fqdn(f) if named(f, false)))
        }
    }
}
