//! Indexes that let a packet skip the rules that cannot match it, so a check costs little more
//! with a thousand rules than with ten: rules by destination port, by the service tag on their
//! far side, and application rules by the last two labels of their host names. Both return positions in processing order, so the walk
//! over the candidates decides exactly as the walk over every rule would.

use std::collections::BTreeMap;

use super::model::{Address, PortRange};

/// Rules by the ports they admit: the ones for any port, and for each stretch of ports between
/// two boundaries the others that cover it.
#[derive(Clone, Debug, Default)]
pub struct PortIndex {
    any: Vec<u32>,
    /// Starts of the stretches, ascending; a stretch ends where the next begins.
    bounds: Vec<u32>,
    lists: Vec<Vec<u32>>,
}

impl PortIndex {
    /// Indexes rules given in processing order by their port ranges.
    pub fn new<'a>(rules: impl Iterator<Item = &'a [PortRange]> + Clone) -> PortIndex {
        let mut bounds: Vec<u32> = Vec::new();
        for ranges in rules.clone().filter(|r| !r.iter().any(|p| p.is_any())) {
            for r in ranges {
                bounds.extend([u32::from(r.first), u32::from(r.last) + 1]);
            }
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut index = PortIndex { any: Vec::new(), lists: vec![Vec::new(); bounds.len()], bounds };
        for (position, ranges) in rules.enumerate() {
            let position = position as u32;
            if ranges.iter().any(|p| p.is_any()) {
                index.any.push(position);
                continue;
            }
            for r in ranges {
                let (from, to) = index.stretches(*r);
                for list in &mut index.lists[from..to] {
                    if list.last() != Some(&position) {
                        list.push(position);
                    }
                }
            }
        }
        index
    }

    /// The stretches `ports` touches, as a range of indices into `lists`.
    fn stretches(&self, ports: PortRange) -> (usize, usize) {
        let from = self.bounds.partition_point(|b| *b <= u32::from(ports.first)).saturating_sub(1);
        let to = self.bounds.partition_point(|b| *b <= u32::from(ports.last));
        (from, to.max(from))
    }

    /// The positions of the rules that may admit `ports`, ascending, into `out`.
    pub fn candidates(&self, ports: PortRange, out: &mut Vec<u32>) {
        out.clear();
        out.extend_from_slice(&self.any);
        let (from, to) = self.stretches(ports);
        for list in &self.lists[from..to] {
            out.extend_from_slice(list);
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Rule positions filed by a key (a host suffix, a tag's base), and the positions that every key
/// takes in (rules whose addresses do not narrow them to a key).
#[derive(Clone, Debug, Default)]
struct Keyed {
    always: Vec<u32>,
    by_key: BTreeMap<String, Vec<u32>>,
}

impl Keyed {
    /// Files a rule under its keys, or under every key when it has none.
    fn add(&mut self, position: u32, keys: Option<Vec<String>>) {
        match keys.filter(|k| !k.is_empty()) {
            Some(keys) => {
                for key in keys {
                    let list = self.by_key.entry(key).or_default();
                    if list.last() != Some(&position) {
                        list.push(position);
                    }
                }
            }
            None => self.always.push(position),
        }
    }

    fn of(&self, key: &str) -> &[u32] {
        self.by_key.get(key).map_or(&[], Vec::as_slice)
    }
}

/// Application rules by the last two labels of their host names (`windows.net`); rules for
/// every host (`*`, a one-label suffix, an FQDN tag) are candidates for every packet.
#[derive(Clone, Debug, Default)]
pub struct HostIndex(Keyed);

/// The last two labels of a host name, lower case; `None` when it has fewer than two fixed ones.
fn suffix(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    let mut labels = host.rsplit('.');
    let last = labels.next()?;
    let before = labels.next()?;
    let fixed = |l: &str| !l.is_empty() && !l.contains(['*', '<']);
    (fixed(last) && fixed(before)).then(|| format!("{before}.{last}").to_ascii_lowercase())
}

impl HostIndex {
    /// Indexes rules given in processing order by (host names, whether they use FQDN tags).
    pub fn new<'a>(rules: impl Iterator<Item = (&'a [String], bool)>) -> HostIndex {
        let mut keyed = Keyed::default();
        for (position, (hosts, tags)) in rules.enumerate() {
            let suffixes: Option<Vec<String>> = hosts.iter().map(|h| suffix(h)).collect();
            keyed.add(position as u32, suffixes.filter(|_| !tags));
        }
        HostIndex(keyed)
    }

    /// The positions of the rules that may name `host`, ascending, into `out`.
    pub fn candidates(&self, host: &str, out: &mut Vec<u32>) {
        out.clear();
        out.extend_from_slice(&self.0.always);
        match suffix(host) {
            Some(s) => out.extend_from_slice(self.0.of(&s)),
            // A host with a placeholder in its last labels could be any rule's.
            None => out.extend(self.0.by_key.values().flatten().copied()),
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Rules by the service tags on their far side (the destination of an outbound rule, the source
/// of an inbound one): a rule that names only specific tags (`Storage.WestEurope`, `Sql`) can
/// match only a packet whose far end is a service of that tag's base; any other address
/// (`*`, a prefix, `VirtualNetwork`, `Internet`, `AzureCloud`, an IP group) makes it a candidate
/// for every packet.
#[derive(Clone, Debug, Default)]
pub struct TagIndex(Keyed);

/// The base of a service tag (`storage` for `Storage.WestEurope`), lower case.
fn base(tag: &str) -> String {
    tag.split('.').next().unwrap_or_default().to_ascii_lowercase()
}

/// The base of a specific service tag; `None` for an address that is not one.
fn specific_base(address: &Address) -> Option<String> {
    let Address::Tag(tag) = address else { return None };
    let generic = ["virtualnetwork", "internet", "azurecloud", "azureloadbalancer"];
    Some(base(tag)).filter(|b| !generic.contains(&b.as_str()))
}

impl TagIndex {
    /// Indexes rules given in processing order by the addresses on their far side.
    pub fn new<'a>(rules: impl Iterator<Item = &'a [Address]>) -> TagIndex {
        let mut keyed = Keyed::default();
        for (position, addresses) in rules.enumerate() {
            keyed.add(position as u32, addresses.iter().map(specific_base).collect());
        }
        TagIndex(keyed)
    }

    /// Keeps in `positions` (ascending) only the rules that may match a far end known by `tag`.
    pub fn keep(&self, tag: Option<&str>, positions: &mut Vec<u32>) {
        let tagged = tag.map_or(&[][..], |t| self.0.of(&base(t)));
        positions.retain(|p| self.0.always.binary_search(p).is_ok() || tagged.binary_search(p).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(list: &[&str]) -> Vec<PortRange> {
        list.iter().map(|p| PortRange::parse(p).unwrap()).collect()
    }

    #[test]
    fn ports_pick_the_rules_that_overlap() {
        let rules = [ports(&["443"]), ports(&["*"]), ports(&["1000-2000", "80"]), ports(&["445", "443"])];
        let index = PortIndex::new(rules.iter().map(Vec::as_slice));
        let mut out = Vec::new();
        let mut ask = |p: &str| {
            index.candidates(PortRange::parse(p).unwrap(), &mut out);
            out.clone()
        };
        assert_eq!(ask("443"), [0, 1, 3]);
        assert_eq!(ask("80"), [1, 2]);
        assert_eq!(ask("1500"), [1, 2]);
        assert_eq!(ask("999-1000"), [1, 2]);
        assert_eq!(ask("5831"), [1]);
        assert_eq!(ask("0"), [1]);
        assert_eq!(ask("65535"), [1]);
        assert_eq!(ask("440-446"), [0, 1, 3]);
    }

    #[test]
    fn hosts_pick_the_rules_of_their_suffix() {
        let rules: Vec<(Vec<String>, bool)> = vec![
            (vec!["*.blob.core.windows.net".into()], false),
            (vec!["*".into()], false),
            (vec!["login.microsoftonline.com".into(), "graph.windows.net".into()], false),
            (vec![], true),
        ];
        let index = HostIndex::new(rules.iter().map(|(h, t)| (h.as_slice(), *t)));
        let mut out = Vec::new();
        index.candidates("<storage>.blob.core.windows.net", &mut out);
        assert_eq!(out, [0, 1, 2, 3]);
        index.candidates("Login.MicrosoftOnline.com", &mut out);
        assert_eq!(out, [1, 2, 3]);
        index.candidates("ingest-vienna<region>.kusto.windows.net", &mut out);
        assert_eq!(out, [0, 1, 2, 3]);
        index.candidates("mcr.microsoft.com", &mut out);
        assert_eq!(out, [1, 3]);
        index.candidates("*.<region>", &mut out);
        assert_eq!(out, [0, 1, 2, 3]);
    }
}
