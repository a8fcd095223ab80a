//! How Azure decides one packet: an NSG's rules by priority (with the six default rules every NSG
//! has), and a firewall's collections (network rules first, then application rules, each by
//! group and collection priority; nothing matched means denied).
//!
//! Both walk their rules in order with three-valued matches ([`Match`]): a rule that certainly
//! matches decides, unless an earlier rule that might have matched would have decided the other
//! way, in which case the packet is unresolved. The caller can skip one rule, which is how the
//! checker finds rules that change nothing.

use super::model::{
    Access, Address, CollectionKind, Firewall, FirewallRule, Nsg, NsgDirection, NsgRule, Origin, PortRange, Transport,
};
use std::cell::RefCell;

use super::index::{HostIndex, PortIndex, TagIndex};
use super::party::{Env, Match, Party, host_covers, takes};

/// One packet of a hop: its transport, destination ports, ends, and the host name it asks for
/// (what an application rule or a network rule's FQDN must admit).
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub transport: Transport,
    pub ports: PortRange,
    pub src: &'a Party,
    pub dst: &'a Party,
    pub host: Option<&'a str>,
}

/// A rule in the rule set being checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// `rules[rule]` of `nsgs[nsg]`.
    Nsg { nsg: usize, rule: usize },
    /// One of the default rules ([`DEFAULTS`]) of `nsgs[nsg]`.
    NsgDefault { nsg: usize, rule: usize },
    /// `collections[collection].rules[rule]` of `firewalls[firewall]`.
    Firewall { firewall: usize, collection: usize, rule: usize },
    /// The firewall's implicit deny when no rule matches.
    FirewallDefault { firewall: usize },
}

/// A quick hasher for rule ids, which are a few small integers: the standard hasher is built to
/// resist keys chosen by an attacker, which these cannot be.
#[derive(Default)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

/// A set of rule ids.
pub type IdSet = std::collections::HashSet<RuleId, std::hash::BuildHasherDefault<IdHasher>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Allowed,
    Unresolved,
    Blocked,
}

/// How one packet fared at one NSG or firewall.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub by: RuleId,
    /// For unresolved packets: why the deciding rule may or may not match. For blocked ones: a
    /// mistake seen on the way, such as UDP named in an application rule.
    pub why: Option<String>,
}

/// A default rule: name, priority, direction, access, source, destination.
pub struct DefaultRule {
    pub name: &'static str,
    pub priority: u16,
    pub direction: NsgDirection,
    pub access: Access,
    pub source: &'static str,
    pub destination: &'static str,
}

/// The rules Azure puts in every NSG; they cannot be deleted, only overridden by custom rules
/// with lower priority numbers.
pub const DEFAULTS: [DefaultRule; 6] = [
    default("AllowVnetInBound", 65000, NsgDirection::Inbound, Access::Allow, "VirtualNetwork", "VirtualNetwork"),
    default("AllowAzureLoadBalancerInBound", 65001, NsgDirection::Inbound, Access::Allow, "AzureLoadBalancer", "*"),
    default("DenyAllInBound", 65500, NsgDirection::Inbound, Access::Deny, "*", "*"),
    default("AllowVnetOutBound", 65000, NsgDirection::Outbound, Access::Allow, "VirtualNetwork", "VirtualNetwork"),
    default("AllowInternetOutBound", 65001, NsgDirection::Outbound, Access::Allow, "*", "Internet"),
    default("DenyAllOutBound", 65500, NsgDirection::Outbound, Access::Deny, "*", "*"),
];

const fn default(
    name: &'static str,
    priority: u16,
    direction: NsgDirection,
    access: Access,
    source: &'static str,
    destination: &'static str,
) -> DefaultRule {
    DefaultRule { name, priority, direction, access, source, destination }
}

/// The default rules as NSG rules, for matching like any other.
pub fn default_rules() -> Vec<NsgRule> {
    DEFAULTS
        .iter()
        .map(|d| NsgRule {
            name: d.name.to_string(),
            priority: d.priority,
            direction: d.direction,
            access: d.access,
            protocol: Transport::Any,
            sources: vec![Address::parse(d.source)],
            source_ports: vec![PortRange::ANY],
            destinations: vec![Address::parse(d.destination)],
            destination_ports: vec![PortRange::ANY],
            origin: Origin::default(),
        })
        .collect()
}

fn ports_match(ranges: &[PortRange], wanted: PortRange) -> Match {
    if ranges.iter().any(|r| r.covers(wanted)) {
        Match::Yes
    } else if ranges.iter().any(|r| r.overlaps(wanted)) {
        Match::Maybe(format!("it admits only some of ports {wanted}"))
    } else {
        Match::No
    }
}

fn yes_if(b: bool) -> Match {
    if b { Match::Yes } else { Match::No }
}

/// Whether an NSG rule matches a packet.
pub fn nsg_rule_matches(rule: &NsgRule, p: &Packet, env: &Env) -> Match {
    yes_if(rule.protocol.carries(p.transport))
        .and(|| ports_match(&rule.destination_ports, p.ports))
        .and(|| Match::any(rule.destinations.iter().map(|a| takes(a, p.dst, env))))
        .and(|| Match::any(rule.sources.iter().map(|a| takes(a, p.src, env))))
        .and(|| {
            if rule.source_ports.iter().any(|r| r.is_any()) {
                Match::Yes
            } else {
                Match::Maybe("its source ports are not `*`, and a client picks its source port at random".into())
            }
        })
}

/// Walks matches in order and returns the decision; `None` if nothing matched at all.
fn walk(items: impl Iterator<Item = (RuleId, Access, Match)>, touched: &mut dyn FnMut(RuleId)) -> Option<Outcome> {
    let mut maybe: [Option<(RuleId, String)>; 2] = [None, None];
    let slot = |a: Access| if a == Access::Allow { 0 } else { 1 };
    for (id, access, m) in items {
        match m {
            Match::No => {}
            Match::Maybe(why) => {
                touched(id);
                maybe[slot(access)].get_or_insert((id, why));
            }
            Match::Yes => {
                touched(id);
                let other = if access == Access::Allow { Access::Deny } else { Access::Allow };
                return Some(match maybe[slot(other)].take() {
                    Some((by, why)) => Outcome { verdict: Verdict::Unresolved, by, why: Some(why) },
                    None => {
                        let verdict = if access == Access::Allow { Verdict::Allowed } else { Verdict::Blocked };
                        Outcome { verdict, by: id, why: None }
                    }
                });
            }
        }
    }
    None
}

/// An NSG's rules of one direction, sorted by priority, with its defaults and an index by port:
/// built once per check.
pub struct NsgOrder {
    pub nsg: usize,
    pub direction: NsgDirection,
    /// (id, rule), lowest priority number first.
    pub rules: Vec<(RuleId, NsgRule)>,
    ports: PortIndex,
    tags: TagIndex,
    /// The candidates of the packet being decided, kept to spare an allocation per packet.
    scratch: RefCell<Vec<u32>>,
}

impl NsgOrder {
    pub fn new(index: usize, nsg: &Nsg, direction: NsgDirection) -> NsgOrder {
        let custom = nsg.rules.iter().enumerate().map(|(i, r)| (RuleId::Nsg { nsg: index, rule: i }, r.clone()));
        let defaults =
            default_rules().into_iter().enumerate().map(|(i, r)| (RuleId::NsgDefault { nsg: index, rule: i }, r));
        let mut rules: Vec<(RuleId, NsgRule)> =
            custom.chain(defaults).filter(|(_, r)| r.direction == direction).collect();
        rules.sort_by_key(|(_, r)| r.priority);
        let ports = PortIndex::new(rules.iter().map(|(_, r)| r.destination_ports.as_slice()));
        let outbound = direction == NsgDirection::Outbound;
        let tags =
            TagIndex::new(rules.iter().map(|(_, r)| if outbound { &r.destinations[..] } else { &r.sources[..] }));
        NsgOrder { nsg: index, direction, rules, ports, tags, scratch: RefCell::default() }
    }

    /// Decides a packet, leaving out `skip`.
    pub fn decide(&self, p: &Packet, env: &Env, skip: Option<RuleId>, touched: &mut dyn FnMut(RuleId)) -> Outcome {
        let mut candidates = self.scratch.take();
        self.ports.candidates(p.ports, &mut candidates);
        let far = if self.direction == NsgDirection::Outbound { p.dst } else { p.src };
        self.tags.keep(far.tag(), &mut candidates);
        let items = candidates
            .iter()
            .map(|&i| &self.rules[i as usize])
            .filter(|(id, _)| Some(*id) != skip)
            .map(|(id, r)| (*id, r.access, nsg_rule_matches(r, p, env)));
        // DenyAll matches every packet, so the walk always ends in a decision.
        let outcome =
            walk(items, touched).unwrap_or(Outcome { verdict: Verdict::Blocked, by: self.rules[0].0, why: None });
        self.scratch.replace(candidates);
        outcome
    }
}

/// Whether a firewall network rule matches a packet.
fn network_matches(rule: &FirewallRule, p: &Packet, env: &Env) -> Match {
    let FirewallRule::Network { protocols, sources, destinations, ports, .. } = rule else { return Match::No };
    yes_if(protocols.iter().any(|t| t.carries(p.transport)))
        .and(|| ports_match(ports, p.ports))
        .and(|| {
            Match::any(destinations.iter().map(|a| match a {
                Address::Fqdn(name) => yes_if(p.host.is_some_and(|h| host_covers(name, h, false))),
                other => takes(other, p.dst, env),
            }))
        })
        .and(|| Match::any(sources.iter().map(|a| takes(a, p.src, env))))
}

/// Whether a firewall application rule matches a packet; it can only match HTTP, HTTPS or
/// MSSQL over TCP on the rule's own ports.
fn application_matches(rule: &FirewallRule, p: &Packet, env: &Env) -> Match {
    let FirewallRule::Application { protocols, sources, fqdns, fqdn_tags, .. } = rule else { return Match::No };
    let web = p.transport == Transport::Tcp && protocols.iter().any(|(_, port)| PortRange::single(*port) == p.ports);
    let Some(host) = p.host.filter(|_| web) else { return Match::No };
    let by_name = Match::any(fqdns.iter().map(|f| yes_if(host_covers(f, host, true))));
    let by_tag = Match::any(
        fqdn_tags
            .iter()
            .map(|t| Match::Maybe(format!("FQDN tag {t}: Microsoft keeps its host list, which is not in the files"))),
    );
    Match::any([by_name, by_tag]).and(|| Match::any(sources.iter().map(|a| takes(a, p.src, env))))
}

/// An application rule that names the packet's host but can never carry it (UDP, or a port that
/// is not its protocol's): the mistake the report must point out.
fn misplaced(rule: &FirewallRule, p: &Packet) -> bool {
    let FirewallRule::Application { fqdns, .. } = rule else { return false };
    p.host.is_some_and(|h| fqdns.iter().any(|f| host_covers(f, h, true)))
}

/// A firewall's rules in processing order (network collections by group and collection
/// priority, then application collections), indexed by port and by host: built once per check.
pub struct FirewallOrder {
    pub firewall: usize,
    /// (collection, rule) of the network rules, then of the application rules.
    network: Vec<(usize, usize)>,
    application: Vec<(usize, usize)>,
    ports: PortIndex,
    tags: TagIndex,
    hosts: HostIndex,
    /// Candidates by port and by host of the packet being decided.
    scratch: RefCell<(Vec<u32>, Vec<u32>)>,
}

impl FirewallOrder {
    pub fn new(index: usize, firewall: &Firewall) -> FirewallOrder {
        let mut collections: Vec<usize> =
            (0..firewall.collections.len()).filter(|&c| firewall.collections[c].kind != CollectionKind::Nat).collect();
        collections.sort_by_key(|&c| {
            let col = &firewall.collections[c];
            (col.kind == CollectionKind::Application, col.group_priority, col.priority)
        });
        let rules_of = |kind: CollectionKind| -> Vec<(usize, usize)> {
            let of_kind = collections.iter().filter(|&&c| firewall.collections[c].kind == kind);
            of_kind.flat_map(|&c| (0..firewall.collections[c].rules.len()).map(move |r| (c, r))).collect()
        };
        let (network, application) = (rules_of(CollectionKind::Network), rules_of(CollectionKind::Application));
        let rule = |&(c, r): &(usize, usize)| &firewall.collections[c].rules[r];
        let ports = PortIndex::new(network.iter().map(|e| match rule(e) {
            FirewallRule::Network { ports, .. } => ports.as_slice(),
            FirewallRule::Application { .. } => &[],
        }));
        let tags = TagIndex::new(network.iter().map(|e| match rule(e) {
            FirewallRule::Network { destinations, .. } => destinations.as_slice(),
            FirewallRule::Application { .. } => &[],
        }));
        let hosts = HostIndex::new(application.iter().map(|e| match rule(e) {
            FirewallRule::Application { fqdns, fqdn_tags, .. } => (fqdns.as_slice(), !fqdn_tags.is_empty()),
            FirewallRule::Network { .. } => (&[][..], true),
        }));
        FirewallOrder { firewall: index, network, application, ports, tags, hosts, scratch: RefCell::default() }
    }

    /// Decides a packet, leaving out `skip`.
    pub fn decide(
        &self,
        firewall: &Firewall,
        p: &Packet,
        env: &Env,
        skip: Option<RuleId>,
        touched: &mut dyn FnMut(RuleId),
    ) -> Outcome {
        let (mut by_port, mut by_host) = self.scratch.take();
        by_host.clear();
        self.ports.candidates(p.ports, &mut by_port);
        // A network rule that names only host names is indexed as a candidate for every packet.
        self.tags.keep(p.dst.tag(), &mut by_port);
        if let Some(host) = p.host {
            self.hosts.candidates(host, &mut by_host);
        }
        let network = by_port.iter().map(|&i| self.network[i as usize]);
        let application = by_host.iter().map(|&i| self.application[i as usize]);
        let mut mistake = None;
        let items = network
            .chain(application)
            .map(|(c, r)| (RuleId::Firewall { firewall: self.firewall, collection: c, rule: r }, c, r))
            .filter(|(id, _, _)| Some(*id) != skip)
            .map(|(id, c, r)| {
                let (col, rule) = (&firewall.collections[c], &firewall.collections[c].rules[r]);
                let m = match col.kind {
                    CollectionKind::Application => application_matches(rule, p, env),
                    _ => network_matches(rule, p, env),
                };
                if m == Match::No && col.kind == CollectionKind::Application && misplaced(rule, p) {
                    mistake.get_or_insert_with(|| misplaced_note(rule.name(), &col.name, p));
                }
                (id, col.action, m)
            });
        // Nothing matched means denied: a last rule that matches everything.
        let default = RuleId::FirewallDefault { firewall: self.firewall };
        let items = items.chain(std::iter::once((default, Access::Deny, Match::Yes)));
        let mut outcome = walk(items, touched).unwrap_or(Outcome { verdict: Verdict::Blocked, by: default, why: None });
        if outcome.verdict == Verdict::Blocked {
            outcome.why = outcome.why.or(mistake);
        }
        self.scratch.replace((by_port, by_host));
        outcome
    }
}

fn misplaced_note(rule: &str, collection: &str, p: &Packet) -> String {
    let transport = p.transport.firewall_id();
    format!(
        "application rule {rule} (collection {collection}) names this host, but application rules carry only HTTP, HTTPS and MSSQL over TCP on their own ports: {transport} {} needs a network rule",
        p.ports
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::model::Cidr;
    use crate::testing::Rng;

    const ADDRESSES: [&str; 10] = [
        "*",
        "VirtualNetwork",
        "Internet",
        "Storage",
        "Storage.WestEurope",
        "AzureMachineLearning",
        "Sql",
        "10.0.0.0/16",
        "192.168.0.0/16",
        "AzureCloud",
    ];
    const PORTS: [&str; 7] = ["*", "443", "445", "80-8000", "5831", "44224", "1-442"];

    fn address(rng: &mut Rng) -> Address {
        let text: &&str = rng.pick(&ADDRESSES);
        Address::parse(text)
    }

    fn port(rng: &mut Rng) -> &'static str {
        let text: &&str = rng.pick(&PORTS);
        text
    }

    fn random_nsg(rng: &mut Rng) -> Nsg {
        let rules = (0..60)
            .map(|i| NsgRule {
                name: format!("r{i}"),
                priority: 100 + (rng.below(3900)) as u16,
                direction: if rng.below(2) == 0 { NsgDirection::Inbound } else { NsgDirection::Outbound },
                access: if rng.below(3) == 0 { Access::Deny } else { Access::Allow },
                protocol: *rng.pick(&[Transport::Tcp, Transport::Udp, Transport::Any]),
                sources: vec![address(rng)],
                source_ports: vec![PortRange::ANY],
                destinations: vec![address(rng), address(rng)],
                destination_ports: vec![PortRange::parse(port(rng)).unwrap()],
                origin: Origin::default(),
            })
            .collect();
        Nsg { name: "n".into(), format: crate::ruleset::model::Format::Arm, rules, origin: Origin::default() }
    }

    #[test]
    fn the_indexes_decide_as_a_walk_over_every_rule() {
        let mut rng = Rng::new(0x1DE5);
        let env =
            Env { region: Some("westeurope".into()), vnet: vec![Cidr::parse("10.0.0.0/16").unwrap()], subnets: vec![] };
        let parties = [
            Party::Subnet("training".into()),
            Party::OnPremises,
            Party::Internet,
            Party::Service { tag: Some("Storage.<region>".into()), fqdns: vec![], azure: true },
            Party::Service { tag: Some("AzureMachineLearning".into()), fqdns: vec![], azure: true },
            Party::Service { tag: None, fqdns: vec![], azure: false },
        ];
        for _ in 0..50 {
            let nsg = random_nsg(&mut rng);
            for direction in [NsgDirection::Inbound, NsgDirection::Outbound] {
                let order = NsgOrder::new(0, &nsg, direction);
                for _ in 0..40 {
                    let port = *rng.pick(&[443u16, 445, 80, 5831, 44224, 9000, 22]);
                    let p = Packet {
                        transport: *rng.pick(&[Transport::Tcp, Transport::Udp]),
                        ports: PortRange::single(port),
                        src: rng.pick(&parties),
                        dst: rng.pick(&parties),
                        host: None,
                    };
                    let everything = order.rules.iter().map(|(id, r)| (*id, r.access, nsg_rule_matches(r, &p, &env)));
                    let expected = walk(everything, &mut |_| {});
                    assert_eq!(Some(order.decide(&p, &env, None, &mut |_| {})), expected, "{p:?}");
                }
            }
        }
    }
}
