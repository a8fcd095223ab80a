//! The network model: what exists (zones, nodes), what a reader configures (keys, scenarios) and
//! what the docs say about traffic (rules, steps, flows, findings, sources).
//!
//! These types are built only by [`crate::data::load`], which guarantees their invariants: every
//! id is unique, every reference points at an existing item, every condition names keys and
//! values that exist. Items refer to each other by index into the [`Catalog`] vectors.

use crate::condition::Condition;
use serde::{Deserialize, Serialize};

/// The regions of the diagram. Order is the order in which the diagram lays them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Zone {
    /// The reader's own network: on-premises, a laptop at home.
    Client,
    /// The customer's Azure Virtual Network.
    Vnet,
    /// Azure public services (Entra ID, Resource Manager, storage, ...).
    Azure,
    /// Resources that Microsoft runs for the workspace in its own subscriptions.
    Managed,
    /// The public internet beyond Azure.
    Internet,
}

impl Zone {
    /// All zones, in layout order.
    pub const ALL: [Zone; 5] = [Zone::Client, Zone::Vnet, Zone::Azure, Zone::Managed, Zone::Internet];

    /// The id used in the data file.
    pub fn id(self) -> &'static str {
        match self {
            Zone::Client => "client",
            Zone::Vnet => "vnet",
            Zone::Azure => "azure",
            Zone::Managed => "managed",
            Zone::Internet => "internet",
        }
    }

    /// The label a reader sees.
    pub fn label(self) -> &'static str {
        match self {
            Zone::Client => "Client network",
            Zone::Vnet => "Your VNet",
            Zone::Azure => "Azure public services",
            Zone::Managed => "Microsoft-managed resources",
            Zone::Internet => "Internet",
        }
    }

    /// Parses a data-file id.
    pub fn from_id(id: &str) -> Option<Zone> {
        Zone::ALL.into_iter().find(|z| z.id() == id)
    }
}

/// A box in the diagram: a machine, a network device or a service.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    pub zone: Zone,
    /// The subnet a VNet node sits in, if it matters.
    pub subnet: Option<String>,
    pub about: String,
}

/// A configuration key, such as `compute_public_ip`, with its allowed values.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Key {
    pub id: String,
    pub label: String,
    pub explain: String,
    pub values: Vec<String>,
    /// What the reader sees for each value, in the same order (the values when the data gives
    /// no labels).
    pub labels: Vec<String>,
    /// Index into `values`.
    pub default: usize,
}

/// A key as one scenario uses it, possibly restricted to some of its values.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioKey {
    pub key: KeyId,
    /// Indices into the key's values, in the key's order.
    pub values: Vec<usize>,
    /// Index into the key's values.
    pub default: usize,
}

/// One of the page's scenarios, with the keys that matter to it and its items.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub keys: Vec<ScenarioKey>,
    /// Keys the reader does not choose here, pinned to one value: (key index, value index).
    /// For example the studio scenarios pin `client=studio`.
    pub fixed: Vec<(KeyId, usize)>,
    /// Indices of the rules, steps, flows and findings that belong to this scenario, in file order.
    pub rules: Vec<RuleId>,
    pub steps: Vec<usize>,
    pub flows: Vec<FlowId>,
    pub findings: Vec<usize>,
}

/// Which way traffic crosses the VNet's edge. Serialized by its [`Direction::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
    /// Through a private endpoint: stays on private addresses.
    Private,
}

impl Direction {
    pub const ALL: [Direction; 3] = [Direction::Inbound, Direction::Outbound, Direction::Private];

    /// The id used in the data file and the JSON export.
    pub fn id(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Private => "private",
        }
    }

    /// A heading for a group of rules.
    pub fn heading(self) -> &'static str {
        match self {
            Direction::Inbound => "Inbound",
            Direction::Outbound => "Outbound",
            Direction::Private => "Private endpoint",
        }
    }

    pub fn from_id(id: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.id() == id)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Any,
}

impl Protocol {
    pub fn id(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Any => "Any",
        }
    }

    pub fn from_id(id: &str) -> Option<Protocol> {
        [Protocol::Tcp, Protocol::Udp, Protocol::Any].into_iter().find(|p| p.id() == id)
    }

    /// Whether a rule with protocol `self` admits traffic of protocol `other`.
    pub fn admits(self, other: Protocol) -> bool {
        self == Protocol::Any || self == other
    }
}

/// An inclusive port range; a single port has `first == last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub first: u16,
    pub last: u16,
}

impl Ports {
    /// Parses `"443"` or `"29876-29877"`. Port 0 and reversed ranges are errors.
    pub fn parse(text: &str) -> Result<Ports, String> {
        let port = |s: &str| -> Result<u16, String> {
            match s.trim().parse::<u16>() {
                Ok(0) | Err(_) => Err(format!("`{s}` is not a port number from 1 to 65535")),
                Ok(p) => Ok(p),
            }
        };
        let (first, last) = match text.split_once('-') {
            Some((a, b)) => (port(a)?, port(b)?),
            None => {
                let p = port(text)?;
                (p, p)
            }
        };
        if first > last {
            return Err(format!("range `{text}` runs backwards"));
        }
        Ok(Ports { first, last })
    }

    pub fn covers(self, other: Ports) -> bool {
        self.first <= other.first && other.last <= self.last
    }
}

impl std::fmt::Display for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last { write!(f, "{}", self.first) } else { write!(f, "{}-{}", self.first, self.last) }
    }
}

/// Host names of a rule, per Azure cloud. Empty sovereign lists mean the docs give none.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Fqdns {
    pub public: Vec<String>,
    pub usgov: Vec<String>,
    pub china: Vec<String>,
}

/// Something a network administrator must allow.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub direction: Direction,
    /// Readable source; `{client}` stands for the label of the client node.
    pub source: String,
    pub destination: String,
    pub service_tag: Option<String>,
    pub fqdns: Fqdns,
    pub protocol: Protocol,
    pub ports: Vec<Ports>,
    pub purpose: String,
    pub when: Condition,
    /// Readable condition: written in the data, or generated from `when`.
    pub condition: String,
    pub sources: Vec<String>,
    pub notes: Vec<String>,
    /// What a reader sees when this rule is missing.
    pub symptoms: Vec<Symptom>,
}

impl Rule {
    /// Whether this rule lets a hop of this protocol and port through.
    pub fn admits(&self, protocol: Protocol, port: Ports) -> bool {
        self.protocol.admits(protocol) && self.ports.iter().any(|p| p.covers(port))
    }
}

/// Kinds of setup step, in the order the table lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StepKind {
    Dns,
    Route,
    Role,
    Storage,
    ImageBuild,
    Other,
}

impl StepKind {
    pub const ALL: [StepKind; 6] =
        [StepKind::Dns, StepKind::Route, StepKind::Role, StepKind::Storage, StepKind::ImageBuild, StepKind::Other];

    pub fn id(self) -> &'static str {
        match self {
            StepKind::Dns => "dns",
            StepKind::Route => "route",
            StepKind::Role => "role",
            StepKind::Storage => "storage",
            StepKind::ImageBuild => "image-build",
            StepKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepKind::Dns => "DNS",
            StepKind::Route => "Routing",
            StepKind::Role => "Roles",
            StepKind::Storage => "Storage",
            StepKind::ImageBuild => "Image builds",
            StepKind::Other => "Other",
        }
    }

    pub fn from_id(id: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// Setup that is not a traffic rule: DNS zones, routes, role assignments, storage exceptions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub kind: StepKind,
    pub text: String,
    pub when: Condition,
    pub sources: Vec<String>,
    /// What a reader sees when this step is skipped.
    pub symptoms: Vec<Symptom>,
    /// Service tags this (route) step sends to next hop Internet: while it applies, outbound
    /// hops whose rule has one of these tags (region suffix aside) go around the firewall.
    pub internet_tags: Vec<String>,
}

impl Step {
    /// Whether this step routes `tag` (a rule's service tag, region suffix aside) around the
    /// firewall.
    pub fn routes_around(&self, tag: &str) -> bool {
        let base = |t: &str| t.split('.').next().unwrap_or_default().to_ascii_lowercase();
        self.internet_tags.iter().any(|t| base(t) == base(tag))
    }
}

/// An error message or a behaviour a reader sees when a rule is missing, a step is skipped or a
/// finding's configuration is in place: what `vnet-flows why` matches pasted text against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symptom {
    /// The message as Azure prints it, or the behaviour in our words.
    pub text: String,
    /// Source ids (docs or public issue threads) that report it; at least one.
    pub sources: Vec<String>,
}

/// One end of a hop as written in the data: a node, or the reader's client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Endpoint {
    Node(NodeId),
    /// Resolved per configuration to the browser, the SDK machine or the jump box.
    Client,
}

/// One leg of a flow as written in the data.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hop {
    pub from: Endpoint,
    pub to: Endpoint,
    pub protocol: Protocol,
    pub port: Ports,
    /// The rule that admits this hop.
    pub rule: Option<RuleId>,
}

/// Traffic from a source to a destination, as an ordered list of hops.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub purpose: String,
    pub when: Condition,
    pub hops: Vec<Hop>,
}

/// How bad a finding is. Serialized by its [`Severity::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Blocked,
    Warning,
}

impl Severity {
    /// The words a finding of this severity opens with, wherever it is shown.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Blocked => "Will not work",
            Severity::Warning => "Watch out",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Severity::Blocked => "blocked",
            Severity::Warning => "warning",
        }
    }
}

/// A configuration that cannot work (blocked) or needs care (warning).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub text: String,
    pub when: Condition,
    /// The flows it blocks or affects.
    pub flows: Vec<FlowId>,
    pub sources: Vec<String>,
    /// What a reader sees in this configuration.
    pub symptoms: Vec<Symptom>,
}

/// A rule that older docs asked for and current docs dropped. `vnet-flows check` points out
/// rules in a reader's files that still admit it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Retired {
    pub id: String,
    /// Indices into [`Catalog::scenarios`] of the scenarios where it was once asked for.
    pub scenarios: Vec<usize>,
    /// Inbound or outbound (never private).
    pub direction: Direction,
    /// The service tag on the far side (the source of an inbound rule), if any.
    pub service_tag: Option<String>,
    /// Host names a firewall application rule admitted for it.
    pub fqdns: Vec<String>,
    pub protocol: Protocol,
    pub ports: Vec<Ports>,
    /// What changed and when, in our words, naming the sources.
    pub note: String,
    pub sources: Vec<String>,
}

/// A document that facts are drawn from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub repo: String,
    pub path: String,
    pub commit: Option<String>,
    /// The article's own date, `YYYY-MM-DD`.
    pub date: String,
}

impl Source {
    /// The article on GitHub, at the commit the facts were read from when the data gives one;
    /// a public thread (`issues/N`, `pull/N`) as itself.
    pub fn url(&self) -> String {
        if self.is_thread() {
            return format!("https://github.com/{}/{}", self.repo, self.path);
        }
        let at = self.commit.as_deref().unwrap_or("HEAD");
        format!("https://github.com/{}/blob/{}/{}", self.repo, at, self.path)
    }

    /// Whether this source is an issue or pull-request thread rather than a document.
    pub fn is_thread(&self) -> bool {
        let number = |rest: &str| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
        self.path.strip_prefix("issues/").or_else(|| self.path.strip_prefix("pull/")).is_some_and(number)
    }
}

/// A typed index into one of the catalog's lists, which indexes by it; the compiler keeps a
/// rule's index from being used as a node's. Serialized as the bare number.
macro_rules! id {
    ($(#[$doc:meta])* $name:ident => $item:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub usize);

        impl std::ops::Index<$name> for [$item] {
            type Output = $item;
            fn index(&self, id: $name) -> &$item {
                &self[id.0]
            }
        }

        impl std::ops::Index<$name> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $name) -> &$item {
                &self[id.0]
            }
        }
    };
}

id!(
    /// A scenario: an index into [`Catalog::scenarios`].
    ScenarioId => Scenario
);
id!(
    /// A key of the configuration: an index into [`Catalog::keys`]. Its values are numbered
    /// by bare `usize`, within the key.
    KeyId => Key
);
id!(
    /// A place: an index into [`Catalog::nodes`]. A diagram's boxes are numbered apart, by
    /// layout slot.
    NodeId => Node
);
id!(
    /// A rule: an index into [`Catalog::rules`].
    RuleId => Rule
);
id!(
    /// A flow: an index into [`Catalog::flows`]. A resolution numbers its flows apart, by
    /// their place on screen.
    FlowId => Flow
);

/// Everything the data file holds, validated.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Catalog {
    pub sources: Vec<Source>,
    pub keys: Vec<Key>,
    pub nodes: Vec<Node>,
    pub scenarios: Vec<Scenario>,
    pub rules: Vec<Rule>,
    pub steps: Vec<Step>,
    pub flows: Vec<Flow>,
    pub findings: Vec<Finding>,
    pub retired: Vec<Retired>,
    pub routing: Routing,
}

impl Catalog {
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The scenario whose id is `id`.
    pub fn scenario_id(&self, id: &str) -> Option<ScenarioId> {
        self.scenarios.iter().position(|s| s.id == id).map(ScenarioId)
    }

    /// Every scenario, in the file's order.
    pub fn scenario_ids(&self) -> impl Iterator<Item = ScenarioId> + use<> {
        (0..self.scenarios.len()).map(ScenarioId)
    }

    pub fn key_index(&self, id: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// `FW26 (2026-03-19)`: a source id with its date, for tables.
    pub fn cite(&self, id: &str) -> String {
        match self.source(id) {
            Some(s) => format!("{} ({})", s.id, s.date),
            None => id.to_string(),
        }
    }
}

/// Node ids that resolution treats specially. The data file must define them.
pub mod well_known {
    pub const BROWSER: &str = "browser";
    pub const DEV_MACHINE: &str = "dev-machine";
    pub const JUMP_BOX: &str = "jump-box";
    pub const VPN_GATEWAY: &str = "vpn-gateway";
    pub const EXPRESSROUTE_GATEWAY: &str = "expressroute-gateway";
    pub const FIREWALL: &str = "firewall";
    pub const NAT_GATEWAY: &str = "nat-gateway";
    /// The alias for whichever of the three client nodes the configuration selects.
    pub const CLIENT_ALIAS: &str = "client";
    /// All of them (except the alias), for validation.
    pub const NODES: [&str; 7] =
        [BROWSER, DEV_MACHINE, JUMP_BOX, VPN_GATEWAY, EXPRESSROUTE_GATEWAY, FIREWALL, NAT_GATEWAY];
}

/// How clients reach the VNet: what routing makes of each value of the `access` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    Vpn,
    ExpressRoute,
    Bastion,
    Internet,
    /// A value routing does not know: no gateway, the client as it is.
    Other,
}

impl Access {
    pub fn of(value: &str) -> Access {
        match value {
            "vpn" => Access::Vpn,
            "expressroute" => Access::ExpressRoute,
            "bastion" => Access::Bastion,
            "internet" => Access::Internet,
            _ => Access::Other,
        }
    }
}

/// The outbound path: what routing makes of each value of the `egress` key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Egress {
    /// Default outbound access, or a value routing does not know: no device on the way out.
    Direct,
    Firewall,
    NatGateway,
}

impl Egress {
    pub fn of(value: &str) -> Egress {
        match value {
            "firewall" => Egress::Firewall,
            "nat-gateway" => Egress::NatGateway,
            _ => Egress::Direct,
        }
    }
}

/// The keys and nodes that resolution routes by, looked up once when the data is loaded, and
/// what each routing key's values mean, so routing matches on enums rather than value names.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Routing {
    /// Index of the `client` key (`studio|sdk|vscode`).
    pub client_key: KeyId,
    /// Per value of the `client` key: whether it is studio (a browser).
    pub studio: Vec<bool>,
    /// Index of the `access` key (`vpn|expressroute|bastion|internet`).
    pub access_key: KeyId,
    /// Per value of the `access` key.
    pub access: Vec<Access>,
    /// Index of the `egress` key (`default|firewall|nat-gateway`).
    pub egress_key: KeyId,
    /// Per value of the `egress` key.
    pub egress: Vec<Egress>,
    /// Index of the `cloud` key (`public|usgov|china`), which picks host names, if the data has it.
    pub cloud_key: Option<KeyId>,
    pub browser: NodeId,
    pub dev_machine: NodeId,
    pub jump_box: NodeId,
    pub vpn_gateway: NodeId,
    pub expressroute_gateway: NodeId,
    pub firewall: NodeId,
    pub nat_gateway: NodeId,
}

impl Routing {
    /// How clients reach the VNet in `config`.
    pub fn access_in(&self, config: &crate::config::Config) -> Access {
        self.access.get(config.value(self.access_key)).copied().unwrap_or(Access::Other)
    }

    /// The outbound path in `config`.
    pub fn egress_in(&self, config: &crate::config::Config) -> Egress {
        self.egress.get(config.value(self.egress_key)).copied().unwrap_or(Egress::Direct)
    }

    /// Whether the client in `config` is studio, in a browser.
    pub fn studio_in(&self, config: &crate::config::Config) -> bool {
        self.studio.get(config.value(self.client_key)).copied().unwrap_or(false)
    }
}
