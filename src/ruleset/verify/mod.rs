//! `vnet-flows check`: every flow of one configuration, hop by hop, against the rule sets read
//! from an administrator's files.
//!
//! A [`Checker`] is built once per rule set (the NSGs' rules sorted by priority, the firewall's
//! collections in processing order, which NSG sits on which of the data's subnets) and then
//! checks any number of configurations. Each leg of a flow ([`Leg`]) passes the NSG of the subnet
//! it leaves, the NSG of the subnet it enters and, out of the firewall, the firewall's rules;
//! each of those decides every packet of the leg (TCP and UDP for a hop the docs give as `Any`,
//! one packet per host name at the firewall). The leg's verdict is the worst of them.

mod attach;
mod explain;
mod fix;
mod unused;

use std::rc::Rc;

use crate::export::Pairs;
use crate::model::{Catalog, Direction};
use crate::resolve::Resolution;
use crate::ruleset::eval::{FirewallOrder, IdSet, NsgOrder, Outcome, Packet, RuleId, Verdict};
use crate::ruleset::legs::{ENDPOINTS_SUBNET, Leg, legs};
use crate::ruleset::model::{Cidr, NsgDirection, RuleSet, Subnet};
use crate::ruleset::party::{Env, Party, REGION_MARKER, normalize_region};
use crate::ruleset::report::{
    CheckReport, ErrorEntry, FlowCheck, FlowVerdict, HopCheck, HopVerdict, NeedDirection, Needs,
};

/// What `check` knows besides the files: `--region`, `--vnet`, `--subnet NAME=CIDR`.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub region: Option<String>,
    pub vnet: Vec<Cidr>,
    pub subnets: Vec<(String, Cidr)>,
}

/// Something on a leg's way that filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    /// The NSG (index into `RuleSet::nsgs`) of the subnet the packet leaves.
    NsgOut(usize),
    /// The NSG of the subnet the packet enters.
    NsgIn(usize),
    /// A firewall (index into `RuleSet::firewalls`).
    Firewall(usize),
    /// The configuration routes through Azure Firewall, but the files hold no firewall rules.
    NoFirewall,
}

/// How one packet fared at one filter.
#[derive(Clone, Debug)]
pub struct Decision {
    pub filter: Filter,
    pub outcome: Option<Outcome>,
    /// Index into the leg's host names of the host the packet asked for.
    pub host: Option<usize>,
}

impl Decision {
    pub fn verdict(&self) -> Verdict {
        self.outcome.as_ref().map_or(Verdict::Unresolved, |o| o.verdict)
    }
}

/// A rule set prepared for checking configurations.
pub struct Checker {
    /// Shared, so that a prepared checker can be kept (the widget keeps one per pasted rule set).
    pub set: Rc<RuleSet>,
    pub env: Env,
    pub region: Option<String>,
    inbound: Vec<NsgOrder>,
    outbound: Vec<NsgOrder>,
    firewalls: Vec<FirewallOrder>,
    /// Per NSG, the data subnets it is attached to; `None` when the files attach no NSG to any
    /// subnet, so each applies to every subnet.
    attached: Option<Vec<Vec<String>>>,
    /// Data subnets whose private endpoints the NSG filters.
    policies: Vec<String>,
    notes: Vec<String>,
}

/// Subnets that cannot hold an NSG of the reader's choosing: Azure Firewall's, and the gateway's.
const NO_NSG: [&str; 2] = ["firewall", "gateway"];

impl Checker {
    pub fn new(catalog: &Catalog, set: impl Into<Rc<RuleSet>>, options: &CheckOptions) -> Checker {
        let set: Rc<RuleSet> = set.into();
        let mut ids: Vec<String> = catalog.nodes.iter().filter_map(|n| n.subnet.clone()).collect();
        ids.sort();
        ids.dedup();
        let mut notes = Vec::new();
        let mapped: Vec<(Option<String>, &Subnet)> =
            set.subnets.iter().map(|s| (attach::data_subnet(s, &ids, options, &mut notes), s)).collect();
        let mut env = Env {
            region: options.region.as_deref().map(normalize_region),
            vnet: options.vnet.clone(),
            subnets: options.subnets.clone(),
        };
        for (id, s) in &mapped {
            if let Some(id) = id.as_ref().filter(|id| !options.subnets.iter().any(|(o, _)| o == *id)) {
                env.subnets.extend(s.prefixes.iter().map(|p| (id.clone(), *p)));
            }
        }
        let attached = attach::attachments(&set, &mapped, &mut notes);
        notes.extend(attach::dns_proxy_notes(&set));
        let policies = mapped.iter().filter(|(_, s)| s.endpoint_policies).filter_map(|(id, _)| id.clone()).collect();
        Checker {
            inbound: set.nsgs.iter().enumerate().map(|(i, n)| NsgOrder::new(i, n, NsgDirection::Inbound)).collect(),
            outbound: set.nsgs.iter().enumerate().map(|(i, n)| NsgOrder::new(i, n, NsgDirection::Outbound)).collect(),
            firewalls: set.firewalls.iter().enumerate().map(|(i, f)| FirewallOrder::new(i, f)).collect(),
            set,
            env,
            region: options.region.clone(),
            attached,
            policies,
            notes,
        }
    }

    /// Checks every flow of `r`.
    pub fn check(&self, r: &Resolution) -> CheckReport {
        let mut tally = Tally::default();
        let legs = legs(r, self.env.region.as_deref());
        let flows = self.flows(r, &legs, &mut tally);
        let (unneeded, notes) = self.unneeded(&legs, &tally);
        for note in notes {
            tally.assume(note);
        }
        let obsolete = self.obsolete(r);
        CheckReport { assumptions: self.assumptions(tally.assumptions), unneeded, obsolete, ..self.report(r, flows) }
    }

    /// The report with the verdicts on the flows alone (no unneeded or retired rules, no
    /// assumptions): the part a configuration change needs at once.
    pub fn verdict_report(&self, r: &Resolution) -> CheckReport {
        self.report(r, self.verdicts(r))
    }

    fn report(&self, r: &Resolution, flows: Vec<FlowCheck>) -> CheckReport {
        let pairs = r.config.pairs(&r.catalog, r.scenario());
        CheckReport {
            scenario: r.scenario().id.clone(),
            config: Pairs(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
            region: self.region.clone(),
            assumptions: Vec::new(),
            flows,
            unneeded: Vec::new(),
            obsolete: Vec::new(),
            errors: self
                .set
                .errors
                .iter()
                .map(|e| ErrorEntry { file: e.file.clone(), at: e.at.clone(), message: e.message.clone() })
                .collect(),
        }
    }

    /// The verdict on every flow of `r`, without the rest of the report (unneeded and retired
    /// rules, assumptions): what a configuration change needs.
    pub fn verdicts(&self, r: &Resolution) -> Vec<FlowCheck> {
        let legs = legs(r, self.env.region.as_deref());
        self.flows(r, &legs, &mut Tally::default())
    }

    fn flows(&self, r: &Resolution, legs: &[Leg], tally: &mut Tally) -> Vec<FlowCheck> {
        let mut flows = Vec::new();
        for (f, flow) in r.flows.iter().enumerate() {
            let data = &r.catalog.flows[flow.flow];
            if flow.blocked {
                tally.assume(format!(
                    "Flow {} is not checked: a finding says this configuration cannot carry it.",
                    data.id
                ));
                continue;
            }
            let hops: Vec<HopCheck> =
                legs.iter().enumerate().filter(|(_, l)| l.flow == f).map(|(i, l)| self.hop(r, l, i, tally)).collect();
            let verdict = flow_verdict(&hops);
            flows.push(FlowCheck { index: f, id: data.id.clone(), purpose: data.purpose.clone(), verdict, hops });
        }
        flows
    }

    fn assumptions(&self, found: Vec<String>) -> Vec<String> {
        let mut all = Vec::new();
        if self.region.is_none() {
            all.push("No --region given: regional service tags in the files (such as Storage.WestEurope) are taken to name the workspace's region.".to_string());
        }
        for note in self.notes.iter().chain(&self.set.notes).chain(&found) {
            if !all.contains(note) {
                all.push(note.clone());
            }
        }
        all
    }

    /// The NSGs on a data subnet.
    pub fn nsgs_on(&self, subnet: &str) -> Vec<usize> {
        if NO_NSG.contains(&subnet) {
            return Vec::new();
        }
        match &self.attached {
            None => (0..self.set.nsgs.len()).collect(),
            Some(lists) => (0..lists.len()).filter(|&i| lists[i].iter().any(|s| s == subnet)).collect(),
        }
    }

    /// What filters a leg, in the order the packet meets them.
    fn filters(&self, leg: &Leg, tally: &mut Tally) -> Vec<Filter> {
        let mut filters = Vec::new();
        if let Some(s) = leg.out_subnet {
            filters.extend(self.nsgs_on(s).into_iter().map(Filter::NsgOut));
        }
        if leg.firewall {
            if self.firewalls.is_empty() {
                filters.push(Filter::NoFirewall);
            } else {
                filters.extend((0..self.firewalls.len()).map(Filter::Firewall));
            }
        }
        if let Some(s) = leg.in_subnet {
            let nsgs = self.nsgs_on(s);
            if s == ENDPOINTS_SUBNET && !self.policies.iter().any(|p| p == s) {
                if !nsgs.is_empty() {
                    tally.assume("The endpoints subnet's private endpoint network policies are taken to be off (Azure's default), so its NSG does not filter traffic to private endpoints.".into());
                }
            } else {
                filters.extend(nsgs.into_iter().map(Filter::NsgIn));
            }
        }
        filters
    }

    /// Decides one packet at one filter, leaving out `skip`.
    pub fn decide(
        &self,
        filter: Filter,
        p: &Packet,
        skip: Option<RuleId>,
        touched: &mut dyn FnMut(RuleId),
    ) -> Option<Outcome> {
        Some(match filter {
            Filter::NsgOut(i) => self.outbound[i].decide(p, &self.env, skip, touched),
            Filter::NsgIn(i) => self.inbound[i].decide(p, &self.env, skip, touched),
            Filter::Firewall(i) => self.firewalls[i].decide(&self.set.firewalls[i], p, &self.env, skip, touched),
            Filter::NoFirewall => return None,
        })
    }

    /// Every packet of a leg at every filter.
    fn decisions(&self, leg: &Leg, index: usize, filters: &[Filter], tally: &mut Tally) -> Vec<Decision> {
        let mut out = Vec::new();
        for &filter in filters {
            // One packet per host name at the firewall; an NSG sees no host names.
            let firewall = matches!(filter, Filter::Firewall(_)) && !leg.hosts.is_empty();
            let hosts = if firewall { leg.hosts.len() } else { 1 };
            for &transport in &leg.transports {
                for host in (0..hosts).map(|h| Some(h).filter(|_| firewall)) {
                    let name = host.map(|h| leg.hosts[h].as_str());
                    let p = Packet { transport, ports: leg.ports, src: &leg.src, dst: &leg.dst, host: name };
                    let outcome = self.decide(filter, &p, None, &mut |id| {
                        tally.touched.insert(id);
                    });
                    if let Some(o) = outcome.as_ref().filter(|o| o.verdict == Verdict::Allowed) {
                        tally.decided.push((o.by, Replay { leg: index, filter, transport, host }));
                    }
                    out.push(Decision { filter, outcome, host });
                }
            }
        }
        out
    }

    fn hop(&self, r: &Resolution, leg: &Leg, index: usize, tally: &mut Tally) -> HopCheck {
        let hop = &r.flows[leg.flow].hops[leg.hop];
        let mut check = HopCheck {
            from: r.catalog.nodes[hop.from].id.clone(),
            to: r.catalog.nodes[hop.to].id.clone(),
            protocol: hop.protocol.id(),
            port: hop.port.to_string(),
            needs: needs(leg, self.env.region.as_deref()),
            verdict: HopVerdict::NotFiltered,
            decided_by: None,
            reason: not_filtered_reason(leg),
            fix: None,
            admitted_by: Vec::new(),
        };
        let filters = self.filters(leg, tally);
        if filters.is_empty() {
            return check;
        }
        let decisions = self.decisions(leg, index, &filters, tally);
        // Of the worst decisions, the first that says why (a mistake seen on the way) explains best.
        let verdict = decisions.iter().map(Decision::verdict).max().expect("a filtered leg has decisions");
        let worst_ones = || decisions.iter().filter(|d| d.verdict() == verdict);
        let explained = worst_ones().find(|d| d.outcome.as_ref().is_some_and(|o| o.why.is_some()));
        let worst = explained.or_else(|| worst_ones().next()).expect("the worst verdict is someone's");
        check.verdict = match worst.verdict() {
            Verdict::Allowed => HopVerdict::Allowed,
            Verdict::Unresolved => HopVerdict::Unresolved,
            Verdict::Blocked => HopVerdict::Blocked,
        };
        check.decided_by = worst.outcome.as_ref().map(|o| self.describe(o.by));
        let mut admitted: Vec<RuleId> = Vec::new();
        for o in decisions.iter().filter_map(|d| d.outcome.as_ref()).filter(|o| o.verdict == Verdict::Allowed) {
            if !admitted.contains(&o.by) {
                admitted.push(o.by);
            }
        }
        check.admitted_by = admitted.into_iter().map(|id| self.describe(id)).collect();
        check.reason = self.reason(leg, &decisions, worst);
        if check.verdict == HopVerdict::Blocked && leg.public_names_only && worst.host.is_some() {
            // The host names are the public cloud's, so a rule for the reader's cloud's own
            // names may well admit the traffic.
            check.verdict = HopVerdict::Unresolved;
            check.reason.push_str(PUBLIC_NAMES_ONLY);
        }
        if check.verdict == HopVerdict::Blocked {
            check.fix = fix::fix(self, leg, worst, tally);
        }
        check
    }
}

/// Added to the reason of a hop left unresolved because its host names are the public cloud's.
const PUBLIC_NAMES_ONLY: &str = " The docs give these host names for the public cloud only, so a rule for your cloud's names may admit the traffic: check it by hand.";

/// A packet an allow rule decided, kept to ask later whether the rule was needed.
#[derive(Clone, Debug)]
pub struct Replay {
    pub leg: usize,
    pub filter: Filter,
    pub transport: crate::ruleset::model::Transport,
    /// Index into the leg's host names.
    pub host: Option<usize>,
}

/// Which fix a blocked hop needs: where it goes, the data rule (or port) and the transports.
pub type FixKey = (Filter, String, Vec<crate::ruleset::model::Transport>);

/// What one check gathers on the way.
#[derive(Default)]
pub struct Tally {
    pub assumptions: Vec<String>,
    pub touched: IdSet,
    pub decided: Vec<(RuleId, Replay)>,
    /// Fixes written so far, by (filter, data rule, transports), so hops that need the same rule
    /// share it.
    pub fixes: Vec<(FixKey, String)>,
    /// Priorities fixes have taken, by the NSG direction or firewall they go in.
    pub claimed: Vec<(Filter, u32)>,
}

impl Tally {
    fn assume(&mut self, note: String) {
        if !self.assumptions.contains(&note) {
            self.assumptions.push(note);
        }
    }
}

fn flow_verdict(hops: &[HopCheck]) -> FlowVerdict {
    match hops.iter().map(|h| h.verdict).max() {
        Some(HopVerdict::Blocked) => FlowVerdict::Blocked,
        Some(HopVerdict::Unresolved) => FlowVerdict::Unresolved,
        _ => FlowVerdict::Allowed,
    }
}

fn needs(leg: &Leg, region: Option<&str>) -> Needs {
    let direction = match leg.need.map(|r| r.direction) {
        Some(Direction::Inbound) => NeedDirection::Inbound,
        Some(Direction::Private) if leg.out_subnet.is_none() => NeedDirection::Inbound,
        None if leg.out_subnet.is_none() && leg.in_subnet.is_some() => NeedDirection::Inbound,
        _ => NeedDirection::Outbound,
    };
    let far = if direction == NeedDirection::Outbound { &leg.dst } else { &leg.src };
    let service_tag = match far {
        Party::Service { tag, .. } => tag.clone(),
        Party::Subnet(_) | Party::OnPremises => Some("VirtualNetwork".into()),
        Party::Internet => Some("Internet".into()),
        Party::Platform => None,
    };
    let region = |t: String| region.map_or_else(|| t.clone(), |r| t.replace(REGION_MARKER, r));
    Needs { direction, service_tag: service_tag.map(region), fqdns: leg.hosts.clone() }
}

fn not_filtered_reason(leg: &Leg) -> String {
    if leg.src == Party::Platform || leg.dst == Party::Platform {
        "Azure's platform resolver (168.63.129.16) is not filtered by NSGs.".into()
    } else if leg.out_subnet.is_none() && leg.in_subnet.is_none() && !leg.firewall {
        "Neither end of this leg is in a subnet of your VNet, and it does not leave the firewall: no NSG or firewall rule applies.".into()
    } else {
        "No NSG in the files applies to the subnets on this leg.".into()
    }
}
