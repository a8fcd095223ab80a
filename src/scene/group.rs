//! Traffic on edges: the kind of a hop, the ports it needs, and hops grouped into edges (one
//! per pair of places and kind of traffic). The layout, the frame and the Mermaid export all
//! group hops here, so they agree on what an edge is.

use std::collections::BTreeMap;

use crate::model::{Catalog, Direction, NodeId, Ports, Protocol, RuleId};
use crate::resolve::{Resolution, RoutedHop};

/// How traffic on an edge relates to the VNet's edge; decides colour and line style. Set by the
/// rule a hop needs: a hop without a rule stays inside one network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Inbound,
    Outbound,
    Private,
    /// Inside one network: needs no rule of its own.
    Internal,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Inbound, Kind::Outbound, Kind::Private, Kind::Internal];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Inbound => "Inbound",
            Kind::Outbound => "Outbound",
            Kind::Private => "Private endpoint",
            Kind::Internal => "Inside one network",
        }
    }

    /// The kind of a routed hop.
    pub fn of(catalog: &Catalog, hop: &RoutedHop) -> Kind {
        match hop.rule.map(|r| catalog.rules[r].direction) {
            Some(Direction::Inbound) => Kind::Inbound,
            Some(Direction::Outbound) => Kind::Outbound,
            Some(Direction::Private) => Kind::Private,
            None => Kind::Internal,
        }
    }
}

/// What a hop needs allowed, as protocol and port pairs: the ports of its rule (so the diagram
/// says what the table says), or the hop's own port when no rule is involved.
pub fn hop_ports(catalog: &Catalog, hop: &RoutedHop) -> Vec<(Protocol, Ports)> {
    match hop.rule {
        Some(r) => catalog.rules[r].ports.iter().map(|&p| (catalog.rules[r].protocol, p)).collect(),
        None => vec![(hop.protocol, hop.port)],
    }
}

/// `TCP 443, 8787 · UDP 5831`: the protocols and ports of a set of hops, shortest first.
pub fn ports_label(ports: &[(Protocol, Ports)]) -> String {
    let mut sorted: Vec<(Protocol, Ports)> = ports.to_vec();
    sorted.sort_by_key(|(p, range)| (p.id(), range.first, range.last));
    sorted.dedup();
    let mut groups: Vec<(Protocol, Vec<String>)> = Vec::new();
    for (protocol, range) in sorted {
        match groups.last_mut() {
            Some((p, list)) if *p == protocol => list.push(range.to_string()),
            _ => groups.push((protocol, vec![range.to_string()])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(p, list)| match p {
            Protocol::Any => format!("Any {}", list.join(", ")),
            _ if list.len() > 3 => format!("{} {} +{}", p.id(), list[..2].join(", "), list.len() - 2),
            _ => format!("{} {}", p.id(), list.join(", ")),
        })
        .collect();
    parts.join(" · ")
}

/// The traffic of one kind between two places, in the order hops first used it.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: Kind,
    /// Every protocol and port its hops need, each once.
    pub ports: Vec<(Protocol, Ports)>,
    /// The rules its hops need, each once.
    pub rules: Vec<RuleId>,
    /// The flows that travel it, each once, by their place in the resolution ([`Groups::of`]
    /// only).
    pub flows: Vec<usize>,
}

/// Hops grouped into edges.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    pub list: Vec<Group>,
    index: BTreeMap<(NodeId, NodeId, Kind), usize>,
}

impl Groups {
    /// Adds a hop and returns the index of its group in [`Groups::list`].
    pub fn add(&mut self, catalog: &Catalog, hop: &RoutedHop) -> usize {
        let kind = Kind::of(catalog, hop);
        let list = &mut self.list;
        let g = *self.index.entry((hop.from, hop.to, kind)).or_insert_with(|| {
            list.push(Group { from: hop.from, to: hop.to, kind, ports: vec![], rules: vec![], flows: vec![] });
            list.len() - 1
        });
        let group = &mut self.list[g];
        for pair in hop_ports(catalog, hop) {
            push_new(&mut group.ports, pair);
        }
        if let Some(rule) = hop.rule {
            push_new(&mut group.rules, rule);
        }
        g
    }

    /// The edges of one resolution (flows numbered by their place in it), and per flow the
    /// groups of its hops in order.
    pub fn of(resolution: &Resolution) -> (Groups, Vec<Vec<usize>>) {
        let mut groups = Groups::default();
        let hops = resolution
            .flows
            .iter()
            .enumerate()
            .map(|(i, flow)| {
                let hops: Vec<usize> = flow.hops.iter().map(|hop| groups.add(&resolution.catalog, hop)).collect();
                for &g in &hops {
                    push_new(&mut groups.list[g].flows, i);
                }
                hops
            })
            .collect();
        (groups, hops)
    }
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}
