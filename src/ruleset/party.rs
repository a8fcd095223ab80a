//! Who a packet's ends are, in the terms Azure's rules speak: a subnet of your VNet, the client
//! network behind a gateway, the internet, or a public service known by its service tag and host
//! names; and whether an address written in a rule (`*`, a prefix, a tag, a host name) takes
//! them in.
//!
//! A match is three-valued: a rule can prove that it matches, prove that it does not, or be
//! unable to tell (a prefix cannot prove where a public service's addresses are). The last is
//! [`Match::Maybe`], with the reason, and makes a hop unresolved rather than allowed.

use super::model::Cidr;

/// One end of a packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Party {
    /// A node in a subnet of your VNet (the data's subnet id: `training`, `endpoints`, ...).
    Subnet(String),
    /// Azure's platform addresses (the resolver at 168.63.129.16), which NSGs do not filter.
    Platform,
    /// The client network, reaching the VNet through a VPN or ExpressRoute gateway; Azure counts
    /// it in the `VirtualNetwork` tag.
    OnPremises,
    /// A client anywhere on the internet.
    Internet,
    /// A public service: its service tag (`Storage.<region>`, `AzureMachineLearning`), its host
    /// names, and whether it runs in Azure (so `AzureCloud` takes it in).
    Service { tag: Option<String>, fqdns: Vec<String>, azure: bool },
}

/// What is known about addresses: the region checked and the prefixes of the VNet and its
/// subnets (from `--vnet`, `--subnet` or the files' subnets).
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// Lower case, spaces removed (`westeurope`); `None` means the workspace's region, unnamed.
    pub region: Option<String>,
    pub vnet: Vec<Cidr>,
    /// (data subnet id, prefix).
    pub subnets: Vec<(String, Cidr)>,
}

/// Whether a rule's address (or the whole rule) takes a packet in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// Cannot be told from the files; the reason says why.
    Maybe(String),
}

impl Match {
    /// Any of several alternatives (a rule's address list).
    pub fn any(items: impl IntoIterator<Item = Match>) -> Match {
        let mut maybe = None;
        for m in items {
            match m {
                Match::Yes => return Match::Yes,
                Match::Maybe(why) => maybe = maybe.or(Some(why)),
                Match::No => {}
            }
        }
        maybe.map_or(Match::No, Match::Maybe)
    }

    /// All of several conditions (protocol, ports, source, destination).
    pub fn and(self, other: impl FnOnce() -> Match) -> Match {
        match self {
            Match::No => Match::No,
            Match::Yes => other(),
            Match::Maybe(why) => match other() {
                Match::No => Match::No,
                _ => Match::Maybe(why),
            },
        }
    }
}

/// Normalizes a region as service tags write it: `West Europe`, `WestEurope` → `westeurope`.
pub fn normalize_region(region: &str) -> String {
    region.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_lowercase).collect()
}

/// The region marker the data and the readers use when no region is named.
pub const REGION_MARKER: &str = "<region>";

/// Tag suffixes that name a part of a service, not a region.
const SUBTAGS: [&str; 5] = ["firstparty", "frontend", "backend", "serviceendpoint", "<region>"];

/// A service tag split at its first dot: (`storage`, Some(`westeurope`)), lower case.
fn split_tag(tag: &str) -> (String, Option<String>) {
    let lower = tag.to_ascii_lowercase();
    match lower.split_once('.') {
        Some((base, rest)) => (base.to_string(), Some(rest.to_string())),
        None => (lower, None),
    }
}

/// Whether a rule's region suffix names the region being checked.
fn region_matches(suffix: &str, env: &Env) -> bool {
    suffix == REGION_MARKER || env.region.as_deref().is_none_or(|r| normalize_region(suffix) == r)
}

/// Whether the tag written in a rule takes in a service known by `need` (`Storage.<region>`).
pub fn tag_covers(rule_tag: &str, need: &str, env: &Env) -> bool {
    if rule_tag.eq_ignore_ascii_case(need) {
        return true;
    }
    let (rule_base, rule_suffix) = split_tag(rule_tag);
    let (need_base, need_suffix) = split_tag(need);
    if rule_base != need_base {
        return false;
    }
    match (rule_suffix, need_suffix.as_deref()) {
        // The global tag holds every regional one.
        (None, Some(REGION_MARKER)) => true,
        // A regional tag holds the service's part in that region.
        (Some(r), Some(REGION_MARKER) | None) => !SUBTAGS[..4].contains(&r.as_str()) && region_matches(&r, env),
        _ => false,
    }
}

/// The prefixes known for a subnet: its own, else the VNet's.
fn subnet_prefixes<'e>(env: &'e Env, subnet: &str) -> Vec<&'e Cidr> {
    let own: Vec<&Cidr> = env.subnets.iter().filter(|(s, _)| s == subnet).map(|(_, c)| c).collect();
    if own.is_empty() { env.vnet.iter().collect() } else { own }
}

/// A prefix against a party.
fn cidr_takes(cidr: Cidr, party: &Party, env: &Env) -> Match {
    if cidr == Cidr::ALL {
        return Match::Yes;
    }
    match party {
        Party::Subnet(subnet) => {
            let known = subnet_prefixes(env, subnet);
            if known.is_empty() {
                Match::Maybe(format!(
                    "{cidr} may or may not hold the {subnet} subnet: give its prefix with --subnet {subnet}=CIDR or --vnet"
                ))
            } else if known.iter().all(|k| cidr.contains(**k)) {
                Match::Yes
            } else if known.iter().all(|k| !cidr.overlaps(**k)) {
                Match::No
            } else {
                Match::Maybe(format!("{cidr} covers only part of the {subnet} subnet's addresses"))
            }
        }
        Party::Platform => Match::No,
        Party::Service { .. } => {
            let in_vnet = env.vnet.iter().chain(env.subnets.iter().map(|(_, c)| c)).any(|v| v.contains(cidr));
            if cidr.is_private() || in_vnet {
                Match::No
            } else {
                Match::Maybe(format!(
                    "{cidr} is an address range: it cannot show that the service's changing public addresses are in it; use its service tag"
                ))
            }
        }
        Party::OnPremises | Party::Internet => {
            Match::Maybe(format!("{cidr} may or may not hold the client's addresses, which the files do not give"))
        }
    }
}

/// A service tag against a party.
fn tag_takes(tag: &str, party: &Party, env: &Env) -> Match {
    let lower = tag.to_ascii_lowercase();
    let yes = |b: bool| if b { Match::Yes } else { Match::No };
    match party {
        Party::Subnet(_) | Party::OnPremises => yes(lower == "virtualnetwork"),
        Party::Platform => Match::No,
        Party::Internet => yes(lower == "internet"),
        Party::Service { tag: need, azure, .. } => {
            if lower == "internet" {
                return Match::Yes;
            }
            let (base, suffix) = split_tag(tag);
            if *azure && base == "azurecloud" {
                return yes(suffix.is_none_or(|s| region_matches(&s, env)));
            }
            yes(need.as_deref().is_some_and(|n| tag_covers(tag, n, env)))
        }
    }
}

/// An address written in a rule against a party. Host names are matched separately
/// ([`host_covers`]), so `Address::Fqdn` never matches here.
pub fn takes(address: &super::model::Address, party: &Party, env: &Env) -> Match {
    use super::model::Address;
    match address {
        Address::Any => Match::Yes,
        Address::Cidr(c) => cidr_takes(*c, party, env),
        Address::Tag(t) => tag_takes(t, party, env),
        Address::Fqdn(_) => Match::No,
        Address::IpGroup(id) => Match::Maybe(format!("IP group {id}: its addresses are not in the files")),
        Address::Unresolved(why) => Match::Maybe(why.clone()),
    }
}

/// One label of a needed host against one label of a rule's host: `<storage>` in the need (a
/// name the reader chooses) matches any label; `ingest-vienna<region>` matches by its fixed parts.
fn label_matches(rule: &str, need: &str) -> bool {
    if !need.contains('<') {
        return rule.eq_ignore_ascii_case(need);
    }
    // Split the need into fixed parts around its placeholders and find them in order.
    let rule = rule.to_ascii_lowercase();
    let mut rest = rule.as_str();
    let mut parts = need.split('<').map(|chunk| chunk.split_once('>').map_or(chunk, |(_, fixed)| fixed));
    let first = parts.next().unwrap_or_default().to_ascii_lowercase();
    let Some(after) = rest.strip_prefix(first.as_str()) else { return false };
    rest = after;
    let fixed: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
    for (i, part) in fixed.iter().enumerate() {
        if i + 1 == fixed.len() {
            return rest.ends_with(part.as_str()) && rest.len() > part.len();
        }
        match rest.find(part.as_str()) {
            Some(at) if at > 0 || part.is_empty() => rest = &rest[at + part.len()..],
            _ => return false,
        }
    }
    true
}

/// Whether a rule's host name (`*.blob.core.windows.net`, `login.microsoftonline.com`, `*`)
/// admits every host a need names (`<storage>.blob.core.windows.net`, `*.azureml.ms`).
/// A rule's `*.` admits any subdomain but not the name itself; a needed `*.x` is admitted only
/// by a rule wildcard that covers all of it.
pub fn host_covers(rule: &str, need: &str, wildcards: bool) -> bool {
    let rule = rule.trim().trim_end_matches('.');
    if rule == "*" {
        return wildcards;
    }
    let (rule_wild, rule_labels) = match rule.strip_prefix("*.") {
        Some(rest) if wildcards => (true, rest),
        Some(_) => return false,
        None => (false, rule),
    };
    let (need_wild, need_labels) = match need.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, need),
    };
    let r: Vec<&str> = rule_labels.split('.').collect();
    let n: Vec<&str> = need_labels.split('.').collect();
    let suffix_ok =
        |count: usize| n.len() >= count && r.iter().rev().zip(n.iter().rev()).all(|(a, b)| label_matches(a, b));
    match (rule_wild, need_wild) {
        (false, false) => r.len() == n.len() && suffix_ok(r.len()),
        (false, true) => false,
        (true, false) => n.len() > r.len() && suffix_ok(r.len()),
        (true, true) => n.len() >= r.len() && suffix_ok(r.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::model::Address;

    fn env(region: Option<&str>) -> Env {
        Env { region: region.map(normalize_region), ..Env::default() }
    }

    fn service(tag: &str) -> Party {
        Party::Service { tag: Some(tag.into()), fqdns: vec![], azure: true }
    }

    #[test]
    fn regional_tags_match_only_the_checked_region() {
        let west = env(Some("West Europe"));
        assert!(tag_covers("Storage", "Storage.<region>", &west));
        assert!(tag_covers("Storage.WestEurope", "Storage.<region>", &west));
        assert!(!tag_covers("Storage.EastUS", "Storage.<region>", &west));
        assert!(tag_covers("Storage.EastUS", "Storage.<region>", &env(None)), "no region: assumed the workspace's");
        assert!(tag_covers("storage.<region>", "Storage.<region>", &west));
        assert!(tag_covers("AzureMachineLearning.westeurope", "AzureMachineLearning", &west));
        assert!(!tag_covers("AzureFrontDoor.Backend", "AzureFrontDoor.FrontEnd", &env(None)));
        assert!(tag_covers("AzureFrontDoor.Frontend", "AzureFrontDoor.FrontEnd", &west));
        assert!(!tag_covers("AzureActiveDirectory.ServiceEndpoint", "AzureActiveDirectory", &env(None)));
    }

    #[test]
    fn addresses_against_parties() {
        let e = Env {
            region: Some("westeurope".into()),
            vnet: vec![Cidr::parse("10.0.0.0/16").unwrap()],
            subnets: vec![("training".into(), Cidr::parse("10.0.1.0/24").unwrap())],
        };
        let storage = service("Storage.<region>");
        assert_eq!(takes(&Address::parse("Internet"), &storage, &e), Match::Yes);
        assert_eq!(takes(&Address::parse("AzureCloud"), &storage, &e), Match::Yes);
        assert_eq!(takes(&Address::parse("AzureCloud.EastUS"), &storage, &e), Match::No);
        assert_eq!(takes(&Address::parse("0.0.0.0/0"), &storage, &e), Match::Yes);
        assert_eq!(takes(&Address::parse("192.168.0.0/16"), &storage, &e), Match::No);
        assert!(matches!(takes(&Address::parse("20.0.0.0/8"), &storage, &e), Match::Maybe(_)));
        let training = Party::Subnet("training".into());
        assert_eq!(takes(&Address::parse("10.0.0.0/16"), &training, &e), Match::Yes);
        assert_eq!(takes(&Address::parse("10.1.0.0/16"), &training, &e), Match::No);
        assert!(matches!(takes(&Address::parse("10.0.1.0/25"), &training, &e), Match::Maybe(_)));
        assert_eq!(takes(&Address::parse("VirtualNetwork"), &training, &e), Match::Yes);
        assert_eq!(takes(&Address::parse("Internet"), &training, &e), Match::No);
        assert_eq!(takes(&Address::parse("VirtualNetwork"), &Party::OnPremises, &e), Match::Yes);
        let bare = Env::default();
        assert!(matches!(takes(&Address::parse("10.0.0.0/16"), &training, &bare), Match::Maybe(_)));
    }

    #[test]
    fn host_names() {
        assert!(host_covers("*.blob.core.windows.net", "<storage>.blob.core.windows.net", true));
        assert!(host_covers("mydata.blob.core.windows.net", "<storage>.blob.core.windows.net", true));
        assert!(!host_covers("mydata.file.core.windows.net", "<storage>.blob.core.windows.net", true));
        assert!(!host_covers("*.core.windows.net", "core.windows.net", true), "a wildcard is not its apex");
        assert!(host_covers("*.azureml.ms", "*.azureml.ms", true));
        assert!(host_covers("*.ms", "*.azureml.ms", true));
        assert!(!host_covers("a.azureml.ms", "*.azureml.ms", true));
        assert!(host_covers(
            "ingest-viennawesteurope.kusto.windows.net",
            "ingest-vienna<region>.kusto.windows.net",
            true
        ));
        assert!(!host_covers("ingest-other.kusto.windows.net", "ingest-vienna<region>.kusto.windows.net", true));
        assert!(host_covers("LOGIN.microsoftonline.com", "login.microsoftonline.com", false));
        assert!(
            !host_covers("*.microsoftonline.com", "login.microsoftonline.com", false),
            "network rules take no wildcards"
        );
        assert!(host_covers(
            "ml-ws-westeurope-123.westeurope.notebooks.azure.net",
            "ml-<ws-name>-<region>-<ws-guid>.<region>.notebooks.azure.net",
            true
        ));
    }
}
