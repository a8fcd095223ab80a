//! `vnet-flows why "TEXT"`: the symptoms a pasted error message matches, where each arises, the
//! fix and its sources.
//!
//! The matching lives in [`crate::symptoms`]; this file reads the options and renders the
//! matches as text or JSON. Exit codes: 0 something matched, 1 nothing did, 2 bad usage.

use serde::Serialize;

use super::{Failure, Options, catalog, usage};
use crate::model::Catalog;
use crate::symptoms::{Index, Match, explain, fix};

/// How many matches `why` prints unless `--limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 5;

/// The JSON document, a public interface.
#[derive(Serialize)]
struct Report<'a> {
    query: &'a str,
    matches: Vec<MatchInfo<'a>>,
}

#[derive(Serialize)]
struct MatchInfo<'a> {
    symptom: &'a str,
    score: f64,
    scenario: &'a str,
    config: Settings<'a>,
    cause: CauseInfo<'a>,
    sources: Vec<String>,
}

/// The scenario's keys and values, as a JSON object in the scenario's order.
struct Settings<'a>(Vec<(&'a str, &'a str)>);

impl Serialize for Settings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct CauseInfo<'a> {
    kind: &'static str,
    id: &'a str,
    text: &'a str,
}

pub fn why(args: &[String]) -> Result<(String, i32), Failure> {
    let options = Options::parse(args, &["format", "limit"])?;
    let format = options.format(&["text", "json"])?;
    let limit = limit(options.one("limit"))?;
    let query = match options.positional.as_slice() {
        [query] if !query.trim().is_empty() => query.as_str(),
        [_] => return Err(usage("why needs a non-empty TEXT: paste the error message in quotes")),
        [] => return Err(usage("why needs the TEXT of an error message, in quotes")),
        [_, extra, ..] => return Err(usage(format!("why takes one TEXT in quotes; unexpected `{extra}`"))),
    };
    let catalog = catalog()?;
    let index = Index::new(&catalog);
    let matches = explain(&catalog, &index, query, limit);
    let code = if matches.is_empty() { 1 } else { 0 };
    let infos: Vec<MatchInfo> = matches.iter().map(|m| info(&catalog, m)).collect();
    let text = if format == "json" { json(query, infos) } else { text(&catalog, &matches, &infos) };
    Ok((text, code))
}

fn limit(text: Option<&str>) -> Result<usize, Failure> {
    match text {
        None => Ok(DEFAULT_LIMIT),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(usage(format!("--limit must be a whole number from 1 to 100, not `{t}`"))),
        },
    }
}

fn info<'c>(catalog: &'c Catalog, m: &Match<'c>) -> MatchInfo<'c> {
    let scenario = &catalog.scenarios[m.scenario];
    let config = Settings(m.config.pairs(catalog, scenario));
    let (id, text, _) = m.cause.item_text(catalog);
    let cited = m.sources(catalog);
    MatchInfo {
        symptom: &m.symptom.text,
        score: (m.score * 1000.0).round() / 1000.0,
        scenario: &scenario.id,
        config,
        cause: CauseInfo { kind: m.cause.kind.id(), id, text },
        sources: cited.into_iter().map(|s| catalog.cite(s)).collect(),
    }
}

fn json(query: &str, matches: Vec<MatchInfo>) -> String {
    let mut text = serde_json::to_string_pretty(&Report { query, matches }).unwrap_or_default();
    text.push('\n');
    text
}

fn text(catalog: &std::rc::Rc<Catalog>, matches: &[Match], infos: &[MatchInfo]) -> String {
    if matches.is_empty() {
        return "No known symptom matches this text. Try a shorter, distinctive part of the message, \
                or browse the scenarios with `vnet-flows scenarios` and their rules with `vnet-flows rules`.\n"
            .to_string();
    }
    let mut out = String::new();
    for (n, (m, info)) in matches.iter().zip(infos).enumerate() {
        out.push_str(&format!("{}. {} (score {:.2})\n", n + 1, info.symptom, info.score));
        out.push_str(&format!("   arises in: {}\n", command(catalog, m)));
        out.push_str(&format!("   cause: {} {}\n", info.cause.kind, info.cause.id));
        out.push_str(&format!("   fix: {}\n", fix(catalog, m)));
        out.push_str(&format!("   sources: {}\n\n", info.sources.join(", ")));
    }
    out
}

/// `vnet-flows rules --scenario X --set k=v ...`, with only the settings that differ from the
/// scenario's defaults.
fn command(catalog: &Catalog, m: &Match) -> String {
    let scenario = &catalog.scenarios[m.scenario];
    let mut line = format!("vnet-flows rules --scenario {}", scenario.id);
    for (key, value) in m.config.changed(catalog, scenario) {
        line.push_str(&format!(" --set {key}={value}"));
    }
    line
}
