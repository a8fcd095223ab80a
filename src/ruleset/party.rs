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

impl Party {
    /// The service tag a public service is known by.
    pub fn tag(&self) -> Option<&str> {
        match self {
            Party::Service { tag, .. } => tag.as_deref(),
            _ => None,
        }
    }
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
const SUBTAGS: [&str; 4] = ["firstparty", "frontend", "backend", "serviceendpoint"];

/// A service tag split at its first dot: (`Storage`, Some(`WestEurope`)), as written; compare the
/// parts with `eq_ignore_ascii_case`. (Matching runs for every rule of every packet, so it does
/// not allocate.)
fn split_tag(tag: &str) -> (&str, Option<&str>) {
    match tag.split_once('.') {
        Some((base, rest)) => (base, Some(rest)),
        None => (tag, None),
    }
}

/// Whether two region spellings are one region: case, spaces and hyphens aside.
fn same_region(a: &str, b: &str) -> bool {
    fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase())
    }
    letters(a).eq(letters(b))
}

/// Whether a rule's region suffix names the region being checked.
fn region_matches(suffix: &str, env: &Env) -> bool {
    suffix == REGION_MARKER || env.region.as_deref().is_none_or(|r| same_region(suffix, r))
}

/// Whether the tag written in a rule takes in a service known by `need` (`Storage.<region>`).
pub fn tag_covers(rule_tag: &str, need: &str, env: &Env) -> bool {
    if rule_tag.eq_ignore_ascii_case(need) {
        return true;
    }
    let (rule_base, rule_suffix) = split_tag(rule_tag);
    let (need_base, need_suffix) = split_tag(need);
    if !rule_base.eq_ignore_ascii_case(need_base) {
        return false;
    }
    let subtag = |s: &str| SUBTAGS.iter().any(|t| t.eq_ignore_ascii_case(s));
    match (rule_suffix, need_suffix) {
        // The global tag holds every regional one.
        (None, Some(REGION_MARKER)) => true,
        // A regional tag holds the service's part in that region.
        (Some(r), Some(REGION_MARKER) | None) => !subtag(r) && region_matches(r, env),
        _ => false,
    }
}

/// The prefixes known for a subnet: its own, else the VNet's.
fn known_prefixes<'e>(env: &'e Env, subnet: &'e str) -> impl Iterator<Item = &'e Cidr> + Clone + 'e {
    let own = env.subnets.iter().any(|(s, _)| s == subnet);
    let own_prefixes = env.subnets.iter().filter(move |(s, _)| own && s == subnet).map(|(_, c)| c);
    own_prefixes.chain(env.vnet.iter().filter(move |_| !own))
}

/// A prefix against a party.
fn cidr_takes(cidr: Cidr, party: &Party, env: &Env) -> Match {
    if cidr == Cidr::ALL {
        return Match::Yes;
    }
    match party {
        Party::Subnet(subnet) => {
            let mut known = known_prefixes(env, subnet);
            if known.clone().next().is_none() {
                Match::Maybe(format!(
                    "{cidr} may or may not hold the {subnet} subnet: give its prefix with --subnet {subnet}=CIDR or --vnet"
                ))
            } else if known.clone().all(|k| cidr.contains(*k)) {
                Match::Yes
            } else if known.all(|k| !cidr.overlaps(*k)) {
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
    let is = |name: &str| tag.eq_ignore_ascii_case(name);
    let yes = |b: bool| if b { Match::Yes } else { Match::No };
    match party {
        Party::Subnet(_) | Party::OnPremises => yes(is("VirtualNetwork")),
        Party::Platform => Match::No,
        Party::Internet => yes(is("Internet")),
        Party::Service { tag: need, azure, .. } => {
            if is("Internet") {
                return Match::Yes;
            }
            let (base, suffix) = split_tag(tag);
            if *azure && base.eq_ignore_ascii_case("AzureCloud") {
                return yes(suffix.is_none_or(|s| region_matches(s, env)));
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

/// Where `needle` first occurs in `hay`, ignoring ASCII case.
fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?).find(|&i| {
        hay.is_char_boundary(i) && hay.as_bytes()[i..i + needle.len()].eq_ignore_ascii_case(needle.as_bytes())
    })
}

/// One label of a needed host against one label of a rule's host: `<storage>` in the need (a
/// name the reader chooses) matches any label; `ingest-vienna<region>` matches by its fixed parts.
fn label_matches(rule: &str, need: &str) -> bool {
    if !need.contains('<') {
        return rule.eq_ignore_ascii_case(need);
    }
    // The need's fixed parts, between its placeholders, must appear in order.
    let mut fixed = need.split('<').map(|chunk| chunk.split_once('>').map_or(chunk, |(_, rest)| rest));
    let first = fixed.next().unwrap_or_default();
    if rule.len() < first.len() || !rule.as_bytes()[..first.len()].eq_ignore_ascii_case(first.as_bytes()) {
        return false;
    }
    let mut rest = &rule[first.len()..];
    let parts: Vec<&str> = fixed.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            let ends = rest.len() > part.len()
                && rest.as_bytes()[rest.len() - part.len()..].eq_ignore_ascii_case(part.as_bytes());
            return ends || (part.is_empty() && !rest.is_empty());
        }
        match find_ignoring_case(rest.get(1..).unwrap_or_default(), part) {
            Some(at) => rest = &rest[1 + at + part.len()..],
            None => return false,
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
    let count = |s: &str| s.bytes().filter(|b| *b == b'.').count() + 1;
    let (r, n) = (count(rule_labels), count(need_labels));
    let lengths = match (rule_wild, need_wild) {
        (false, false) => r == n,
        (false, true) => false,
        (true, false) => n > r,
        (true, true) => n >= r,
    };
    lengths && rule_labels.rsplit('.').zip(need_labels.rsplit('.')).all(|(a, b)| label_matches(a, b))
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
