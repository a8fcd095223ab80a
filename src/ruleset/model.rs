//! Azure rule sets as plain data: network security groups, Azure Firewall policies and classic
//! firewalls, the subnets they attach to, and where each item was read from.
//!
//! Readers (`read/`) build these from outside files; the checker (`verify`) judges the flows of a
//! configuration against them; the exporter (`plan`, `write`) produces the same shapes. Nothing
//! here parses text or knows a file format.

/// Where an item was read: the file's name and a JSON pointer into it (`/resources/2/properties`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub pointer: String,
}

/// The format a rule set was read from, so that a fix is written in the reader's own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An ARM template (as exported or compiled from Bicep), or `vnet-flows export --format nsg-json`.
    Arm,
    /// The output of an `az network ...` command.
    AzCli,
    /// `terraform show -json` (plan or state).
    Terraform,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Arm => "ARM template",
            Format::AzCli => "Azure CLI output",
            Format::Terraform => "Terraform JSON",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Allow,
    Deny,
}

impl Access {
    pub fn id(self) -> &'static str {
        match self {
            Access::Allow => "Allow",
            Access::Deny => "Deny",
        }
    }
}

/// The way an NSG rule faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NsgDirection {
    Inbound,
    Outbound,
}

impl NsgDirection {
    pub fn id(self) -> &'static str {
        match self {
            NsgDirection::Inbound => "Inbound",
            NsgDirection::Outbound => "Outbound",
        }
    }
}

/// The transport a rule or a packet names. NSGs use all six; firewall network rules use
/// TCP, UDP, ICMP and Any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
    Icmp,
    Esp,
    Ah,
    /// Every IP protocol.
    Any,
}

impl Transport {
    /// Azure's spelling in NSG rules (`Tcp`, `*`); firewall rules use upper case (`TCP`, `Any`).
    pub fn nsg_id(self) -> &'static str {
        match self {
            Transport::Tcp => "Tcp",
            Transport::Udp => "Udp",
            Transport::Icmp => "Icmp",
            Transport::Esp => "Esp",
            Transport::Ah => "Ah",
            Transport::Any => "*",
        }
    }

    pub fn firewall_id(self) -> &'static str {
        match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
            Transport::Icmp => "ICMP",
            Transport::Esp => "ESP",
            Transport::Ah => "AH",
            Transport::Any => "Any",
        }
    }

    /// Reads `Tcp`, `TCP`, `*`, `Any`, ... in any case.
    pub fn parse(text: &str) -> Option<Transport> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "tcp" => Transport::Tcp,
            "udp" => Transport::Udp,
            "icmp" => Transport::Icmp,
            "esp" => Transport::Esp,
            "ah" => Transport::Ah,
            "*" | "any" => Transport::Any,
            _ => return None,
        })
    }

    /// Whether a rule of this transport carries a packet of transport `packet`.
    pub fn carries(self, packet: Transport) -> bool {
        self == Transport::Any || self == packet
    }
}

/// An inclusive range of ports; `0-65535` is any port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub const ANY: PortRange = PortRange { first: 0, last: 65535 };

    pub fn single(port: u16) -> PortRange {
        PortRange { first: port, last: port }
    }

    /// Reads `*`, `443` or `8000-8010`. Out-of-range numbers and reversed ranges are errors.
    pub fn parse(text: &str) -> Result<PortRange, String> {
        let text = text.trim();
        if text == "*" || text.eq_ignore_ascii_case("any") {
            return Ok(PortRange::ANY);
        }
        let number = |s: &str| -> Result<u16, String> {
            s.trim().parse::<u16>().map_err(|_| format!("`{s}` is not a port number from 0 to 65535"))
        };
        let range = match text.split_once('-') {
            Some((a, b)) => PortRange { first: number(a)?, last: number(b)? },
            None => PortRange::single(number(text)?),
        };
        if range.first > range.last {
            return Err(format!("port range `{text}` runs backwards"));
        }
        Ok(range)
    }

    pub fn covers(self, other: PortRange) -> bool {
        self.first <= other.first && other.last <= self.last
    }

    pub fn overlaps(self, other: PortRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    pub fn is_any(self) -> bool {
        self == PortRange::ANY
    }
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_any() {
            write!(f, "*")
        } else if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// An IPv4 prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub len: u8,
}

impl Cidr {
    pub const ALL: Cidr = Cidr { addr: 0, len: 0 };

    /// Reads `10.0.0.0/16` or a single address `10.0.0.4` (a /32). Host bits are cleared.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip, len) = match text.trim().split_once('/') {
            Some((ip, len)) => (ip, len.parse::<u8>().ok().filter(|l| *l <= 32)?),
            None => (text.trim(), 32),
        };
        let mut addr = 0u32;
        let mut parts = 0;
        for part in ip.split('.') {
            if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            addr = (addr << 8) | part.parse::<u8>().ok()? as u32;
            parts += 1;
        }
        if parts != 4 {
            return None;
        }
        Some(Cidr { addr: addr & Cidr::mask(len), len })
    }

    fn mask(len: u8) -> u32 {
        if len == 0 { 0 } else { u32::MAX << (32 - len as u32) }
    }

    /// Whether every address of `other` is in `self`.
    pub fn contains(self, other: Cidr) -> bool {
        self.len <= other.len && (other.addr & Cidr::mask(self.len)) == self.addr
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// Inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918).
    pub fn is_private(self) -> bool {
        const PRIVATE: [Cidr; 3] = [
            Cidr { addr: 0x0A00_0000, len: 8 },
            Cidr { addr: 0xAC10_0000, len: 12 },
            Cidr { addr: 0xC0A8_0000, len: 16 },
        ];
        PRIVATE.iter().any(|p| p.contains(self))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.addr;
        write!(f, "{}.{}.{}.{}/{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, self.len)
    }
}

/// One address as a rule writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// `*` (or `Any`): every address.
    Any,
    Cidr(Cidr),
    /// A service tag as written (`Storage.WestEurope`, `VirtualNetwork`, `Internet`).
    Tag(String),
    /// A host name, in a firewall network rule's `destinationFqdns`.
    Fqdn(String),
    /// A firewall IP group, by its resource id: its addresses are not in the files.
    IpGroup(String),
    /// Something the reader could not turn into an address (an IPv6 prefix, an expression it
    /// does not evaluate); the text says what.
    Unresolved(String),
}

impl Address {
    /// Reads an NSG or firewall address field: `*`, a CIDR or IP, or else a service tag.
    pub fn parse(text: &str) -> Address {
        let text = text.trim();
        if text == "*" || text.eq_ignore_ascii_case("any") {
            Address::Any
        } else if let Some(cidr) = Cidr::parse(text) {
            Address::Cidr(cidr)
        } else if text.contains(':') {
            Address::Unresolved(format!("`{text}` is an IPv6 address, which this check does not evaluate"))
        } else if text.is_empty()
            || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
        {
            Address::Unresolved(format!("`{text}` is neither an address, a prefix nor a service tag"))
        } else {
            Address::Tag(text.to_string())
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Any => write!(f, "*"),
            Address::Cidr(c) => write!(f, "{c}"),
            Address::Tag(t) | Address::Fqdn(t) => write!(f, "{t}"),
            Address::IpGroup(id) => write!(f, "IP group {id}"),
            Address::Unresolved(why) => write!(f, "(unresolved: {why})"),
        }
    }
}

/// A custom rule of a network security group.
#[derive(Clone, Debug, PartialEq)]
pub struct NsgRule {
    pub name: String,
    pub priority: u16,
    pub direction: NsgDirection,
    pub access: Access,
    pub protocol: Transport,
    pub sources: Vec<Address>,
    pub source_ports: Vec<PortRange>,
    pub destinations: Vec<Address>,
    pub destination_ports: Vec<PortRange>,
    pub origin: Origin,
}

/// A network security group with its custom rules (the default rules are added when it is
/// evaluated: see `verify`).
#[derive(Clone, Debug, PartialEq)]
pub struct Nsg {
    pub name: String,
    pub format: Format,
    pub rules: Vec<NsgRule>,
    pub origin: Origin,
}

/// A subnet the files describe, with the NSG they attach to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub name: String,
    pub prefixes: Vec<Cidr>,
    /// The attached NSG's name (the last segment of its resource id).
    pub nsg: Option<String>,
    /// Whether private endpoints in it are filtered by its NSG
    /// (`privateEndpointNetworkPolicies` is `Enabled` or `NetworkSecurityGroupEnabled`).
    pub endpoint_policies: bool,
    pub origin: Origin,
}

/// A rule collection's kind; the firewall processes network collections before application
/// collections, whatever their priorities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionKind {
    Nat,
    Network,
    Application,
}

/// An application rule's protocol and port (`Https:443`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppProtocol {
    Http,
    Https,
    Mssql,
}

impl AppProtocol {
    pub fn parse(text: &str) -> Option<AppProtocol> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "http" => AppProtocol::Http,
            "https" => AppProtocol::Https,
            "mssql" => AppProtocol::Mssql,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            AppProtocol::Http => "Http",
            AppProtocol::Https => "Https",
            AppProtocol::Mssql => "Mssql",
        }
    }
}

/// One firewall rule.
#[derive(Clone, Debug, PartialEq)]
pub enum FirewallRule {
    Network {
        name: String,
        protocols: Vec<Transport>,
        sources: Vec<Address>,
        /// Addresses, prefixes, service tags, FQDNs (`Address::Fqdn`) and IP groups.
        destinations: Vec<Address>,
        ports: Vec<PortRange>,
        origin: Origin,
    },
    Application {
        name: String,
        protocols: Vec<(AppProtocol, u16)>,
        sources: Vec<Address>,
        /// Host names, with `*.` wildcards.
        fqdns: Vec<String>,
        /// Microsoft-managed FQDN tags: their host lists are not in the files.
        fqdn_tags: Vec<String>,
        origin: Origin,
    },
}

impl FirewallRule {
    pub fn name(&self) -> &str {
        match self {
            FirewallRule::Network { name, .. } | FirewallRule::Application { name, .. } => name,
        }
    }

    pub fn origin(&self) -> &Origin {
        match self {
            FirewallRule::Network { origin, .. } | FirewallRule::Application { origin, .. } => origin,
        }
    }
}

/// A rule collection, with the priority of the group (or, for a classic firewall, 0) it is in.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub name: String,
    /// The rule collection group's name (the classic firewall's name for classic collections).
    pub group: String,
    pub group_priority: u32,
    pub priority: u32,
    pub kind: CollectionKind,
    pub action: Access,
    pub rules: Vec<FirewallRule>,
    pub origin: Origin,
}

/// The rules of one firewall: a policy's rule collection groups, or a classic firewall's
/// collections.
#[derive(Clone, Debug, PartialEq)]
pub struct Firewall {
    pub name: String,
    pub format: Format,
    pub collections: Vec<Collection>,
    pub origin: Origin,
}

/// A problem in an input file; the rest of the file is still read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub file: String,
    /// A JSON pointer, or `line L` where the text is not JSON.
    pub at: String,
    pub message: String,
}

/// Everything read from the files given to `check`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleSet {
    pub nsgs: Vec<Nsg>,
    pub firewalls: Vec<Firewall>,
    pub subnets: Vec<Subnet>,
    pub errors: Vec<ReadError>,
    /// What a reader skipped or assumed (DNAT rules skipped, a parameter's default used).
    pub notes: Vec<String>,
}

impl RuleSet {
    /// Adds what another file held.
    pub fn extend(&mut self, other: RuleSet) {
        self.nsgs.extend(other.nsgs);
        self.firewalls.extend(other.firewalls);
        self.subnets.extend(other.subnets);
        self.errors.extend(other.errors);
        self.notes.extend(other.notes);
    }
}
