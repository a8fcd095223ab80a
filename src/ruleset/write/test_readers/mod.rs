//! Readers of the writers' own text, for tests: they turn Bicep, Terraform, az scripts and the
//! ARM JSON back into NSG rules and a firewall spec, so a test can compare them with the plan
//! they were written from. They know only what the writers write, not the formats at large, but
//! any input gives a value or an error, never a panic.
//!
//! Bicep and ARM JSON are read into one tree of values (`V`) and share the extraction of rules
//! from the ARM shapes; Terraform and az have their own.

mod bash;
mod bicep;
mod hcl;

use crate::ruleset::model::{Access, AppProtocol, NsgDirection, PortRange, Transport};
use crate::ruleset::plan::{AppSpec, FirewallSpec, Located, NetworkSpec, NsgSpec, Plan};

pub use bash::read_az;
pub use bicep::read_bicep;
pub use hcl::read_terraform;

/// What a reader found: the NSG rules and the firewall's group. A collection the file does not
/// hold (the writers leave out empty ones) reads as an empty name and priority 0.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadBack {
    pub nsg: Vec<NsgSpec>,
    pub firewall: Option<FirewallSpec>,
}

/// What the readers should give for `plan`: the plan's rules, with empty collections unnamed.
pub fn expected(plan: &Plan) -> ReadBack {
    let firewall = plan.firewall.clone().map(|mut fw| {
        if fw.network.is_empty() {
            fw.network_collection.clear();
            fw.network_priority = 0;
        }
        if fw.application.is_empty() {
            fw.application_collection.clear();
            fw.application_priority = 0;
        }
        fw
    });
    ReadBack { nsg: plan.nsg.clone(), firewall }
}

/// Reads `nsg_json`'s output and, if given, `firewall_json`'s.
pub fn read_arm(nsg_json: &str, firewall_json: Option<&str>) -> Result<ReadBack, String> {
    let nsg = arm_tree(nsg_json)?;
    let nsg = list(get(&nsg, "securityRules")?)?.iter().map(nsg_rule).collect::<Result<_, _>>()?;
    let firewall = match firewall_json {
        Some(text) => {
            let group = arm_tree(text)?;
            Some(rule_group(text_of(get(&group, "name")?)?, get(&group, "properties")?)?)
        }
        None => None,
    };
    Ok(ReadBack { nsg, firewall })
}

/// A value of a Bicep or ARM body; strings hold the region marker where the file referred to
/// the region.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum V {
    Str(String),
    Num(u64),
    List(Vec<V>),
    Obj(Vec<(String, V)>),
    /// A bare name or reference (`nsgName`, `var.location`).
    Ident(String),
}

/// The deepest nesting the readers follow, so that no input can exhaust the stack.
const MAX_DEPTH: usize = 64;

fn arm_tree(text: &str) -> Result<V, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    from_json(&json, 0)
}

fn from_json(json: &serde_json::Value, depth: usize) -> Result<V, String> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err("nested too deeply".into());
    }
    Ok(match json {
        J::String(s) => V::Str(arm_string(s)?),
        J::Number(n) => V::Num(n.as_u64().ok_or_else(|| format!("`{n}` is not a whole number"))?),
        J::Array(items) => V::List(items.iter().map(|i| from_json(i, depth + 1)).collect::<Result<_, _>>()?),
        J::Object(map) => {
            V::Obj(map.iter().map(|(k, v)| Ok((k.clone(), from_json(v, depth + 1)?))).collect::<Result<_, String>>()?)
        }
        other => return Err(format!("unexpected JSON value {other}")),
    })
}

/// Undoes `arm::located` and `arm::literal`.
fn arm_string(s: &str) -> Result<String, String> {
    if let Some(rest) = s.strip_prefix("[[") {
        return Ok(format!("[{rest}"));
    }
    let Some(inner) = s.strip_prefix("[format('").and_then(|r| r.strip_suffix("', parameters('location'))]")) else {
        return if s.starts_with('[') { Err(format!("unknown expression `{s}`")) } else { Ok(s.to_string()) };
    };
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\'', Some('\'')) | ('{', Some('{')) | ('}', Some('}')) => {
                chars.next();
                out.push(c);
            }
            ('{', Some('0')) => {
                chars.next();
                if chars.next() != Some('}') {
                    return Err(format!("bad placeholder in `{s}`"));
                }
                out.push_str(Located::MARKER);
            }
            ('\'' | '{' | '}', _) => return Err(format!("unescaped `{c}` in `{s}`")),
            _ => out.push(c),
        }
    }
    Ok(out)
}

pub(super) fn get<'a>(obj: &'a V, key: &str) -> Result<&'a V, String> {
    match obj {
        V::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v).ok_or(format!("no `{key}`")),
        _ => Err(format!("looked for `{key}` in something not an object")),
    }
}

pub(super) fn text_of(v: &V) -> Result<&str, String> {
    match v {
        V::Str(s) => Ok(s),
        other => Err(format!("expected a string, found {other:?}")),
    }
}

pub(super) fn num<T: TryFrom<u64>>(v: &V) -> Result<T, String> {
    match v {
        V::Num(n) => T::try_from(*n).map_err(|_| format!("{n} is out of range")),
        other => Err(format!("expected a number, found {other:?}")),
    }
}

pub(super) fn list(v: &V) -> Result<&[V], String> {
    match v {
        V::List(items) => Ok(items),
        other => Err(format!("expected a list, found {other:?}")),
    }
}

pub(super) fn texts(v: &V) -> Result<Vec<String>, String> {
    list(v)?.iter().map(|i| text_of(i).map(str::to_string)).collect()
}

pub(super) fn located(v: &V) -> Result<Vec<Located>, String> {
    Ok(texts(v)?.into_iter().map(Located).collect())
}

pub(super) fn direction(text: &str) -> Result<NsgDirection, String> {
    match text {
        "Inbound" => Ok(NsgDirection::Inbound),
        "Outbound" => Ok(NsgDirection::Outbound),
        _ => Err(format!("unknown direction `{text}`")),
    }
}

pub(super) fn access(text: &str) -> Result<Access, String> {
    match text {
        "Allow" => Ok(Access::Allow),
        "Deny" => Ok(Access::Deny),
        _ => Err(format!("unknown access `{text}`")),
    }
}

pub(super) fn transport(text: &str) -> Result<Transport, String> {
    Transport::parse(text).ok_or(format!("unknown protocol `{text}`"))
}

pub(super) fn app_protocol(text: &str) -> Result<AppProtocol, String> {
    AppProtocol::parse(text).ok_or(format!("unknown application protocol `{text}`"))
}

pub(super) fn ports<S: AsRef<str>>(items: &[S]) -> Result<Vec<PortRange>, String> {
    items.iter().map(|p| PortRange::parse(p.as_ref())).collect()
}

fn expect_type(rule: &V, kind: &str) -> Result<(), String> {
    let found = text_of(get(rule, "ruleType")?)?;
    if found == kind { Ok(()) } else { Err(format!("a {found} among {kind}s")) }
}

/// An NSG rule in the ARM shape (`{name, properties}`).
pub(super) fn nsg_rule(v: &V) -> Result<NsgSpec, String> {
    let p = get(v, "properties")?;
    let port_list = match (get(p, "destinationPortRange"), get(p, "destinationPortRanges")) {
        (Ok(one), _) => vec![text_of(one)?.to_string()],
        (_, Ok(many)) => texts(many)?,
        _ => return Err("no destination ports".into()),
    };
    if text_of(get(p, "sourcePortRange")?)? != "*" {
        return Err("source ports other than `*`".into());
    }
    Ok(NsgSpec {
        name: text_of(get(v, "name")?)?.to_string(),
        priority: num(get(p, "priority")?)?,
        direction: direction(text_of(get(p, "direction")?)?)?,
        access: access(text_of(get(p, "access")?)?)?,
        protocol: transport(text_of(get(p, "protocol")?)?)?,
        source: Located(text_of(get(p, "sourceAddressPrefix")?)?.to_string()),
        destination: Located(text_of(get(p, "destinationAddressPrefix")?)?.to_string()),
        ports: ports(&port_list)?,
        description: text_of(get(p, "description")?)?.to_string(),
    })
}

fn network_rule(v: &V) -> Result<NetworkSpec, String> {
    expect_type(v, "NetworkRule")?;
    Ok(NetworkSpec {
        name: text_of(get(v, "name")?)?.to_string(),
        protocols: texts(get(v, "ipProtocols")?)?.iter().map(|p| transport(p)).collect::<Result<_, _>>()?,
        sources: located(get(v, "sourceAddresses")?)?,
        destinations: located(get(v, "destinationAddresses")?)?,
        ports: ports(&texts(get(v, "destinationPorts")?)?)?,
        description: text_of(get(v, "description")?)?.to_string(),
    })
}

fn app_rule(v: &V) -> Result<AppSpec, String> {
    expect_type(v, "ApplicationRule")?;
    let protocol = |p: &V| Ok((app_protocol(text_of(get(p, "protocolType")?)?)?, num(get(p, "port")?)?));
    Ok(AppSpec {
        name: text_of(get(v, "name")?)?.to_string(),
        protocols: list(get(v, "protocols")?)?.iter().map(protocol).collect::<Result<_, String>>()?,
        sources: located(get(v, "sourceAddresses")?)?,
        fqdns: located(get(v, "targetFqdns")?)?,
        description: text_of(get(v, "description")?)?.to_string(),
    })
}

/// A rule collection group's `properties` in the ARM shape.
pub(super) fn rule_group(name: &str, props: &V) -> Result<FirewallSpec, String> {
    let mut fw = empty_group(name.to_string(), num(get(props, "priority")?)?);
    for c in list(get(props, "ruleCollections")?)? {
        let (name, priority) = (text_of(get(c, "name")?)?.to_string(), num(get(c, "priority")?)?);
        let rules = list(get(c, "rules")?)?;
        let Some(first) = rules.first() else { return Err(format!("collection `{name}` is empty")) };
        if text_of(get(first, "ruleType")?)? == "NetworkRule" {
            (fw.network_collection, fw.network_priority) = (name, priority);
            fw.network = rules.iter().map(network_rule).collect::<Result<_, _>>()?;
        } else {
            (fw.application_collection, fw.application_priority) = (name, priority);
            fw.application = rules.iter().map(app_rule).collect::<Result<_, _>>()?;
        }
    }
    Ok(fw)
}

pub(super) fn empty_group(group: String, group_priority: u32) -> FirewallSpec {
    FirewallSpec {
        group,
        group_priority,
        network_collection: String::new(),
        network_priority: 0,
        network: Vec::new(),
        application_collection: String::new(),
        application_priority: 0,
        application: Vec::new(),
    }
}
