//! Large rule files for the rules benchmarks, made the same way every time: a 1,000-rule NSG and
//! a 500-rule firewall policy, mostly rules that decide nothing the compute scenario sends, with
//! the rules `vnet-flows export` writes for it hidden among them. Shared by `benches/rules.rs`
//! and `tests/rules_wasm_bench.rs` through `#[path]`.

use std::rc::Rc;

use serde_json::{Value, json};

use vnet_flows::config::Config;
use vnet_flows::model::Catalog;
use vnet_flows::resolve::resolve;
use vnet_flows::ruleset::export::export_plan;
use vnet_flows::ruleset::model::{Cidr, RuleSet};
use vnet_flows::ruleset::plan::{Located, Plan, PlanOptions};
use vnet_flows::ruleset::read::{ReadOptions, read};
use vnet_flows::ruleset::verify::CheckOptions;
use vnet_flows::ruleset::write;
use vnet_flows::testing::Rng;

/// The region written into the exported rules and given to the checker (`--region`).
pub const REGION: &str = "westeurope";
/// The VNet given to the checker (`--vnet`); generated prefixes stay outside it.
pub const VNET: &str = "10.0.0.0/16";
pub const NSG_RULES: usize = 1000;
pub const FIREWALL_RULES: usize = 500;
pub const SEED: u64 = 0x5eed_1234_abcd_0001;

/// The scenario measured, and the configuration whose export is hidden in the large files.
pub const SCENARIO: &str = "compute";
pub const EXPORTED: &str = "egress=firewall";

/// An NSG file and a firewall policy file, as text.
pub struct Files {
    pub nsg: String,
    pub firewall: String,
}

impl Files {
    /// Both files read as `vnet-flows check --region westeurope nsg.json policy.json` reads them.
    pub fn read(&self) -> RuleSet {
        let options = ReadOptions { params: vec![], region: Some(REGION.into()) };
        let mut set = read("nsg.json", &self.nsg, &options);
        set.extend(read("policy.json", &self.firewall, &options));
        set
    }

    /// Rules in the NSG and the firewall, as the files hold them.
    pub fn counts(&self) -> (usize, usize) {
        let set = self.read();
        let fw = set.firewalls.iter().flat_map(|f| &f.collections).map(|c| c.rules.len()).sum();
        (set.nsgs.iter().map(|n| n.rules.len()).sum(), fw)
    }
}

/// `--region westeurope --vnet 10.0.0.0/16`.
pub fn check_options() -> CheckOptions {
    CheckOptions { region: Some(REGION.into()), vnet: Cidr::parse(VNET).into_iter().collect(), subnets: vec![] }
}

/// What `vnet-flows export --scenario compute --set egress=firewall --deny-outbound` plans,
/// with the region written in.
pub fn needed(catalog: &Rc<Catalog>) -> Plan {
    let id = catalog.scenario_id(SCENARIO).expect("the compute scenario is shipped");
    let config = Config::with_settings(catalog, &catalog.scenarios[id], [EXPORTED])
        .expect("egress=firewall is a compute setting");
    let r = resolve(catalog, id, &config);
    let plan = export_plan(&r, &PlanOptions { deny_outbound: true, priority_start: 100 }).expect("compute exports");
    localize(plan)
}

fn localize(mut plan: Plan) -> Plan {
    let l = |x: &Located| Located(x.with_region(REGION));
    let all = |xs: &[Located]| xs.iter().map(l).collect::<Vec<_>>();
    for r in &mut plan.nsg {
        r.source = l(&r.source);
        r.destination = l(&r.destination);
    }
    if let Some(fw) = &mut plan.firewall {
        for n in &mut fw.network {
            n.sources = all(&n.sources);
            n.destinations = all(&n.destinations);
        }
        for a in &mut fw.application {
            a.sources = all(&a.sources);
            a.fqdns = all(&a.fqdns);
        }
    }
    plan
}

/// The exported files alone: the shipped small case.
pub fn exported(plan: &Plan) -> Files {
    Files { nsg: write::nsg_json(plan), firewall: write::firewall_json(plan).unwrap_or_default() }
}

/// Ports no compute flow uses, and the ones many do (rules on those name other destinations).
const OTHER_PORTS: [&str; 24] = [
    "21",
    "25",
    "110",
    "143",
    "389",
    "636",
    "993",
    "995",
    "1433",
    "1521",
    "2049",
    "2375",
    "3306",
    "5432",
    "5672",
    "5986",
    "6379",
    "8080",
    "8443",
    "9000-9010",
    "9200",
    "10250",
    "27017",
    "30000-32767",
];
const COMMON_PORTS: [&str; 4] = ["443", "80", "53", "*"];
/// Service tags compute never reaches.
const OTHER_TAGS: [&str; 12] = [
    "Sql.EastUS",
    "AzureCosmosDB",
    "EventHub.NorthEurope",
    "ServiceBus",
    "AzureKeyVault.WestUS2",
    "SqlManagement",
    "AzureBotService",
    "PowerBI",
    "AzureDevOps",
    "Dynamics365ForMarketingEmail",
    "GuestAndHybridManagement",
    "AzureSignalR",
];
const ANY_SOURCES: [&str; 4] = ["*", "VirtualNetwork", "AzureLoadBalancer", "Internet"];
const DOMAINS: [&str; 6] =
    ["contoso.com", "fabrikam.net", "example.org", "corp.internal", "tailwind.io", "litware.dev"];

/// A private prefix outside the VNet (172.16/12, 192.168/16 or 10.x with x ≥ 1).
fn private_cidr(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("172.{}.{}.0/24", 16 + rng.below(16), rng.below(256)),
        1 => format!("192.168.{}.0/24", rng.below(256)),
        _ => format!("10.{}.{}.0/{}", 1 + rng.below(255), rng.below(256), [16, 20, 24, 28][rng.below(4)]),
    }
}

fn host(rng: &mut Rng) -> String {
    let len = 3 + rng.below(8);
    let name = format!("{}-{}.{}", rng.word(len), rng.below(100), rng.pick(&DOMAINS));
    if rng.percent(15) { format!("*.{name}") } else { name }
}

/// Ports and destinations that no compute packet matches: other ports with any address, or the
/// common ports with other tags or private prefixes (`private` allows those).
fn ports_and_destinations(rng: &mut Rng, private: bool) -> (Vec<String>, Vec<String>) {
    let count = 1 + rng.below(3) * rng.below(2);
    if rng.percent(60) {
        let ports = (0..count).map(|_| rng.pick(&OTHER_PORTS).to_string()).collect();
        let dest = match rng.below(4) {
            0 => "*".to_string(),
            1 => "VirtualNetwork".to_string(),
            2 => rng.pick(&OTHER_TAGS).to_string(),
            _ => private_cidr(rng),
        };
        (ports, vec![dest])
    } else {
        let ports = (0..count).map(|_| rng.pick(&COMMON_PORTS).to_string()).collect();
        let dest = if private && rng.percent(30) { private_cidr(rng) } else { rng.pick(&OTHER_TAGS).to_string() };
        (ports, vec![dest])
    }
}

fn source(rng: &mut Rng) -> String {
    if rng.percent(50) { private_cidr(rng) } else { rng.pick(&ANY_SOURCES).to_string() }
}

/// `name` for singular fields, `names` for lists, as the ARM exports write them.
fn one_or_many(props: &mut serde_json::Map<String, Value>, one: &str, many: &str, items: Vec<String>) {
    if items.len() == 1 {
        props.insert(one.into(), json!(items[0]));
    } else {
        props.insert(many.into(), json!(items));
    }
}

fn nsg_rule(rng: &mut Rng, i: usize, priority: u16, outbound: bool) -> Value {
    let (ports, destinations) = ports_and_destinations(rng, !outbound);
    let mut props = serde_json::Map::new();
    props.insert("description".into(), json!(format!("generated rule {i}")));
    props.insert("protocol".into(), json!(*rng.pick(&["Tcp", "Tcp", "Udp", "*", "Icmp"])));
    props.insert("sourcePortRange".into(), json!("*"));
    one_or_many(&mut props, "destinationPortRange", "destinationPortRanges", ports);
    props.insert("sourceAddressPrefix".into(), json!(source(rng)));
    one_or_many(&mut props, "destinationAddressPrefix", "destinationAddressPrefixes", destinations);
    props.insert("access".into(), json!(if rng.percent(60) { "Allow" } else { "Deny" }));
    props.insert("priority".into(), json!(priority));
    props.insert("direction".into(), json!(if outbound { "Outbound" } else { "Inbound" }));
    let len = 4 + rng.below(6);
    json!({ "name": format!("{}-{i}", rng.word(len)), "properties": props })
}

/// `count` NSG rules (the plan's among them), as `{"securityRules": [...]}`.
fn large_nsg(rng: &mut Rng, plan: &Plan, count: usize) -> String {
    let exported: Value = serde_json::from_str(&write::nsg_json(plan)).expect("the writer writes JSON");
    let needed: Vec<Value> = exported["securityRules"].as_array().cloned().unwrap_or_default();
    // Free priorities per direction (4096 is the deny-all's), shuffled.
    let mut free: [Vec<u16>; 2] = [(100..4096).collect(), (100..4096).collect()];
    for f in &mut free {
        rng.shuffle(f);
    }
    let direction = |r: &Value| usize::from(r["properties"]["direction"] == "Outbound");
    let mut rules = Vec::with_capacity(count);
    // The plan's rules keep their order (and the deny-all its 4096) at random priorities.
    for (d, free) in free.iter_mut().enumerate() {
        let mut mine: Vec<Value> =
            needed.iter().filter(|r| direction(r) == d && r["properties"]["priority"] != 4096).cloned().collect();
        let mut priorities: Vec<u16> = free.split_off(free.len() - mine.len());
        priorities.sort_unstable();
        for (r, p) in mine.iter_mut().zip(priorities) {
            r["properties"]["priority"] = json!(p);
        }
        rules.extend(mine);
    }
    rules.extend(needed.iter().filter(|r| r["properties"]["priority"] == 4096).cloned());
    let mut i = 0;
    while rules.len() < count {
        let outbound = rng.percent(50);
        let Some(priority) = free[usize::from(outbound)].pop() else { break };
        rules.push(nsg_rule(rng, i, priority, outbound));
        i += 1;
    }
    rng.shuffle(&mut rules);
    let text = serde_json::to_string_pretty(&json!({ "securityRules": rules })).expect("JSON values serialize");
    text + "\n"
}

fn network_rule(rng: &mut Rng, i: usize) -> Value {
    let (ports, mut destinations) = ports_and_destinations(rng, true);
    let mut fqdns = Vec::new();
    if rng.percent(20) {
        fqdns = (0..1 + rng.below(3)).map(|_| host(rng).trim_start_matches("*.").to_string()).collect();
        destinations.clear();
    }
    let protocols: Vec<&str> = match rng.below(4) {
        0 => vec!["TCP", "UDP"],
        1 => vec!["UDP"],
        2 => vec!["Any"],
        _ => vec!["TCP"],
    };
    json!({
        "ruleType": "NetworkRule",
        "name": format!("net-{}-{i}", rng.word(5)),
        "description": format!("generated network rule {i}"),
        "ipProtocols": protocols,
        "sourceAddresses": [source(rng)],
        "destinationAddresses": destinations,
        "destinationFqdns": fqdns,
        "destinationPorts": ports,
    })
}

fn app_rule(rng: &mut Rng, i: usize) -> Value {
    let protocols = match rng.below(3) {
        0 => json!([{ "protocolType": "Http", "port": 80 }, { "protocolType": "Https", "port": 443 }]),
        1 => json!([{ "protocolType": "Mssql", "port": 1433 }]),
        _ => json!([{ "protocolType": "Https", "port": 443 }]),
    };
    let fqdns: Vec<String> = (0..1 + rng.below(4)).map(|_| host(rng)).collect();
    json!({
        "ruleType": "ApplicationRule",
        "name": format!("app-{}-{i}", rng.word(5)),
        "description": format!("generated application rule {i}"),
        "protocols": protocols,
        "sourceAddresses": [source(rng)],
        "targetFqdns": fqdns,
    })
}

/// `count` firewall rules in collections of one rule collection group (the plan's rules spread
/// over its allow collections).
fn large_firewall(rng: &mut Rng, plan: &Plan, count: usize) -> String {
    let Some(text) = write::firewall_json(plan) else { return String::new() };
    let exported: Value = serde_json::from_str(&text).expect("the writer writes JSON");
    let needed: Vec<Value> = exported["properties"]["ruleCollections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["rules"].as_array().cloned().unwrap_or_default())
        .collect();
    // (application?, allow?, rules)
    let mut collections: Vec<(bool, bool, Vec<Value>)> = Vec::new();
    let mut total = needed.len();
    let mut i = 0;
    while total < count {
        let n = collections.len();
        // The first two are an allow network and an allow application collection.
        let application = if n < 2 { n == 1 } else { rng.percent(50) };
        let allow = n < 2 || rng.percent(70);
        let size = (5 + rng.below(36)).min(count - total);
        let rules = (0..size)
            .map(|_| {
                i += 1;
                if application { app_rule(rng, i) } else { network_rule(rng, i) }
            })
            .collect();
        total += size;
        collections.push((application, allow, rules));
    }
    for rule in needed {
        let application = rule["ruleType"] == "ApplicationRule";
        let fits: Vec<usize> =
            (0..collections.len()).filter(|&c| collections[c].0 == application && collections[c].1).collect();
        let c = *rng.pick(&fits);
        let at = rng.below(collections[c].2.len() + 1);
        collections[c].2.insert(at, rule);
    }
    let mut priorities: Vec<u32> = (100..=65000).step_by(7).collect();
    rng.shuffle(&mut priorities);
    let collections: Vec<Value> = collections
        .into_iter()
        .enumerate()
        .map(|(n, (application, allow, rules))| {
            json!({
                "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                "name": format!("{}-{}-{n}", if application { "apps" } else { "net" }, rng.word(6)),
                "priority": priorities[n],
                "action": { "type": if allow { "Allow" } else { "Deny" } },
                "rules": rules,
            })
        })
        .collect();
    let group = json!({
        "name": exported["name"],
        "properties": { "priority": exported["properties"]["priority"], "ruleCollections": collections },
    });
    serde_json::to_string_pretty(&group).expect("JSON values serialize") + "\n"
}

/// The large case: `nsg_rules` NSG rules and `firewall_rules` firewall rules, the plan's among them.
pub fn large(plan: &Plan, nsg_rules: usize, firewall_rules: usize, seed: u64) -> Files {
    let mut rng = Rng::new(seed);
    Files { nsg: large_nsg(&mut rng, plan, nsg_rules), firewall: large_firewall(&mut rng, plan, firewall_rules) }
}
