//! Resolution: one pure function from (scenario, configuration) to what applies.
//!
//! [`resolve`] picks the rules, steps, flows and findings whose conditions hold, replaces the
//! `client` alias by the node the reader works from, and routes hops through the devices the
//! configuration puts in their way:
//!
//! - client network → VNet goes through the VPN or ExpressRoute gateway (`access`);
//! - an outbound hop leaving the VNet goes through the firewall or NAT gateway (`egress`),
//!   except that a hop whose rule's service tag an active route step sends to next hop Internet
//!   (its `internet_tags`) goes around the firewall: the more specific route wins over the
//!   default route to the firewall, so only the subnet's NSG filters it.
//!
//! The rule that admits a hop stays on the segment that crosses the zone boundary, so the
//! inserted device's segment (inside the VNet) needs no rule of its own.

use std::rc::Rc;

use crate::config::Config;
use crate::model::{
    Access, Catalog, Direction, Egress, Endpoint, FlowId, NodeId, Ports, Protocol, Rule, RuleId, Scenario, ScenarioId,
    Severity, Zone,
};

/// What applies to one scenario in one configuration. Indices point into the catalog, which it
/// shares: it borrows nothing, so the widget resolves once per change and hands the same `Rc`
/// to every component.
#[derive(Clone, Debug)]
pub struct Resolution {
    pub catalog: Rc<Catalog>,
    pub scenario: ScenarioId,
    pub config: Config,
    /// The node the reader works from (browser, SDK machine or jump box).
    pub client: NodeId,
    /// Rules grouped inbound, outbound, private; file order within a group.
    pub rules: Vec<RuleId>,
    /// Steps grouped by kind; file order within a kind.
    pub steps: Vec<usize>,
    pub flows: Vec<RoutedFlow>,
    /// Blocked findings first.
    pub findings: Vec<usize>,
}

/// A flow with its hops routed for the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutedFlow {
    pub flow: FlowId,
    pub hops: Vec<RoutedHop>,
    /// Whether an active blocked finding names this flow.
    pub blocked: bool,
}

impl RoutedFlow {
    /// The flow as `A → B → C`: `label` gives each node's text, `after` what follows each hop's
    /// destination (its port, in the tables that show one). Every rendering of a path uses it.
    pub fn path(&self, label: impl Fn(NodeId) -> String, after: impl Fn(&RoutedHop) -> String) -> String {
        let Some(first) = self.hops.first() else { return String::new() };
        let mut text = label(first.from);
        for hop in &self.hops {
            text.push_str(" → ");
            text.push_str(&label(hop.to));
            text.push_str(&after(hop));
        }
        text
    }
}

/// One leg between two concrete nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoutedHop {
    pub from: NodeId,
    pub to: NodeId,
    pub protocol: Protocol,
    pub port: Ports,
    /// The rule that admits this leg, on the leg that crosses a zone boundary.
    pub rule: Option<RuleId>,
    /// The hop as the data writes it, before routing: its two ends (the client alias replaced)
    /// and its rule. Both legs of a routed hop share them; a packet's real source and
    /// destination are these ends, whatever device the leg passes.
    pub ends: (NodeId, NodeId),
    pub need: Option<RuleId>,
}

/// Resolves `scenario` under `config`.
pub fn resolve(catalog: &Rc<Catalog>, id: ScenarioId, config: &Config) -> Resolution {
    let scenario = &catalog.scenarios[id];
    let routing = &catalog.routing;
    let holds = |c: &crate::condition::Condition| c.holds(config);

    let access = routing.access_in(config);
    let client = match access {
        Access::Bastion => routing.jump_box,
        _ if routing.studio_in(config) => routing.browser,
        _ => routing.dev_machine,
    };

    let mut rules: Vec<RuleId> = scenario.rules.iter().copied().filter(|&r| holds(&catalog.rules[r].when)).collect();
    rules.sort_by_key(|&r| catalog.rules[r].direction);
    let mut steps: Vec<usize> = scenario.steps.iter().copied().filter(|&s| holds(&catalog.steps[s].when)).collect();
    steps.sort_by_key(|&s| catalog.steps[s].kind);
    let mut findings: Vec<usize> =
        scenario.findings.iter().copied().filter(|&f| holds(&catalog.findings[f].when)).collect();
    findings.sort_by_key(|&f| catalog.findings[f].severity);

    let gateway = match access {
        Access::Vpn => Some(routing.vpn_gateway),
        Access::ExpressRoute => Some(routing.expressroute_gateway),
        _ => None,
    };
    let egress = match routing.egress_in(config) {
        Egress::Firewall => Some(routing.firewall),
        Egress::NatGateway => Some(routing.nat_gateway),
        Egress::Direct => None,
    };
    // Service tags that an active route step sends around the firewall.
    let around = |tag: Option<&str>| tag.is_some_and(|tag| steps.iter().any(|&s| catalog.steps[s].routes_around(tag)));
    let zone = |n: NodeId| catalog.nodes[n].zone;
    let node = |e: Endpoint| match e {
        Endpoint::Node(n) => n,
        Endpoint::Client => client,
    };

    let flows = scenario
        .flows
        .iter()
        .copied()
        .filter(|&f| holds(&catalog.flows[f].when))
        .map(|f| {
            let mut hops = Vec::with_capacity(catalog.flows[f].hops.len() + 1);
            for hop in &catalog.flows[f].hops {
                let (from, to) = (node(hop.from), node(hop.to));
                let leg = |a, b, rule| RoutedHop {
                    from: a,
                    to: b,
                    protocol: hop.protocol,
                    port: hop.port,
                    rule,
                    ends: (from, to),
                    need: hop.rule,
                };
                let outbound = hop.rule.is_some_and(|r| catalog.rules[r].direction == Direction::Outbound);
                let routed_around = egress == Some(routing.firewall)
                    && around(hop.rule.and_then(|r| catalog.rules[r].service_tag.as_deref()));
                let via = if zone(from) == Zone::Client && zone(to) == Zone::Vnet {
                    gateway.map(|g| (g, true))
                } else if outbound && zone(from) == Zone::Vnet && !matches!(zone(to), Zone::Vnet | Zone::Client) {
                    egress.filter(|&device| device != from && !routed_around).map(|device| (device, false))
                } else {
                    None
                };
                match via {
                    // The gateway's leg into the VNet carries the rule.
                    Some((device, true)) => hops.extend([leg(from, device, hop.rule), leg(device, to, None)]),
                    // The egress device's leg out of the VNet carries the rule.
                    Some((device, false)) => hops.extend([leg(from, device, None), leg(device, to, hop.rule)]),
                    None => hops.push(leg(from, to, hop.rule)),
                }
            }
            let blocked = findings.iter().any(|&i| {
                let finding = &catalog.findings[i];
                finding.severity == Severity::Blocked && finding.flows.contains(&f)
            });
            RoutedFlow { flow: f, hops, blocked }
        })
        .collect();

    Resolution { catalog: catalog.clone(), scenario: id, config: config.clone(), client, rules, steps, flows, findings }
}

/// Equal when made from the same catalog (the same allocation) with the same outcome.
impl PartialEq for Resolution {
    fn eq(&self, other: &Resolution) -> bool {
        Rc::ptr_eq(&self.catalog, &other.catalog)
            && (self.scenario, &self.config, self.client) == (other.scenario, &other.config, other.client)
            && (&self.rules, &self.steps, &self.flows, &self.findings)
                == (&other.rules, &other.steps, &other.flows, &other.findings)
    }
}

impl Eq for Resolution {}

impl Resolution {
    /// The scenario resolved.
    pub fn scenario(&self) -> &Scenario {
        &self.catalog.scenarios[self.scenario]
    }

    /// Whether any active finding says the scenario cannot work.
    pub fn is_blocked(&self) -> bool {
        self.findings.iter().any(|&f| self.catalog.findings[f].severity == Severity::Blocked)
    }

    /// The host names of `rule` for the configured cloud, and whether the docs give them for
    /// that cloud. When they do not, the public-cloud names are returned with `false`.
    pub fn fqdns<'r>(&self, rule: &'r Rule) -> (&'r [String], bool) {
        let cloud = self.catalog.routing.cloud_key.map(|k| self.config.value_id(&self.catalog, k));
        let sovereign = match cloud {
            Some("usgov") => Some(&rule.fqdns.usgov),
            Some("china") => Some(&rule.fqdns.china),
            _ => None,
        };
        match sovereign {
            None => (&rule.fqdns.public, true),
            Some(list) if !list.is_empty() => (list, true),
            Some(_) => (&rule.fqdns.public, rule.fqdns.public.is_empty()),
        }
    }

    /// A rule's source or destination text with `{client}` filled in.
    pub fn fill(&self, text: &str) -> String {
        text.replace("{client}", &self.catalog.nodes[self.client].label)
    }
}
