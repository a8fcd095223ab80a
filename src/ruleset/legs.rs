//! The legs of a resolution as Azure's filters see them: for every routed hop, the packet's
//! real ends ([`Party`]), the subnet whose NSG it leaves or enters, and whether it leaves the
//! firewall. The export writes rules for these legs and the checker judges them, so both read
//! the same traffic from one place.

use super::model::{PortRange, Transport};
use super::party::{Party, REGION_MARKER};
use crate::model::{Access, Direction, NodeId, Protocol, Rule, Zone};
use crate::resolve::{Resolution, RoutedFlow};

/// The subnet the data puts private endpoints in: its NSG filters traffic to them only when the
/// subnet's private endpoint network policies are on (they are off by default).
pub const ENDPOINTS_SUBNET: &str = "endpoints";

/// One routed hop, ready to be filtered.
#[derive(Clone, Debug)]
pub struct Leg<'r> {
    /// Index into `Resolution::flows`, and of the hop in that flow.
    pub flow: usize,
    pub hop: usize,
    /// The rule the data names for this traffic (for a leg out of the firewall that the data
    /// writes as a hop of its own, the rule of the hop before it).
    pub need: Option<&'r Rule>,
    pub src: Party,
    pub dst: Party,
    /// The subnet whose NSG the packet leaves, and the one it enters.
    pub out_subnet: Option<&'r str>,
    pub in_subnet: Option<&'r str>,
    /// Whether the leg leaves Azure Firewall.
    pub firewall: bool,
    /// TCP, UDP, or both for a hop the docs give as `Any`.
    pub transports: Vec<Transport>,
    pub ports: PortRange,
    /// Host names the destination is reached by (the region written in when it is known).
    pub hosts: Vec<String>,
    /// Whether `hosts` are the public cloud's because the docs give none for the configured
    /// cloud: a rule written from them needs the reader's own names.
    pub public_names_only: bool,
}

impl Leg<'_> {
    /// Whether anything on the way filters this leg.
    pub fn filtered(&self) -> bool {
        self.out_subnet.is_some() || self.in_subnet.is_some() || self.firewall
    }
}

/// Every leg of every flow, in flow order.
pub fn legs<'r>(r: &'r Resolution, region: Option<&str>) -> Vec<Leg<'r>> {
    let mut out = Vec::new();
    for (f, flow) in r.flows.iter().enumerate() {
        for h in 0..flow.hops.len() {
            out.push(leg(r, flow, f, h, region));
        }
    }
    out
}

/// The routing devices: packets pass them, so their subnets' NSGs are not the packet's ends.
fn is_device(r: &Resolution, node: NodeId) -> bool {
    let routing = &r.catalog.routing;
    [routing.firewall, routing.nat_gateway, routing.vpn_gateway, routing.expressroute_gateway].contains(&node)
}

fn need_of<'r>(r: &'r Resolution, flow: &RoutedFlow, h: usize) -> Option<&'r Rule> {
    let hop = &flow.hops[h];
    let own = hop.need.map(|i| &r.catalog.rules[i]);
    let from_firewall = hop.from == r.catalog.routing.firewall && hop.ends.0 == hop.from;
    match own {
        None if from_firewall && h > 0 => flow.hops[h - 1].need.map(|i| &r.catalog.rules[i]),
        other => other,
    }
}

fn leg<'r>(r: &'r Resolution, flow: &RoutedFlow, f: usize, h: usize, region: Option<&str>) -> Leg<'r> {
    let hop = &flow.hops[h];
    let need = need_of(r, flow, h);
    let src = party(r, hop.ends.0, false, need, region);
    let dst = party(r, hop.ends.1, true, need, region);
    let filtering_subnet = |node: NodeId, other: &Party| {
        let n = &r.catalog.nodes[node];
        let filtered = n.zone == Zone::Vnet && !is_device(r, node) && *other != Party::Platform;
        n.subnet.as_deref().filter(|_| filtered)
    };
    let hosts = match &dst {
        Party::Service { fqdns, .. } => fqdns.clone(),
        _ => Vec::new(),
    };
    Leg {
        flow: f,
        hop: h,
        need,
        // A private endpoint's traffic to its service rides Private Link, which no NSG filters.
        out_subnet: filtering_subnet(hop.from, &dst).filter(|s| *s != ENDPOINTS_SUBNET),
        in_subnet: filtering_subnet(hop.to, &src),
        firewall: hop.from == r.catalog.routing.firewall,
        transports: match hop.protocol {
            Protocol::Tcp => vec![Transport::Tcp],
            Protocol::Udp => vec![Transport::Udp],
            Protocol::Any => vec![Transport::Tcp, Transport::Udp],
        },
        ports: PortRange { first: hop.port.first, last: hop.port.last },
        public_names_only: !hosts.is_empty() && need.is_some_and(|rule| !r.fqdns(rule).1),
        hosts,
        src,
        dst,
    }
}

/// Who a node is, as the packet's source (`dst == false`) or destination, given the rule the
/// data names for the hop.
fn party(r: &Resolution, node: NodeId, dst: bool, need: Option<&Rule>, region: Option<&str>) -> Party {
    let n = &r.catalog.nodes[node];
    // The rule's tag describes the far end: the destination of an outbound rule, the source of an
    // inbound one.
    let describes = |rule: &&Rule| match rule.direction {
        Direction::Outbound => dst,
        Direction::Inbound => !dst,
        Direction::Private => false,
    };
    let rule = need.filter(describes);
    let tag = rule.and_then(|rule| rule.service_tag.clone());
    let service = |azure: bool| Party::Service { tag: tag.clone(), fqdns: hosts(r, rule, region), azure };
    match n.zone {
        Zone::Vnet if tag.as_deref().is_some_and(|t| t != "VirtualNetwork" && t != "Internet") => service(true),
        Zone::Vnet => match &n.subnet {
            Some(subnet) => Party::Subnet(subnet.clone()),
            None if is_device(r, node) => Party::Subnet(String::new()),
            None => Party::Platform,
        },
        Zone::Client => {
            let access = r.catalog.routing.access_in(&r.config);
            if matches!(access, Access::Vpn | Access::ExpressRoute) { Party::OnPremises } else { Party::Internet }
        }
        Zone::Azure | Zone::Managed => service(true),
        Zone::Internet if dst => service(false),
        Zone::Internet => Party::Internet,
    }
}

/// The rule's host names for the configured cloud, with the region written in when known.
fn hosts(r: &Resolution, rule: Option<&Rule>, region: Option<&str>) -> Vec<String> {
    let Some(rule) = rule else { return Vec::new() };
    let (names, _) = r.fqdns(rule);
    names.iter().map(|h| region.map_or_else(|| h.clone(), |region| h.replace(REGION_MARKER, region))).collect()
}
