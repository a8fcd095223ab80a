//! What `vnet-flows export` writes, as data: the NSG rules and firewall rules one configuration
//! needs, before any file format. `write` turns a [`Plan`] into NSG JSON, a firewall policy's
//! rule collection group, az commands, Bicep and Terraform; all of them come from this one plan.

use super::legs::{ENDPOINTS_SUBNET, Leg, legs};
use super::model::{Access, AppProtocol, NsgDirection, PortRange, Transport};
use super::party::{Party, REGION_MARKER};
use crate::model::Rule;
use crate::resolve::Resolution;

/// Text that may hold the deployment's region, marked `{location}` (`Storage.{location}`,
/// `*.{location}.batch.azure.com`). Each format writes the marker its own way: a template
/// parameter, a Terraform variable, a shell variable.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Located(pub String);

impl Located {
    pub const MARKER: &'static str = "{location}";

    pub fn literal(text: &str) -> Located {
        Located(text.to_string())
    }

    pub fn has_location(&self) -> bool {
        self.0.contains(Located::MARKER)
    }

    /// The text with the region written in.
    pub fn with_region(&self, region: &str) -> String {
        self.0.replace(Located::MARKER, region)
    }

    /// The text split around the markers: `Storage.{location}` gives `["Storage.", ""]`, to be
    /// joined by whatever stands for the region.
    pub fn parts(&self) -> Vec<&str> {
        self.0.split(Located::MARKER).collect()
    }
}

/// One NSG rule to create.
#[derive(Clone, Debug, PartialEq)]
pub struct NsgSpec {
    /// Unique in the plan, at most 80 characters of letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// 100 to 4096, unique per direction.
    pub priority: u16,
    pub direction: NsgDirection,
    pub access: Access,
    pub protocol: Transport,
    /// `VirtualNetwork`, `Internet`, `*`, or a service tag.
    pub source: Located,
    pub destination: Located,
    pub ports: Vec<PortRange>,
    /// What the rule is for and its sources; at most 140 characters (Azure's limit).
    pub description: String,
}

/// A firewall network rule (service tags and ports).
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkSpec {
    pub name: String,
    pub protocols: Vec<Transport>,
    pub sources: Vec<Located>,
    /// Service tags.
    pub destinations: Vec<Located>,
    pub ports: Vec<PortRange>,
    pub description: String,
}

/// A firewall application rule (host names on HTTP or HTTPS).
#[derive(Clone, Debug, PartialEq)]
pub struct AppSpec {
    pub name: String,
    pub protocols: Vec<(AppProtocol, u16)>,
    pub sources: Vec<Located>,
    pub fqdns: Vec<Located>,
    pub description: String,
}

/// A rule of either kind, for fixes.
#[derive(Clone, Debug, PartialEq)]
pub enum FirewallRuleSpec {
    Network(NetworkSpec),
    Application(AppSpec),
}

/// One rule collection group of a firewall policy: an allow collection of network rules and one
/// of application rules (either may be empty, and is then left out of the output).
#[derive(Clone, Debug, PartialEq)]
pub struct FirewallSpec {
    pub group: String,
    pub group_priority: u32,
    pub network_collection: String,
    pub network_priority: u32,
    pub network: Vec<NetworkSpec>,
    pub application_collection: String,
    pub application_priority: u32,
    pub application: Vec<AppSpec>,
}

/// Everything one configuration needs, ready to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub scenario: String,
    /// The configuration as `key=value` pairs, for the header comment.
    pub config: Vec<(String, String)>,
    pub nsg: Vec<NsgSpec>,
    /// Present with `egress=firewall`.
    pub firewall: Option<FirewallSpec>,
}

/// A rule to add to a firewall policy to unblock a hop: a new collection of one rule, at a
/// priority that puts it before the collection that blocked the hop.
#[derive(Clone, Debug, PartialEq)]
pub struct FirewallFix {
    pub group: String,
    pub collection: String,
    pub priority: u32,
    pub rule: FirewallRuleSpec,
}

/// Choices of `vnet-flows export`.
#[derive(Clone, Copy, Debug)]
pub struct PlanOptions {
    /// Add a deny-all outbound at 4096, so the NSG admits only what the configuration needs.
    pub deny_outbound: bool,
    /// The first priority; rules follow in steps of 10.
    pub priority_start: u16,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { deny_outbound: false, priority_start: 100 }
    }
}

/// The priority of the deny-all outbound rule: the last custom priority there is.
pub const DENY_PRIORITY: u16 = 4096;
const STEP: u16 = 10;

/// The rules `r` needs. Fails when the rules do not fit between `priority_start` and 4096.
pub fn plan(r: &Resolution, options: &PlanOptions) -> Result<Plan, String> {
    let legs: Vec<Leg> = legs(r, None).into_iter().filter(|l| !r.flows[l.flow].blocked).collect();
    let mut nsg = nsg_specs(&legs, NsgDirection::Inbound, options)?;
    nsg.extend(nsg_specs(&legs, NsgDirection::Outbound, options)?);
    if options.deny_outbound {
        nsg.push(NsgSpec {
            name: "deny-all-outbound".into(),
            priority: DENY_PRIORITY,
            direction: NsgDirection::Outbound,
            access: Access::Deny,
            protocol: Transport::Any,
            source: Located::literal("*"),
            destination: Located::literal("*"),
            ports: vec![PortRange::ANY],
            description:
                "Denies all other outbound traffic; the allow rules above admit what Azure Machine Learning needs."
                    .into(),
        });
    }
    let pairs = r.config.pairs(&r.catalog, r.scenario());
    Ok(Plan {
        scenario: r.scenario().id.clone(),
        config: pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        nsg,
        firewall: firewall_spec(&legs),
    })
}

/// How a party is written in an NSG rule or a firewall rule; `None` for Azure's platform
/// addresses, which no rule filters.
pub fn address_of(party: &Party) -> Option<Located> {
    Some(match party {
        Party::Subnet(_) | Party::OnPremises => Located::literal("VirtualNetwork"),
        Party::Internet | Party::Service { tag: None, .. } => Located::literal("Internet"),
        Party::Service { tag: Some(tag), .. } => Located(tag.replace(REGION_MARKER, Located::MARKER)),
        Party::Platform => return None,
    })
}

/// A needed host as a rule can write it: the region as the location marker, and a label the
/// reader names (`<storage>`) as a wildcard over everything left of it.
pub fn host_pattern(host: &str) -> Located {
    let labels: Vec<&str> = host.split('.').collect();
    let named = labels.iter().rposition(|l| l.replace(REGION_MARKER, "").contains('<'));
    let text = match named {
        Some(i) => format!("*.{}", labels[i + 1..].join(".")),
        None => host.to_string(),
    };
    Located(text.replace(REGION_MARKER, Located::MARKER))
}

/// One NSG rule in the making: its key, and the ports and data rules merged into it.
struct Draft<'r> {
    key: (Located, Located, Transport),
    ports: Vec<PortRange>,
    rules: Vec<&'r Rule>,
    /// The host names of the rules' legs in the configured cloud, for a rule to `Internet`.
    hosts: Vec<String>,
}

/// The transport an NSG rule needs for a leg: `*` for a hop the docs give as `Any`.
pub fn transport_of(leg: &Leg) -> Transport {
    if leg.transports.len() > 1 { Transport::Any } else { leg.transports[0] }
}

/// The NSG rules of one direction, one per (source, destination, transport), ports merged.
fn nsg_specs(legs: &[Leg], direction: NsgDirection, options: &PlanOptions) -> Result<Vec<NsgSpec>, String> {
    let mut drafts: Vec<Draft> = Vec::new();
    for leg in legs {
        let Some(key) = nsg_key(leg, direction, options) else { continue };
        let draft = match drafts.iter_mut().position(|d| d.key == key) {
            Some(i) => &mut drafts[i],
            None => {
                drafts.push(Draft { key, ports: Vec::new(), rules: Vec::new(), hosts: Vec::new() });
                drafts.last_mut().expect("just pushed")
            }
        };
        add_port(&mut draft.ports, leg.ports);
        if let Some(rule) = leg.need.filter(|n| !draft.rules.iter().any(|r| r.id == n.id)) {
            draft.rules.push(rule);
            if rule.service_tag.is_none() {
                draft.hosts.extend(leg.hosts.iter().cloned());
            }
        }
    }
    let drafts = subsume(drafts, direction);
    let mut names = Vec::new();
    drafts.into_iter().enumerate().map(|(i, d)| nsg_spec(d, i, direction, options, &mut names)).collect()
}

/// Drops the service-tag rules that a rule for `Internet` (needed for a host with no tag) already
/// admits, so that every exported rule decides some traffic; the `Internet` rule lists their
/// purposes instead.
fn subsume(drafts: Vec<Draft>, direction: NsgDirection) -> Vec<Draft> {
    let far = |d: &Draft| if direction == NsgDirection::Outbound { d.key.1.clone() } else { d.key.0.clone() };
    let internet: Vec<(Transport, Vec<PortRange>)> =
        drafts.iter().filter(|d| far(d).0 == "Internet").map(|d| (d.key.2, d.ports.clone())).collect();
    let covered = |d: &Draft| {
        far(d).0 != "Internet"
            && far(d).0 != "VirtualNetwork"
            && internet
                .iter()
                .any(|(t, ports)| t.carries(d.key.2) && d.ports.iter().all(|p| ports.iter().any(|q| q.covers(*p))))
    };
    let (gone, mut kept): (Vec<Draft>, Vec<Draft>) = drafts.into_iter().partition(|d| covered(d));
    for d in gone {
        if let Some(target) = kept.iter_mut().find(|k| far(k).0 == "Internet" && k.key.2.carries(d.key.2)) {
            for rule in d.rules {
                if !target.rules.iter().any(|t| t.id == rule.id) {
                    target.rules.push(rule);
                }
            }
        }
    }
    kept
}

/// The (source, destination, transport) an NSG rule for this leg needs, if it needs one.
fn nsg_key(leg: &Leg, direction: NsgDirection, options: &PlanOptions) -> Option<(Located, Located, Transport)> {
    let vnet = Located::literal("VirtualNetwork");
    match direction {
        NsgDirection::Outbound => {
            leg.out_subnet?;
            let dst = address_of(&leg.dst)?;
            // AllowVnetOutBound covers traffic inside the VNet unless outbound is denied.
            (dst != vnet || options.deny_outbound).then(|| (vnet, dst, transport_of(leg)))
        }
        NsgDirection::Inbound => {
            let subnet = leg.in_subnet?;
            let src = address_of(&leg.src)?;
            // Private endpoints take no NSG by default; AllowVnetInBound covers the VNet.
            (subnet != ENDPOINTS_SUBNET && src != vnet).then(|| (src, vnet, transport_of(leg)))
        }
    }
}

fn add_port(ports: &mut Vec<PortRange>, port: PortRange) {
    if !ports.iter().any(|p| p.covers(port)) {
        ports.push(port);
        ports.sort_by_key(|p| p.first);
    }
}

fn nsg_spec(
    d: Draft,
    index: usize,
    direction: NsgDirection,
    options: &PlanOptions,
    names: &mut Vec<String>,
) -> Result<NsgSpec, String> {
    let priority = u32::from(options.priority_start) + u32::from(STEP) * index as u32;
    let limit =
        if options.deny_outbound && direction == NsgDirection::Outbound { DENY_PRIORITY - 1 } else { DENY_PRIORITY };
    if priority > u32::from(limit) || options.priority_start < 100 {
        return Err(format!(
            "the {} rules do not fit between priority {} and {limit} in steps of {STEP}",
            direction.id().to_lowercase(),
            options.priority_start
        ));
    }
    let (source, destination, protocol) = d.key;
    let far = if direction == NsgDirection::Outbound { &destination } else { &source };
    let description =
        if far.0 == "Internet" { internet_description(&d.rules, &d.hosts) } else { description(&d.rules) };
    let name = unique_name(
        format!("allow-{}-{}-{}", direction_word(direction), tag_word(far), protocol_word(protocol)),
        names,
    );
    Ok(NsgSpec {
        name,
        priority: priority as u16,
        direction,
        access: Access::Allow,
        protocol,
        source,
        destination,
        ports: d.ports,
        description,
    })
}

fn direction_word(direction: NsgDirection) -> &'static str {
    match direction {
        NsgDirection::Inbound => "in",
        NsgDirection::Outbound => "out",
    }
}

fn protocol_word(t: Transport) -> &'static str {
    match t {
        Transport::Any => "any",
        other => other.nsg_id(),
    }
}

/// A tag as part of a rule name: `Storage.{location}` → `Storage`.
fn tag_word(tag: &Located) -> String {
    let text = tag.0.replace(&format!(".{}", Located::MARKER), "").replace(Located::MARKER, "");
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '-' }).collect()
}

/// A name not used yet in this plan, within Azure's 80 characters.
pub fn unique_name(base: String, names: &mut Vec<String>) -> String {
    let base: String = base.chars().take(72).collect();
    let base = base.trim_end_matches(['.', '-']).to_string();
    let mut name = base.clone();
    let mut n = 2;
    while names.contains(&name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    names.push(name.clone());
    name
}

/// The description of a rule for `Internet`: the hosts that no service tag covers (`hosts`, in the
/// configured cloud), which are why it is there.
fn internet_description(rules: &[&Rule], hosts: &[String]) -> String {
    let untagged: Vec<&Rule> = rules.iter().copied().filter(|r| r.service_tag.is_none()).collect();
    if hosts.is_empty() || untagged.is_empty() {
        return description(rules);
    }
    let cite = untagged[0].sources.first().map(|s| format!(" [{s}]")).unwrap_or_default();
    let mut text = String::from("Hosts no service tag covers:");
    for (i, host) in hosts.iter().enumerate() {
        let rest = format!(" and {} more", hosts.len() - i);
        if text.len() + host.len() + 2 + rest.len() + cite.len() > DESCRIPTION_LIMIT {
            text.push_str(&rest);
            break;
        }
        text.push_str(if i == 0 { " " } else { ", " });
        text.push_str(host);
    }
    format!("{text}{cite}")
}

/// A rule's description: the purpose of the traffic and the first source, within Azure's 140
/// characters.
pub fn description(rules: &[&Rule]) -> String {
    let Some(first) = rules.first() else { return "Needed by Azure Machine Learning (vnet-flows).".into() };
    let more = if rules.len() > 1 { format!(" (+{} more)", rules.len() - 1) } else { String::new() };
    let cite = first.sources.first().map(|s| format!(" [{s}]")).unwrap_or_default();
    let room = DESCRIPTION_LIMIT - more.len() - cite.len();
    let purpose = if first.purpose.chars().count() > room {
        let cut: String = first.purpose.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        first.purpose.clone()
    };
    format!("{purpose}{more}{cite}")
}

/// An outbound rule's description when no deny-all is exported: Azure's default rules admit the
/// same traffic until outbound is denied, which the description says, within 140 characters.
pub fn covered_description(description: &str) -> String {
    noted_description(description, " Default rules cover it until outbound is denied.")
}

/// Said on a firewall application rule whose host names the docs give for the public cloud
/// only, when another cloud is configured.
const PUBLIC_NAMES_NOTE: &str = " Public-cloud names: the docs give none for this cloud; use yours.";

/// Azure's longest rule description, in characters.
const DESCRIPTION_LIMIT: usize = 140;

/// A description with `note` at its end, shortened to keep within Azure's limit.
fn noted_description(description: &str, note: &str) -> String {
    let room = DESCRIPTION_LIMIT - note.chars().count();
    let text: String = if description.chars().count() > room {
        let cut: String = description.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        description.to_string()
    };
    format!("{text}{note}")
}

/// The firewall rules for legs out of the firewall: application rules for host names on HTTP
/// and HTTPS, network rules (by service tag) for everything else.
fn firewall_spec(legs: &[Leg]) -> Option<FirewallSpec> {
    let through: Vec<&Leg> = legs.iter().filter(|l| l.firewall).collect();
    if through.is_empty() {
        return None;
    }
    let mut spec = FirewallSpec {
        group: "vnet-flows-aml".into(),
        group_priority: 500,
        network_collection: "aml-network".into(),
        network_priority: 100,
        network: Vec::new(),
        application_collection: "aml-application".into(),
        application_priority: 200,
        application: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for leg in &through {
        let Some(rule) = leg.need.filter(|r| !seen.contains(&r.id.as_str())) else { continue };
        seen.push(&rule.id);
        let same: Vec<&Leg> = through.iter().copied().filter(|l| l.need.is_some_and(|n| n.id == rule.id)).collect();
        match firewall_rule(rule, &same) {
            Some(FirewallRuleSpec::Network(n)) => spec.network.push(n),
            Some(FirewallRuleSpec::Application(a)) => spec.application.push(a),
            None => {}
        }
    }
    Some(spec)
}

/// The firewall rule for the legs of one data rule, written as `fix` would write it.
pub fn firewall_rule(rule: &Rule, legs: &[&Leg]) -> Option<FirewallRuleSpec> {
    let first = legs.first()?;
    let mut ports = Vec::new();
    for leg in legs {
        add_port(&mut ports, leg.ports);
    }
    let web = legs.iter().all(|l| {
        l.transports == [Transport::Tcp] && matches!(l.ports.first, 80 | 443) && l.ports.first == l.ports.last
    });
    let sources = vec![Located::literal("*")];
    let description = description(&[rule]);
    if web && !first.hosts.is_empty() {
        let description =
            if first.public_names_only { noted_description(&description, PUBLIC_NAMES_NOTE) } else { description };
        let protocols = ports
            .iter()
            .map(|p| if p.first == 80 { (AppProtocol::Http, 80) } else { (AppProtocol::Https, 443) })
            .collect();
        let mut fqdns: Vec<Located> = first.hosts.iter().map(|h| host_pattern(h)).collect();
        fqdns.dedup();
        return Some(FirewallRuleSpec::Application(AppSpec {
            name: rule.id.clone(),
            protocols,
            sources,
            fqdns,
            description,
        }));
    }
    let tag = address_of(&first.dst).filter(|t| t.0 != "Internet" && t.0 != "VirtualNetwork")?;
    let any = legs.iter().any(|l| l.transports.len() > 1);
    let mut protocols: Vec<Transport> = Vec::new();
    for t in legs.iter().map(|l| if any { Transport::Any } else { l.transports[0] }) {
        if !protocols.contains(&t) {
            protocols.push(t);
        }
    }
    Some(FirewallRuleSpec::Network(NetworkSpec {
        name: rule.id.clone(),
        protocols,
        sources,
        destinations: vec![tag],
        ports,
        description,
    }))
}
