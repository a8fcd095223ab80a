//! Renderings of a [`Resolution`]: the plain-data [`Report`] (whose JSON is a public interface),
//! Markdown, HTML and CSV tables built from it, and the diagram as Mermaid text.

mod csv;
mod html;
mod markdown;
mod mermaid;

pub use csv::csv;
pub use html::{escape as escape_html, html};
pub use markdown::markdown;
pub use mermaid::mermaid;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::model::{Direction, Severity};
use crate::resolve::Resolution;

/// A resolution as plain strings, in the shape of the `rules --format json` output.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: String,
    pub config: Pairs,
    pub rules: Vec<ReportRule>,
    pub steps: Vec<ReportStep>,
    pub flows: Vec<ReportFlow>,
    pub findings: Vec<ReportFinding>,
}

/// Ordered `key: value` pairs that serialize as a JSON object.
#[derive(Clone, Debug)]
pub struct Pairs(pub Vec<(String, String)>);

impl Serialize for Pairs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportRule {
    pub direction: Direction,
    pub source: String,
    pub destination: String,
    pub service_tag: Option<String>,
    pub fqdns: Vec<String>,
    pub protocol: &'static str,
    pub ports: Vec<String>,
    pub purpose: String,
    pub condition: String,
    pub sources: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportStep {
    pub kind: &'static str,
    pub text: String,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportFlow {
    pub id: String,
    pub purpose: String,
    pub hops: Vec<ReportHop>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportHop {
    pub from: String,
    pub to: String,
    pub protocol: &'static str,
    pub port: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportFinding {
    pub severity: Severity,
    pub text: String,
    pub flows: Vec<String>,
}

/// Said on a rule whose host names the docs give only for the public cloud.
pub const PUBLIC_NAMES_ONLY: &str =
    "The docs give these host names for the public cloud only; check the names for your cloud.";

impl Report {
    pub fn new(r: &Resolution) -> Report {
        let catalog = &*r.catalog;
        let cite = |ids: &[String]| ids.iter().map(|id| catalog.cite(id)).collect::<Vec<_>>();
        let rules = r
            .rules
            .iter()
            .map(|&i| {
                let rule = &catalog.rules[i];
                let (fqdns, exact) = r.fqdns(rule);
                let mut notes = rule.notes.clone();
                if !exact {
                    notes.push(PUBLIC_NAMES_ONLY.to_string());
                }
                ReportRule {
                    direction: rule.direction,
                    source: r.fill(&rule.source),
                    destination: r.fill(&rule.destination),
                    service_tag: rule.service_tag.clone(),
                    fqdns: fqdns.to_vec(),
                    protocol: rule.protocol.id(),
                    ports: rule.ports.iter().map(|p| p.to_string()).collect(),
                    purpose: rule.purpose.clone(),
                    condition: rule.condition.clone(),
                    sources: cite(&rule.sources),
                    notes,
                }
            })
            .collect();
        let steps = r
            .steps
            .iter()
            .map(|&i| {
                let step = &catalog.steps[i];
                ReportStep { kind: step.kind.id(), text: step.text.clone(), sources: cite(&step.sources) }
            })
            .collect();
        let flows = r
            .flows
            .iter()
            .map(|f| ReportFlow {
                id: catalog.flows[f.flow].id.clone(),
                purpose: catalog.flows[f.flow].purpose.clone(),
                hops: f
                    .hops
                    .iter()
                    .map(|h| ReportHop {
                        from: catalog.nodes[h.from].id.clone(),
                        to: catalog.nodes[h.to].id.clone(),
                        protocol: h.protocol.id(),
                        port: h.port.to_string(),
                    })
                    .collect(),
            })
            .collect();
        let findings = r
            .findings
            .iter()
            .map(|&i| {
                let finding = &catalog.findings[i];
                ReportFinding {
                    severity: finding.severity,
                    text: finding.text.clone(),
                    flows: finding.flows.iter().map(|&f| catalog.flows[f].id.clone()).collect(),
                }
            })
            .collect();
        let config = r.config.pairs(catalog, r.scenario()).into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        Report { scenario: r.scenario().id.clone(), config: Pairs(config), rules, steps, flows, findings }
    }

    /// Pretty-printed JSON, ending in a newline.
    pub fn json(&self) -> String {
        // Serializing plain strings and vectors cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
