//! Which NSG sits on which of the data's subnets: the files' subnets matched to the data's by
//! `--subnet` prefix, Azure's reserved names or their own names, and the notes that say what was
//! assumed on the way.

use super::CheckOptions;
use crate::ruleset::model::{Address, FirewallRule, RuleSet, Subnet};

/// Network rules that name host names work only with the firewall's DNS proxy on.
pub fn dns_proxy_notes(set: &RuleSet) -> Vec<String> {
    let mut notes = Vec::new();
    for fw in &set.firewalls {
        for rule in fw.collections.iter().flat_map(|c| &c.rules) {
            if let FirewallRule::Network { name, destinations, .. } = rule
                && destinations.iter().any(|d| matches!(d, Address::Fqdn(_)))
            {
                notes.push(format!(
                    "Network rule {name} of {} names host names: it matches only if the firewall's DNS proxy is on and the clients resolve through it.",
                    fw.name
                ));
            }
        }
    }
    notes
}

/// The data subnet a file's subnet is: by `--subnet` prefix, Azure's reserved names, or its name.
pub fn data_subnet(s: &Subnet, ids: &[String], options: &CheckOptions, notes: &mut Vec<String>) -> Option<String> {
    if let Some((id, _)) = options.subnets.iter().find(|(_, c)| s.prefixes.iter().any(|p| p.overlaps(*c))) {
        return Some(id.clone());
    }
    let lower = s.name.to_ascii_lowercase();
    let reserved = match lower.as_str() {
        "gatewaysubnet" => Some("gateway"),
        "azurebastionsubnet" => Some("bastion"),
        "azurefirewallsubnet" => Some("firewall"),
        _ => None,
    };
    if let Some(id) = reserved.or_else(|| ids.iter().map(String::as_str).find(|id| *id == lower)) {
        return Some(id.to_string());
    }
    let id = ids.iter().find(|id| lower.contains(id.as_str()))?;
    notes.push(format!(
        "Subnet {} is taken to be the scenario's {id} subnet, because its name contains it (use --subnet {id}=CIDR to say otherwise).",
        s.name
    ));
    Some(id.clone())
}

/// Which data subnets each NSG is attached to, from the files' subnets.
pub fn attachments(
    set: &RuleSet,
    mapped: &[(Option<String>, &Subnet)],
    notes: &mut Vec<String>,
) -> Option<Vec<Vec<String>>> {
    if set.nsgs.is_empty() {
        notes.push("The files hold no network security group: only the firewall is checked.".into());
        return None;
    }
    let refers = |nsg: &str, s: &Subnet| s.nsg.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(nsg));
    if !set.nsgs.iter().any(|n| mapped.iter().any(|(_, s)| refers(&n.name, s))) {
        let names: Vec<&str> = set.nsgs.iter().map(|n| n.name.as_str()).collect();
        notes.push(format!(
            "The files attach no NSG to a subnet, so {} is taken to apply to every subnet of the scenario.",
            names.join(", ")
        ));
        return None;
    }
    let lists = set
        .nsgs
        .iter()
        .map(|n| {
            let subnets: Vec<&(Option<String>, &Subnet)> = mapped.iter().filter(|(_, s)| refers(&n.name, s)).collect();
            for (id, s) in &subnets {
                if id.is_none() {
                    notes.push(format!(
                        "NSG {} is attached to subnet {}, which is none of the scenario's subnets; use --subnet NAME=CIDR to say which it is.",
                        n.name, s.name
                    ));
                }
            }
            if subnets.is_empty() {
                notes.push(format!("NSG {} is attached to no subnet in the files, so it is not checked.", n.name));
            }
            subnets.iter().filter_map(|(id, _)| id.clone()).collect()
        })
        .collect();
    Some(lists)
}
