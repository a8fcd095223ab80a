//! Reading the data file: TOML in, a validated [`Catalog`] out, or every problem found.
//!
//! serde stays at this edge. The file is parsed once into loosely typed entries (each with its
//! position), then every entry is deserialized and checked on its own, so one bad entry does not
//! hide the problems of the others. Checks that need resolution, such as "every hop that leaves
//! a zone is admitted by a rule", live in [`crate::check`].

use std::collections::HashSet;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::{Spanned, Value};

use crate::condition::Condition;
use crate::model::{
    Access, Catalog, Direction, Egress, Endpoint, Finding, Flow, FlowId, Fqdns, Hop, Key, KeyId, Node, NodeId, Ports,
    Protocol, Retired, Routing, Rule, RuleId, Scenario, ScenarioKey, Severity, Source, Step, StepKind, Symptom, Zone,
    well_known,
};

/// One problem in a data file, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// 1-based line in the data file, when known.
    pub line: Option<usize>,
    /// What the problem is in: `rule "compute-in-44224", field ports`.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}: {}", self.location, self.message),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// The 1-based line of `id = "<id>"` inside a `[[<table>]]` entry of `text`, for errors found
/// after loading. Ids are unique per table only, so the table is needed.
pub fn line_of_id(text: &str, table: &str, id: &str) -> Option<usize> {
    let header = format!("[[{table}]]");
    let needle = format!("id = \"{id}\"");
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("[[") {
            in_table = line == header;
        } else if in_table && line == needle {
            return Some(i + 1);
        }
    }
    None
}

/// Where each line of a text starts, to find the line of many offsets quickly.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        LineStarts(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// The 1-based line of byte `offset`: one more than the line breaks before it.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }

    /// The byte where 0-based line `index` starts (the text's end past the last line).
    fn start(&self, index: usize, text: &str) -> usize {
        self.0.get(index).copied().unwrap_or(text.len())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    sources: Vec<Spanned<Value>>,
    #[serde(default)]
    keys: Vec<Spanned<Value>>,
    #[serde(default)]
    nodes: Vec<Spanned<Value>>,
    #[serde(default)]
    scenarios: Vec<Spanned<Value>>,
    #[serde(default)]
    rules: Vec<Spanned<Value>>,
    #[serde(default)]
    steps: Vec<Spanned<Value>>,
    #[serde(default)]
    flows: Vec<Spanned<Value>>,
    #[serde(default)]
    findings: Vec<Spanned<Value>>,
    #[serde(default)]
    retired: Vec<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    title: String,
    repo: String,
    path: String,
    commit: Option<String>,
    date: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    id: String,
    label: String,
    explain: String,
    values: Vec<String>,
    /// Words for the values, in the same order; the values themselves when absent.
    #[serde(default)]
    labels: Option<Vec<String>>,
    default: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    label: String,
    zone: String,
    subnet: Option<String>,
    about: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    id: String,
    title: String,
    summary: String,
    keys: Vec<String>,
    #[serde(default)]
    fixed: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    scenarios: Vec<String>,
    direction: String,
    source: String,
    destination: String,
    service_tag: Option<String>,
    #[serde(default)]
    fqdns: Vec<String>,
    #[serde(default)]
    fqdns_usgov: Vec<String>,
    #[serde(default)]
    fqdns_china: Vec<String>,
    protocol: String,
    ports: Vec<String>,
    purpose: String,
    #[serde(default)]
    when: String,
    condition: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    symptoms: Vec<RawSymptom>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: String,
    scenarios: Vec<String>,
    kind: String,
    text: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    symptoms: Vec<RawSymptom>,
    #[serde(default)]
    internet_tags: Vec<String>,
}

/// `{ text = "...", sources = ["KEY"] }` in the `symptoms` list of a rule, step or finding.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSymptom {
    text: String,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHop {
    from: String,
    to: String,
    protocol: String,
    port: String,
    rule: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    id: String,
    scenarios: Vec<String>,
    purpose: String,
    #[serde(default)]
    when: String,
    hops: Vec<RawHop>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    id: String,
    scenarios: Vec<String>,
    severity: String,
    text: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    flows: Vec<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    symptoms: Vec<RawSymptom>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetired {
    id: String,
    scenarios: Vec<String>,
    direction: String,
    service_tag: Option<String>,
    #[serde(default)]
    fqdns: Vec<String>,
    protocol: String,
    ports: Vec<String>,
    note: String,
    #[serde(default)]
    sources: Vec<String>,
}

/// Collects errors while the file is checked, with the current entry's position and name.
struct Errors<'t> {
    text: &'t str,
    lines: LineStarts,
    list: Vec<DataError>,
}

/// Where an entry is: its line and a readable name such as `rule "x"`.
#[derive(Clone)]
struct At {
    line: usize,
    what: String,
}

impl Errors<'_> {
    fn push(&mut self, at: &At, field: &str, message: impl Into<String>) {
        let location = if field.is_empty() { at.what.clone() } else { format!("{}, {field}", at.what) };
        self.list.push(DataError { line: Some(at.line), location, message: message.into() });
    }

    /// Deserializes every entry of one table, keeping those that fit and reporting the others.
    fn entries<T: DeserializeOwned>(&mut self, table: &str, raw: Vec<Spanned<Value>>) -> Vec<(At, T)> {
        let mut out = Vec::new();
        for (index, entry) in raw.into_iter().enumerate() {
            let line = self.lines.line(entry.span().start);
            let value = entry.into_inner();
            let id = value.get("id").and_then(Value::as_str).map(str::to_string);
            let what = match &id {
                Some(id) => format!("{table} \"{id}\""),
                None => format!("{table} #{}", index + 1),
            };
            let at = At { line, what };
            match T::deserialize(value) {
                Ok(t) => out.push((at, t)),
                Err(e) => self.push(&at, "", e.message().trim().to_string()),
            }
        }
        out
    }

    /// The line of the `index`-th (0-based) inline table that opens with `text` inside the entry
    /// at `at`: where a symptom is written. The entry's own line when it cannot be found.
    fn symptom_line(&self, at: &At, index: usize) -> usize {
        let opens_symptom = |line: &str| {
            line.match_indices('{').filter(|(i, _)| line[i + 1..].trim_start().starts_with("text")).count()
        };
        let mut seen = 0;
        let from = self.lines.start(at.line, self.text);
        for (i, line) in self.text[from..].lines().enumerate().map(|(i, l)| (i + at.line, l)) {
            if line.trim_start().starts_with("[[") {
                break;
            }
            seen += opens_symptom(line);
            if seen > index {
                return i + 1;
            }
        }
        at.line
    }

    fn unique_ids<'a>(&mut self, entries: impl IntoIterator<Item = (&'a At, &'a str)>) {
        let mut seen = HashSet::new();
        for (at, id) in entries {
            if id.trim().is_empty() {
                self.push(at, "id", "the id is empty");
            } else if !seen.insert(id) {
                self.push(at, "id", format!("duplicate id `{id}`"));
            }
        }
    }
}

/// Reads and validates a data file. Returns every problem found, each with its location.
pub fn load(text: &str) -> Result<Catalog, Vec<DataError>> {
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| LineStarts::new(text).line(s.start));
            let location = "data file".to_string();
            return Err(vec![DataError { line, location, message: e.message().trim().to_string() }]);
        }
    };
    let mut errors = Errors { text, lines: LineStarts::new(text), list: Vec::new() };

    let sources: Vec<(At, RawSource)> = errors.entries("source", raw.sources);
    let keys: Vec<(At, RawKey)> = errors.entries("key", raw.keys);
    let nodes: Vec<(At, RawNode)> = errors.entries("node", raw.nodes);
    let scenarios: Vec<(At, RawScenario)> = errors.entries("scenario", raw.scenarios);
    let rules: Vec<(At, RawRule)> = errors.entries("rule", raw.rules);
    let steps: Vec<(At, RawStep)> = errors.entries("step", raw.steps);
    let flows: Vec<(At, RawFlow)> = errors.entries("flow", raw.flows);
    let findings: Vec<(At, RawFinding)> = errors.entries("finding", raw.findings);
    let retired: Vec<(At, RawRetired)> = errors.entries("retired", raw.retired);

    errors.unique_ids(sources.iter().map(|(a, s)| (a, s.id.as_str())));
    errors.unique_ids(keys.iter().map(|(a, k)| (a, k.id.as_str())));
    errors.unique_ids(nodes.iter().map(|(a, n)| (a, n.id.as_str())));
    errors.unique_ids(scenarios.iter().map(|(a, s)| (a, s.id.as_str())));
    errors.unique_ids(rules.iter().map(|(a, r)| (a, r.id.as_str())));
    errors.unique_ids(steps.iter().map(|(a, s)| (a, s.id.as_str())));
    errors.unique_ids(flows.iter().map(|(a, f)| (a, f.id.as_str())));
    errors.unique_ids(findings.iter().map(|(a, f)| (a, f.id.as_str())));
    errors.unique_ids(retired.iter().map(|(a, r)| (a, r.id.as_str())));

    let sources: Vec<Source> = sources.into_iter().map(|(at, s)| source(&mut errors, &at, s)).collect();
    let keys: Vec<Key> = keys.into_iter().map(|(at, k)| key(&mut errors, &at, k)).collect();
    let nodes: Vec<Node> = nodes.into_iter().map(|(at, n)| node(&mut errors, &at, n)).collect();
    let mut scenarios: Vec<Scenario> =
        scenarios.into_iter().map(|(at, s)| scenario(&mut errors, &at, s, &keys)).collect();
    if scenarios.is_empty() {
        let at = At { line: 1, what: "data file".to_string() };
        errors.push(&at, "", "there are no [[scenarios]]");
    }

    let cx = Context { keys: &keys, nodes: &nodes, scenarios: &scenarios, sources: &sources };
    let rule_ids: Vec<String> = rules.iter().map(|(_, r)| r.id.clone()).collect();
    let flow_ids: Vec<String> = flows.iter().map(|(_, f)| f.id.clone()).collect();
    // Each item comes back with the indices of the scenarios it belongs to.
    let (rules, rule_scenarios): (Vec<Rule>, Vec<Vec<usize>>) =
        rules.into_iter().map(|(at, r)| cx.rule(&mut errors, &at, r)).unzip();
    let (steps, step_scenarios): (Vec<Step>, Vec<Vec<usize>>) =
        steps.into_iter().map(|(at, s)| cx.step(&mut errors, &at, s)).unzip();
    let (flows, flow_scenarios): (Vec<Flow>, Vec<Vec<usize>>) =
        flows.into_iter().map(|(at, f)| cx.flow(&mut errors, &at, f, &rule_ids, &rule_scenarios)).unzip();
    let (findings, finding_scenarios): (Vec<Finding>, Vec<Vec<usize>>) =
        findings.into_iter().map(|(at, f)| cx.finding(&mut errors, &at, f, &flow_ids, &flow_scenarios)).unzip();
    let retired: Vec<Retired> = retired.into_iter().map(|(at, r)| cx.retired(&mut errors, &at, r)).collect();

    for (index, scenario) in scenarios.iter_mut().enumerate() {
        let belongs = |lists: &[Vec<usize>]| -> Vec<usize> {
            lists.iter().enumerate().filter(|(_, s)| s.contains(&index)).map(|(i, _)| i).collect()
        };
        scenario.rules = belongs(&rule_scenarios).into_iter().map(RuleId).collect();
        scenario.steps = belongs(&step_scenarios);
        scenario.flows = belongs(&flow_scenarios).into_iter().map(FlowId).collect();
        scenario.findings = belongs(&finding_scenarios);
    }

    let routing = routing(&mut errors, &keys, &nodes);
    match (errors.list.is_empty(), routing) {
        (true, Some(routing)) => {
            Ok(Catalog { sources, keys, nodes, scenarios, rules, steps, flows, findings, retired, routing })
        }
        _ => {
            errors.list.sort_by_key(|e| e.line);
            Err(errors.list)
        }
    }
}

fn source(errors: &mut Errors, at: &At, s: RawSource) -> Source {
    let date_ok = s.date.len() == 10
        && s.date.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !date_ok {
        errors.push(at, "date", format!("`{}` is not a date like 2024-09-05", s.date));
    }
    Source { id: s.id, title: s.title, repo: s.repo, path: s.path, commit: s.commit, date: s.date }
}

fn key(errors: &mut Errors, at: &At, k: RawKey) -> Key {
    if k.values.is_empty() || k.values.len() > 64 {
        errors.push(at, "values", "a key needs between 1 and 64 values");
    }
    let mut seen = HashSet::new();
    for v in &k.values {
        if !seen.insert(v) {
            errors.push(at, "values", format!("value `{v}` is listed twice"));
        }
    }
    let default = k.values.iter().position(|v| *v == k.default).unwrap_or_else(|| {
        errors.push(at, "default", format!("`{}` is not one of the values: {}", k.default, k.values.join(", ")));
        0
    });
    let labels = match k.labels {
        None => k.values.clone(),
        Some(labels) if labels.len() == k.values.len() => labels,
        Some(labels) => {
            errors.push(
                at,
                "labels",
                format!("{} labels for {} values: give one per value", labels.len(), k.values.len()),
            );
            k.values.clone()
        }
    };
    Key { id: k.id, label: k.label, explain: k.explain, values: k.values, labels, default }
}

fn node(errors: &mut Errors, at: &At, n: RawNode) -> Node {
    let zone = Zone::from_id(&n.zone).unwrap_or_else(|| {
        let zones: Vec<&str> = Zone::ALL.iter().map(|z| z.id()).collect();
        errors.push(at, "zone", format!("unknown zone `{}` (zones: {})", n.zone, zones.join(", ")));
        Zone::Internet
    });
    if n.id == well_known::CLIENT_ALIAS {
        errors.push(at, "id", "`client` is reserved for the reader's client and cannot be a node");
    }
    if n.subnet.is_some() && zone != Zone::Vnet {
        errors.push(at, "subnet", "only nodes in the vnet zone sit in a subnet");
    }
    Node { id: n.id, label: n.label, zone, subnet: n.subnet, about: n.about }
}

fn scenario(errors: &mut Errors, at: &At, s: RawScenario, keys: &[Key]) -> Scenario {
    let mut scenario_keys: Vec<ScenarioKey> = Vec::new();
    for entry in &s.keys {
        let (name, restriction) = match entry.split_once('=') {
            Some((n, r)) => (n.trim(), Some(r)),
            None => (entry.trim(), None),
        };
        let Some(index) = keys.iter().position(|k| k.id == name) else {
            errors.push(at, "keys", format!("unknown key `{name}`"));
            continue;
        };
        let id = KeyId(index);
        if scenario_keys.iter().any(|sk| sk.key == id) {
            errors.push(at, "keys", format!("key `{name}` is listed twice"));
            continue;
        }
        let key = &keys[index];
        let values: Vec<usize> = match restriction {
            None => (0..key.values.len()).collect(),
            Some(r) => {
                let mut vs = Vec::new();
                for v in r.split('|').map(str::trim) {
                    match key.values.iter().position(|kv| kv == v) {
                        Some(i) => vs.push(i),
                        None => errors.push(at, "keys", format!("unknown value `{v}` for key `{name}`")),
                    }
                }
                vs.sort_unstable();
                vs
            }
        };
        let Some(&first) = values.first() else { continue };
        let default = if values.contains(&key.default) { key.default } else { first };
        scenario_keys.push(ScenarioKey { key: id, values, default });
    }
    let mut fixed = Vec::new();
    for entry in &s.fixed {
        let Some((name, value)) = entry.split_once('=') else {
            errors.push(at, "fixed", format!("`{entry}` is not key=value"));
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        let Some(index) = keys.iter().position(|k| k.id == name) else {
            errors.push(at, "fixed", format!("unknown key `{name}`"));
            continue;
        };
        if scenario_keys.iter().any(|sk| sk.key == KeyId(index)) {
            errors.push(at, "fixed", format!("key `{name}` is both a key of the scenario and fixed"));
        }
        match keys[index].values.iter().position(|v| v == value) {
            Some(v) => fixed.push((KeyId(index), v)),
            None => errors.push(at, "fixed", format!("unknown value `{value}` for key `{name}`")),
        }
    }
    Scenario {
        id: s.id,
        title: s.title,
        summary: s.summary,
        keys: scenario_keys,
        fixed,
        rules: Vec::new(),
        steps: Vec::new(),
        flows: Vec::new(),
        findings: Vec::new(),
    }
}

/// What an item of a scenario is checked against.
struct Context<'a> {
    keys: &'a [Key],
    nodes: &'a [Node],
    scenarios: &'a [Scenario],
    sources: &'a [Source],
}

impl Context<'_> {
    /// Resolves the scenario ids of an item.
    fn scenarios(&self, errors: &mut Errors, at: &At, ids: &[String]) -> Vec<usize> {
        if ids.is_empty() {
            errors.push(at, "scenarios", "lists no scenario");
        }
        ids.iter()
            .filter_map(|id| {
                let found = self.scenarios.iter().position(|s| s.id == *id);
                if found.is_none() {
                    let known: Vec<&str> = self.scenarios.iter().map(|s| s.id.as_str()).collect();
                    errors.push(at, "scenarios", format!("unknown scenario `{id}` (scenarios: {})", known.join(", ")));
                }
                found
            })
            .collect()
    }

    /// Parses a `when` and checks that it only names keys every one of the item's scenarios uses.
    fn when(&self, errors: &mut Errors, at: &At, text: &str, scenarios: &[usize]) -> Condition {
        match Condition::parse(text, self.keys) {
            Ok(condition) => {
                for key in condition.keys() {
                    for &s in scenarios {
                        let scenario = &self.scenarios[s];
                        if !scenario.keys.iter().any(|sk| sk.key == key) {
                            errors.push(
                                at,
                                "when",
                                format!("key `{}` is not a key of scenario {}", self.keys[key].id, scenario.id),
                            );
                        }
                    }
                }
                condition
            }
            Err(messages) => {
                for m in messages {
                    errors.push(at, "when", m);
                }
                Condition::default()
            }
        }
    }

    fn sources(&self, errors: &mut Errors, at: &At, ids: &[String]) {
        if ids.is_empty() {
            errors.push(at, "sources", "cites no source; every item needs at least one");
        }
        for id in ids {
            if !self.sources.iter().any(|s| s.id == *id) {
                errors.push(at, "sources", format!("unknown source `{id}`"));
            }
        }
    }

    /// Checks each symptom: a text, and at least one source, every one known.
    fn symptoms(&self, errors: &mut Errors, at: &At, raw: Vec<RawSymptom>) -> Vec<Symptom> {
        let mut out = Vec::with_capacity(raw.len());
        for (index, s) in raw.into_iter().enumerate() {
            let here = At { line: errors.symptom_line(at, index), what: at.what.clone() };
            let field = format!("symptoms[{}]", index + 1);
            if s.text.trim().is_empty() {
                errors.push(&here, &field, "the text is empty");
            }
            if s.sources.is_empty() {
                errors.push(&here, &field, "cites no source; every symptom needs at least one");
            }
            for id in &s.sources {
                if !self.sources.iter().any(|known| known.id == *id) {
                    errors.push(&here, &field, format!("unknown source `{id}`"));
                }
            }
            out.push(Symptom { text: s.text, sources: s.sources });
        }
        out
    }

    fn protocol(&self, errors: &mut Errors, at: &At, field: &str, text: &str) -> Protocol {
        Protocol::from_id(text).unwrap_or_else(|| {
            errors.push(at, field, format!("unknown protocol `{text}` (TCP, UDP or Any)"));
            Protocol::Any
        })
    }

    fn ports(&self, errors: &mut Errors, at: &At, field: &str, text: &str) -> Ports {
        Ports::parse(text).unwrap_or_else(|m| {
            errors.push(at, field, m);
            Ports { first: 1, last: 1 }
        })
    }

    fn endpoint(&self, errors: &mut Errors, at: &At, field: &str, id: &str) -> Endpoint {
        if id == well_known::CLIENT_ALIAS {
            return Endpoint::Client;
        }
        match self.nodes.iter().position(|n| n.id == id) {
            Some(i) => Endpoint::Node(NodeId(i)),
            None => {
                errors.push(at, field, format!("unknown node `{id}`"));
                Endpoint::Client
            }
        }
    }

    fn rule(&self, errors: &mut Errors, at: &At, r: RawRule) -> (Rule, Vec<usize>) {
        let scenarios = self.scenarios(errors, at, &r.scenarios);
        let direction = Direction::from_id(&r.direction).unwrap_or_else(|| {
            errors.push(at, "direction", format!("unknown direction `{}` (inbound, outbound or private)", r.direction));
            Direction::Outbound
        });
        let protocol = self.protocol(errors, at, "protocol", &r.protocol);
        if r.ports.is_empty() {
            errors.push(at, "ports", "lists no port");
        }
        let ports = r.ports.iter().map(|p| self.ports(errors, at, "ports", p)).collect();
        for host in r.fqdns.iter().chain(&r.fqdns_usgov).chain(&r.fqdns_china) {
            if host.is_empty() || host.contains(char::is_whitespace) || host.contains("://") {
                errors.push(at, "fqdns", format!("`{host}` is not a host name"));
            }
        }
        let when = self.when(errors, at, &r.when, &scenarios);
        self.sources(errors, at, &r.sources);
        let condition = r.condition.unwrap_or_else(|| when.describe(self.keys));
        let symptoms = self.symptoms(errors, at, r.symptoms);
        let rule = Rule {
            id: r.id,
            direction,
            source: r.source,
            destination: r.destination,
            service_tag: r.service_tag,
            fqdns: Fqdns { public: r.fqdns, usgov: r.fqdns_usgov, china: r.fqdns_china },
            protocol,
            ports,
            purpose: r.purpose,
            when,
            condition,
            sources: r.sources,
            notes: r.notes,
            symptoms,
        };
        (rule, scenarios)
    }

    fn retired(&self, errors: &mut Errors, at: &At, r: RawRetired) -> Retired {
        let scenarios = self.scenarios(errors, at, &r.scenarios);
        let direction = match Direction::from_id(&r.direction) {
            Some(d @ (Direction::Inbound | Direction::Outbound)) => d,
            _ => {
                errors.push(at, "direction", format!("`{}` is not inbound or outbound", r.direction));
                Direction::Inbound
            }
        };
        let protocol = self.protocol(errors, at, "protocol", &r.protocol);
        if r.ports.is_empty() {
            errors.push(at, "ports", "lists no port");
        }
        let ports = r.ports.iter().map(|p| self.ports(errors, at, "ports", p)).collect();
        self.sources(errors, at, &r.sources);
        Retired {
            id: r.id,
            scenarios,
            direction,
            service_tag: r.service_tag,
            fqdns: r.fqdns,
            protocol,
            ports,
            note: r.note,
            sources: r.sources,
        }
    }

    fn step(&self, errors: &mut Errors, at: &At, s: RawStep) -> (Step, Vec<usize>) {
        let scenarios = self.scenarios(errors, at, &s.scenarios);
        let kind = StepKind::from_id(&s.kind).unwrap_or_else(|| {
            let kinds: Vec<&str> = StepKind::ALL.iter().map(|k| k.id()).collect();
            errors.push(at, "kind", format!("unknown kind `{}` ({})", s.kind, kinds.join(", ")));
            StepKind::Other
        });
        let when = self.when(errors, at, &s.when, &scenarios);
        self.sources(errors, at, &s.sources);
        let symptoms = self.symptoms(errors, at, s.symptoms);
        if !s.internet_tags.is_empty() && kind != StepKind::Route {
            errors.push(at, "internet_tags", "only a `route` step can send service tags to the internet".to_string());
        }
        for tag in &s.internet_tags {
            if tag.is_empty() || tag.contains(char::is_whitespace) {
                errors.push(at, "internet_tags", format!("`{tag}` is not a service tag"));
            }
        }
        let internet_tags = s.internet_tags;
        (Step { id: s.id, kind, text: s.text, when, sources: s.sources, symptoms, internet_tags }, scenarios)
    }

    fn flow(
        &self,
        errors: &mut Errors,
        at: &At,
        f: RawFlow,
        rule_ids: &[String],
        rule_scenarios: &[Vec<usize>],
    ) -> (Flow, Vec<usize>) {
        let scenarios = self.scenarios(errors, at, &f.scenarios);
        let when = self.when(errors, at, &f.when, &scenarios);
        if f.hops.is_empty() {
            errors.push(at, "hops", "a flow needs at least one hop");
        }
        let mut hops: Vec<Hop> = Vec::new();
        for (i, h) in f.hops.iter().enumerate() {
            let field = format!("hops[{}]", i + 1);
            let from = self.endpoint(errors, at, &format!("{field}.from"), &h.from);
            let to = self.endpoint(errors, at, &format!("{field}.to"), &h.to);
            if i > 0 && f.hops[i - 1].to != h.from {
                let previous = &f.hops[i - 1].to;
                errors.push(at, &field, format!("starts at `{}` but the hop before ends at `{previous}`", h.from));
            }
            if h.from == h.to {
                errors.push(at, &field, format!("goes from `{}` to itself", h.from));
            }
            let protocol = self.protocol(errors, at, &format!("{field}.protocol"), &h.protocol);
            if protocol == Protocol::Any {
                errors.push(at, &format!("{field}.protocol"), "a hop carries TCP or UDP, not Any");
            }
            let port = self.ports(errors, at, &format!("{field}.port"), &h.port);
            let rule = h.rule.as_ref().and_then(|id| {
                let found = rule_ids.iter().position(|r| r == id);
                match found {
                    None => errors.push(at, &format!("{field}.rule"), format!("unknown rule `{id}`")),
                    Some(r) => {
                        for &s in &scenarios {
                            if !rule_scenarios[r].contains(&s) {
                                let sid = &self.scenarios[s].id;
                                errors.push(
                                    at,
                                    &format!("{field}.rule"),
                                    format!("rule `{id}` does not belong to scenario {sid}, which this flow does"),
                                );
                            }
                        }
                    }
                }
                found.map(RuleId)
            });
            hops.push(Hop { from, to, protocol, port, rule });
        }
        (Flow { id: f.id, purpose: f.purpose, when, hops }, scenarios)
    }

    fn finding(
        &self,
        errors: &mut Errors,
        at: &At,
        f: RawFinding,
        flow_ids: &[String],
        flow_scenarios: &[Vec<usize>],
    ) -> (Finding, Vec<usize>) {
        let scenarios = self.scenarios(errors, at, &f.scenarios);
        let severity = match f.severity.as_str() {
            "blocked" => Severity::Blocked,
            "warning" => Severity::Warning,
            other => {
                errors.push(at, "severity", format!("unknown severity `{other}` (blocked or warning)"));
                Severity::Warning
            }
        };
        let when = self.when(errors, at, &f.when, &scenarios);
        self.sources(errors, at, &f.sources);
        if severity == Severity::Blocked && f.flows.is_empty() {
            errors.push(at, "flows", "a blocked finding must name the flows it blocks");
        }
        let flows = f
            .flows
            .iter()
            .filter_map(|id| {
                let found = flow_ids.iter().position(|x| x == id);
                match found {
                    None => errors.push(at, "flows", format!("unknown flow `{id}`")),
                    Some(i) if !scenarios.iter().all(|s| flow_scenarios[i].contains(s)) => {
                        errors.push(at, "flows", format!("flow `{id}` is not in every scenario of this finding"))
                    }
                    Some(_) => {}
                }
                found.map(FlowId)
            })
            .collect();
        let symptoms = self.symptoms(errors, at, f.symptoms);
        (Finding { id: f.id, severity, text: f.text, when, flows, sources: f.sources, symptoms }, scenarios)
    }
}

/// Looks up the keys and nodes that resolution routes by, checking that they exist.
fn routing(errors: &mut Errors, keys: &[Key], nodes: &[Node]) -> Option<Routing> {
    let at = At { line: 1, what: "data file".to_string() };
    let mut key = |id: &str, values: &[&str]| {
        let found = keys.iter().position(|k| k.id == id);
        match found {
            None => errors.push(&at, "keys", format!("key `{id}` is needed for routing but missing")),
            Some(i) => {
                for v in values {
                    if !keys[i].values.iter().any(|kv| kv == v) {
                        errors.push(&at, "keys", format!("key `{id}` needs the value `{v}` for routing"));
                    }
                }
            }
        }
        found.map(KeyId)
    };
    let client_key = key("client", &["studio"]);
    let access_key = key("access", &["vpn", "expressroute", "bastion", "internet"]);
    let egress_key = key("egress", &["default", "firewall", "nat-gateway"]);
    // Optional: without it every rule shows its public-cloud host names.
    let cloud_key = keys.iter().position(|k| k.id == "cloud").map(KeyId);
    let mut node = |id: &str| {
        let found = nodes.iter().position(|n| n.id == id);
        if found.is_none() {
            errors.push(&at, "nodes", format!("node `{id}` is needed for routing but missing"));
        }
        found.map(NodeId)
    };
    let browser = node(well_known::BROWSER);
    let dev_machine = node(well_known::DEV_MACHINE);
    let jump_box = node(well_known::JUMP_BOX);
    let vpn_gateway = node(well_known::VPN_GATEWAY);
    let expressroute_gateway = node(well_known::EXPRESSROUTE_GATEWAY);
    let firewall = node(well_known::FIREWALL);
    let nat_gateway = node(well_known::NAT_GATEWAY);
    let (client_key, access_key, egress_key) = (client_key?, access_key?, egress_key?);
    let values = |k: KeyId| keys[k].values.iter().map(String::as_str);
    Some(Routing {
        client_key,
        studio: values(client_key).map(|v| v == "studio").collect(),
        access_key,
        access: values(access_key).map(Access::of).collect(),
        egress_key,
        egress: values(egress_key).map(Egress::of).collect(),
        cloud_key,
        browser: browser?,
        dev_machine: dev_machine?,
        jump_box: jump_box?,
        vpn_gateway: vpn_gateway?,
        expressroute_gateway: expressroute_gateway?,
        firewall: firewall?,
        nat_gateway: nat_gateway?,
    })
}
