//! What `vnet-flows export` writes, as data: the NSG rules and firewall rules one configuration
//! needs, before any file format. `write` turns a [`Plan`] into NSG JSON, a firewall policy's
//! rule collection group, az commands, Bicep and Terraform; all of them come from this one plan.

use super::model::{Access, AppProtocol, NsgDirection, PortRange, Transport};

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
