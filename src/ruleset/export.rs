//! What `vnet-flows export` writes: the plan of the rules a configuration needs, with every
//! rule that decides nothing pruned, and the plan read back as a rule set, as the readers would
//! give it back, so the export can be checked against itself.

use super::model::{
    Access, Address, Collection, CollectionKind, Firewall, FirewallRule, Format, Nsg, NsgDirection, NsgRule, Origin,
    PortRange, RuleSet,
};
use super::party::REGION_MARKER;
use super::plan::{self, FirewallSpec, Located, Plan, PlanOptions, plan};
use super::verify::{CheckOptions, Checker};
use super::write::Export;
use crate::resolve::Resolution;

/// The formats `plan` has a file for: all but the firewall policy when nothing in the
/// configuration goes through Azure Firewall.
pub fn offered(plan: &Plan) -> Vec<Export> {
    Export::ALL.into_iter().filter(|&f| f != Export::FirewallJson || plan.firewall.is_some()).collect()
}

/// The text of one export file for `r`: what `vnet-flows export --format F` prints, and what the
/// widget copies or downloads.
pub fn export_file(r: &Resolution, format: Export, options: &PlanOptions) -> Result<String, String> {
    let plan = export_plan(r, options)?;
    format.write(&plan).ok_or_else(|| {
        "this configuration sends nothing through Azure Firewall; set egress=firewall for a firewall policy".to_string()
    })
}

/// The plan for `r`, without rules that admit nothing this configuration needs beside the other
/// exported rules (a network rule for a tag processed before an application rule for the same
/// hosts, a narrower host under a wider one). Rules are judged as if outbound were denied, so
/// the explicit rules that Azure's default rules also cover stay: they document the traffic and
/// keep working once a deny-all is added. One rule is pruned at a time, so of two rules that
/// cover each other one stays.
pub fn export_plan(r: &Resolution, options: &PlanOptions) -> Result<Plan, String> {
    let mut plan = plan(r, &PlanOptions { deny_outbound: true, ..*options })?;
    while let Some(name) = first_unneeded(r, &plan) {
        plan.nsg.retain(|s| s.name != name);
        if let Some(fw) = plan.firewall.as_mut() {
            fw.network.retain(|n| n.name != name);
            fw.application.retain(|a| a.name != name);
        }
    }
    if !options.deny_outbound {
        let explicit = plan::plan(r, options)?;
        plan.nsg.retain(|s| s.access == Access::Allow && explicit.nsg.iter().any(|e| e.name == s.name));
        for spec in plan.nsg.iter_mut().filter(|s| s.direction == NsgDirection::Outbound) {
            spec.description = plan::covered_description(&spec.description);
        }
    }
    Ok(plan)
}

/// The name of the first exported rule that the check finds unneeded.
fn first_unneeded(r: &Resolution, plan: &Plan) -> Option<String> {
    let set = rule_set(plan, REGION_MARKER);
    let report = Checker::new(&r.catalog, set, &CheckOptions::default()).check(r);
    report.unneeded.into_iter().map(|u| u.rule).find(|name| {
        plan.nsg.iter().any(|s| s.name == *name)
            || plan.firewall.as_ref().is_some_and(|f| {
                f.network.iter().any(|n| n.name == *name) || f.application.iter().any(|a| a.name == *name)
            })
    })
}

fn text(l: &Located, region: &str) -> String {
    l.with_region(region)
}

fn origin(pointer: String) -> Origin {
    Origin { file: "export".into(), pointer }
}

/// The plan as the readers would give it back, with `region` written into its tags.
pub fn rule_set(plan: &Plan, region: &str) -> RuleSet {
    let rules = plan
        .nsg
        .iter()
        .enumerate()
        .map(|(i, s)| NsgRule {
            name: s.name.clone(),
            priority: s.priority,
            direction: s.direction,
            access: s.access,
            protocol: s.protocol,
            sources: vec![Address::parse(&text(&s.source, region))],
            source_ports: vec![PortRange::ANY],
            destinations: vec![Address::parse(&text(&s.destination, region))],
            destination_ports: s.ports.clone(),
            origin: origin(format!("/securityRules/{i}")),
        })
        .collect();
    let nsg = Nsg { name: "nsg".into(), format: Format::Arm, rules, origin: origin(String::new()) };
    let firewalls = plan.firewall.iter().map(|f| firewall(f, region)).collect();
    RuleSet { nsgs: vec![nsg], firewalls, ..RuleSet::default() }
}

fn firewall(f: &FirewallSpec, region: &str) -> Firewall {
    let loc = |v: &[Located]| v.iter().map(|l| Address::parse(&text(l, region))).collect::<Vec<_>>();
    let network = f.network.iter().map(|n| FirewallRule::Network {
        name: n.name.clone(),
        protocols: n.protocols.clone(),
        sources: loc(&n.sources),
        destinations: loc(&n.destinations),
        ports: n.ports.clone(),
        origin: origin(String::new()),
    });
    let application = f.application.iter().map(|a| FirewallRule::Application {
        name: a.name.clone(),
        protocols: a.protocols.clone(),
        sources: loc(&a.sources),
        fqdns: a.fqdns.iter().map(|l| text(l, region)).collect(),
        fqdn_tags: vec![],
        origin: origin(String::new()),
    });
    let collection = |name: &str, priority, kind, rules: Vec<FirewallRule>| Collection {
        name: name.into(),
        group: f.group.clone(),
        group_priority: f.group_priority,
        priority,
        kind,
        action: Access::Allow,
        rules,
        origin: origin(String::new()),
    };
    Firewall {
        name: "policy".into(),
        format: Format::Arm,
        collections: vec![
            collection(&f.network_collection, f.network_priority, CollectionKind::Network, network.collect()),
            collection(
                &f.application_collection,
                f.application_priority,
                CollectionKind::Application,
                application.collect(),
            ),
        ],
        origin: origin(String::new()),
    }
}
