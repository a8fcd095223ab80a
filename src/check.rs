//! Consistency checks that need resolution, run over every configuration of every scenario.
//!
//! They keep the diagram and the table from drifting apart:
//! - every routed hop that crosses a zone boundary names a rule that applies in the same
//!   configuration, admits its protocol and port, and points the right way;
//! - every rule that applies is used by some flow that applies;
//! - every finding names only flows that apply when it does;
//! - with `access=internet`, no flow reaches into the VNet from the client network unless a
//!   blocked finding says so;
//! - no hop passes the firewall while an active route step sends its service tag, or the tag
//!   of another hop to the same destination, to next hop Internet (the route bypasses the
//!   firewall, so the flows must too);
//! - every key a scenario declares changes something in it (so the widget shows no dead
//!   controls): some condition names it, and changing it changes what resolves in at least one
//!   configuration. [`dead_keys`] also counts, per key, the configurations of the other keys in
//!   which it changes nothing; that is not an error (the widget shows every declared key), but
//!   the tests pin the counts so a new dead control shows in review.
//!
//! A flow named by an active blocked finding is exempt from the first check: it is shown
//! precisely because nothing admits it.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::config::Config;
use crate::data::{DataError, line_of_id};
use crate::model::{Access, Catalog, Direction, KeyId, NodeId, RuleId, Scenario, ScenarioId, Zone};
use crate::resolve::resolve;

/// Runs every consistency check. `text` is the data file, used only to find line numbers.
///
/// The same problem usually appears in many configurations; each is reported once, with the
/// first configuration that shows it and how many others do.
pub fn check(catalog: &Rc<Catalog>, text: &str) -> Vec<DataError> {
    // (what, message) -> (first configuration, count)
    let mut found: BTreeMap<(String, String), (String, usize)> = BTreeMap::new();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for config in Config::combinations(catalog, scenario) {
            let summary = || format!("scenario {} with {}", scenario.id, config.summary(catalog, scenario));
            for (what, message) in problems(catalog, id, &config) {
                found.entry((what, message)).and_modify(|(_, n)| *n += 1).or_insert_with(|| (summary(), 1));
            }
        }
    }
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        let mut messages = unused_keys(catalog, scenario);
        if messages.is_empty() {
            for dead in dead_keys(catalog, id).into_iter().filter(|d| d.dead == d.total) {
                let key = &catalog.keys[dead.key].id;
                messages.push(format!("key `{key}` changes nothing in this scenario, in any configuration"));
            }
        }
        for message in messages {
            found.insert((format!("scenario \"{}\"", scenario.id), message), (String::new(), 0));
        }
    }
    let mut errors: Vec<DataError> = found
        .into_iter()
        .map(|((what, message), (first, count))| {
            // `what` reads `flow "id"`: the word names the table, the quoted part the id.
            let mut parts = what.split('"');
            let table = format!("{}s", parts.next().unwrap_or_default().trim());
            let id = parts.next().unwrap_or_default();
            let message = match count {
                0 => message,
                1 => format!("{message}, in {first}"),
                n => format!("{message}, in {first} (and {} more configurations)", n - 1),
            };
            DataError { line: line_of_id(text, &table, id), location: what, message }
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    errors
}

/// How often one key of a scenario changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadKey {
    pub key: KeyId,
    /// Configurations in which no other value of the key changes what resolves.
    pub dead: usize,
    /// All configurations of the scenario.
    pub total: usize,
}

/// For every key of `scenario`, the configurations in which changing only that key changes
/// nothing the reader sees: the rules, steps, routed flows, findings, client node and the host
/// names each rule shows for the cloud (and whether the docs give them for it). One resolution
/// per configuration.
pub fn dead_keys(catalog: &Rc<Catalog>, id: ScenarioId) -> Vec<DeadKey> {
    let scenario = &catalog.scenarios[id];
    type Seen<'c> =
        (Vec<RuleId>, Vec<usize>, Vec<crate::resolve::RoutedFlow>, Vec<usize>, NodeId, Vec<(&'c [String], bool)>);
    let configs = Config::combinations(catalog, scenario);
    let seen: std::collections::HashMap<Vec<usize>, Seen> = configs
        .iter()
        .map(|config| {
            let r = resolve(catalog, id, config);
            let names = r.rules.iter().map(|&i| r.fqdns(&catalog.rules[i])).collect();
            let values = scenario.keys.iter().map(|sk| config.value(sk.key)).collect();
            (values, (r.rules, r.steps, r.flows, r.findings, r.client, names))
        })
        .collect();
    scenario
        .keys
        .iter()
        .enumerate()
        .map(|(k, sk)| {
            let dead = seen
                .iter()
                .filter(|(values, what)| {
                    sk.values.iter().all(|&v| {
                        let mut other = (*values).clone();
                        other[k] = v;
                        seen.get(&other).is_none_or(|w| w == *what)
                    })
                })
                .count();
            DeadKey { key: sk.key, dead, total: seen.len() }
        })
        .collect()
}

/// Keys the scenario declares that no condition of its items names. Routing keys (`client`,
/// `access`, `egress`) and `cloud` (host names per cloud) act without conditions, so they count
/// as used.
fn unused_keys(catalog: &Catalog, scenario: &Scenario) -> Vec<String> {
    let routing = &catalog.routing;
    let mut used: Vec<KeyId> = vec![routing.client_key, routing.access_key, routing.egress_key];
    used.extend(routing.cloud_key);
    let conditions = (scenario.rules.iter().map(|&i| &catalog.rules[i].when))
        .chain(scenario.steps.iter().map(|&i| &catalog.steps[i].when))
        .chain(scenario.flows.iter().map(|&i| &catalog.flows[i].when))
        .chain(scenario.findings.iter().map(|&i| &catalog.findings[i].when));
    for condition in conditions {
        used.extend(condition.keys());
    }
    scenario
        .keys
        .iter()
        .filter(|sk| !used.contains(&sk.key))
        .map(|sk| format!("key `{}` changes nothing in this scenario: no condition names it", catalog.keys[sk.key].id))
        .collect()
}

/// Hops that pass the firewall although an active route step sends their destination around it:
/// either the hop's own rule has a routed tag, or another hop reaches the same node with one.
fn routed_around(r: &crate::resolve::Resolution) -> Vec<(String, String)> {
    let catalog = &*r.catalog;
    let firewall = catalog.routing.firewall;
    let route_of = |rule: RuleId| {
        let tag = catalog.rules[rule].service_tag.as_deref()?;
        let step = r.steps.iter().copied().find(|&s| catalog.steps[s].routes_around(tag))?;
        Some((step, tag))
    };
    // Nodes that some hop reaches with a routed tag: (node, step, tag, rule).
    let mut around: Vec<(NodeId, usize, &str, RuleId)> = Vec::new();
    for routed in &r.flows {
        for hop in &routed.hops {
            let Some(rule) = hop.rule.filter(|&i| catalog.rules[i].direction == Direction::Outbound) else {
                continue;
            };
            if let Some((step, tag)) = route_of(rule) {
                around.push((hop.to, step, tag, rule));
            }
        }
    }
    let mut out = Vec::new();
    for routed in &r.flows {
        let flow = &catalog.flows[routed.flow];
        for hop in routed.hops.iter().filter(|h| h.from == firewall) {
            let to = &catalog.nodes[hop.to];
            let from = &catalog.nodes[hop.ends.0];
            let leg = format!("hop {} → {} ({} {})", from.id, to.id, hop.protocol.id(), hop.port);
            let own = hop.rule.and_then(|rule| route_of(rule).map(|(s, t)| (s, t, rule)));
            let other = || around.iter().find(|a| a.0 == hop.to).map(|&(_, s, t, rule)| (s, t, rule));
            if let Some((step, tag, rule)) = own.or_else(other) {
                out.push((
                    format!("flow \"{}\"", flow.id),
                    format!(
                        "{leg} passes the firewall, but route step `{}` sends {tag} (rule `{}`) to next hop Internet",
                        catalog.steps[step].id, catalog.rules[rule].id
                    ),
                ));
            }
        }
    }
    out
}

/// The problems of one scenario in one configuration, as (where, what) pairs.
fn problems(catalog: &Rc<Catalog>, id: ScenarioId, config: &Config) -> Vec<(String, String)> {
    let r = resolve(catalog, id, config);
    let mut out = Vec::new();
    let node = |n: NodeId| &catalog.nodes[n];
    let internet = catalog.routing.access_in(config) == Access::Internet;

    let mut used = vec![false; catalog.rules.len()];
    for routed in &r.flows {
        let flow = &catalog.flows[routed.flow];
        let what = format!("flow \"{}\"", flow.id);
        for hop in &routed.hops {
            if let Some(rule) = hop.rule {
                used[rule.0] = true;
            }
            if routed.blocked {
                continue;
            }
            let (from, to) = (node(hop.from), node(hop.to));
            let leg = format!("hop {} → {} ({} {})", from.id, to.id, hop.protocol.id(), hop.port);
            if internet && from.zone == Zone::Client && to.zone == Zone::Vnet {
                out.push((
                    what.clone(),
                    format!("{leg} reaches into the VNet from the internet; a blocked finding must name this flow"),
                ));
            }
            if from.zone == to.zone {
                continue;
            }
            let Some(index) = hop.rule else {
                out.push((
                    what.clone(),
                    format!("{leg} crosses from {} to {} but names no rule", from.zone.id(), to.zone.id()),
                ));
                continue;
            };
            let rule = &catalog.rules[index];
            if !r.rules.contains(&index) {
                out.push((what.clone(), format!("{leg} names rule `{}`, which does not apply", rule.id)));
            } else if !rule.admits(hop.protocol, hop.port) {
                out.push((
                    what.clone(),
                    format!("{leg} is not admitted by rule `{}` (its protocol or ports differ)", rule.id),
                ));
            }
            let wrong_way = match rule.direction {
                Direction::Inbound => to.zone != Zone::Vnet,
                Direction::Outbound => !matches!(from.zone, Zone::Vnet | Zone::Client),
                Direction::Private => false,
            };
            if wrong_way {
                out.push((
                    what.clone(),
                    format!("{leg} does not go the way of {} rule `{}`", rule.direction.id(), rule.id),
                ));
            }
        }
    }
    out.extend(routed_around(&r));
    for &index in &r.rules {
        if !used[index.0] {
            let rule = &catalog.rules[index];
            out.push((format!("rule \"{}\"", rule.id), "applies but no flow that applies uses it".to_string()));
        }
    }
    for &index in &r.findings {
        let finding = &catalog.findings[index];
        for &flow in &finding.flows {
            if !r.flows.iter().any(|f| f.flow == flow) {
                let id = &catalog.flows[flow].id;
                out.push((format!("finding \"{}\"", finding.id), format!("names flow `{id}`, which does not apply")));
            }
        }
    }
    out
}
