//! From a pasted error message to the rules, steps and findings whose symptoms it matches.
//!
//! Pure and allocation-light, so the widget can run it as it is. A query and every symptom go
//! through the same pipeline: [`normalize`] (lower case, ANSI escapes, URLs' paths and query
//! strings and Azure resource ids dropped), [`tokens`] (words with a light stemming; numbers,
//! hex ids, GUID pieces and Azure region names dropped unless a symptom uses them, stop words
//! dropped). An [`Index`] weighs each word by its rarity among all symptom texts (idf) and
//! scores a query against every symptom by the cosine of their weighted word sets plus a bonus
//! for word pairs in the same order; scores run from 0 to 1 and below [`MIN_SCORE`] nothing
//! matches. Words a query has and no symptom knows count against it, so unrelated text matches
//! nothing. [`explain`] turns the best hits into matches with a scenario and a configuration in
//! which the cause applies.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::config::Config;
use crate::model::{Catalog, RuleId, ScenarioId, Symptom};
use crate::resolve::resolve;

/// Below this score a symptom does not match.
pub const MIN_SCORE: f64 = 0.3;

/// The share of the score that word pairs in the same order can add.
const BIGRAM_SHARE: f64 = 0.2;

/// Words so common in any English text that they say nothing about the cause.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could", "do", "for", "from", "had",
    "has", "have", "if", "in", "into", "is", "it", "its", "may", "no", "not", "of", "on", "or", "so", "than", "that",
    "the", "their", "then", "there", "these", "this", "to", "was", "were", "when", "which", "while", "with", "you",
    "your", "http", "https", "www",
];

/// Azure region names, which a pasted message carries but no symptom depends on.
const REGIONS: &[&str] = &[
    "eastus",
    "westus",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "eastasia",
    "southeastasia",
    "northeurope",
    "westeurope",
    "uksouth",
    "ukwest",
    "francecentral",
    "francesouth",
    "germanywestcentral",
    "germanynorth",
    "switzerlandnorth",
    "switzerlandwest",
    "norwayeast",
    "norwaywest",
    "swedencentral",
    "polandcentral",
    "italynorth",
    "spaincentral",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "australiaeast",
    "australiasoutheast",
    "australiacentral",
    "centralindia",
    "southindia",
    "westindia",
    "canadacentral",
    "canadaeast",
    "brazilsouth",
    "southafricanorth",
    "uaenorth",
    "qatarcentral",
    "israelcentral",
    "mexicocentral",
    "usgovvirginia",
    "usgovarizona",
    "usgovtexas",
    "chinaeast",
    "chinanorth",
];

/// Which kind of item a symptom belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CauseKind {
    Rule,
    Step,
    Finding,
}

impl CauseKind {
    /// `rule`, `step` or `finding`, as the JSON says it.
    pub fn id(self) -> &'static str {
        match self {
            CauseKind::Rule => "rule",
            CauseKind::Step => "step",
            CauseKind::Finding => "finding",
        }
    }
}

/// One symptom of one item: the item's kind and index in the catalog, and the symptom's index
/// in the item's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cause {
    pub kind: CauseKind,
    pub item: usize,
    pub symptom: usize,
}

impl Cause {
    /// The id, text and sources of the rule, step or finding the symptom belongs to.
    pub fn item_text(self, catalog: &Catalog) -> (&str, &str, &[String]) {
        let i = self.item;
        match self.kind {
            CauseKind::Rule => (&catalog.rules[i].id, &catalog.rules[i].purpose, &catalog.rules[i].sources),
            CauseKind::Step => (&catalog.steps[i].id, &catalog.steps[i].text, &catalog.steps[i].sources),
            CauseKind::Finding => (&catalog.findings[i].id, &catalog.findings[i].text, &catalog.findings[i].sources),
        }
    }
}

/// A symptom that scored at least [`MIN_SCORE`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub cause: Cause,
    /// From [`MIN_SCORE`] to 1.
    pub score: f64,
}

/// A symptom prepared for scoring.
#[derive(Clone, Debug)]
struct Entry {
    cause: Cause,
    words: HashSet<String>,
    pairs: HashSet<(String, String)>,
    /// The length of the symptom's weighted word vector.
    norm: f64,
}

/// Every symptom of a catalog, tokenized and weighted.
#[derive(Clone, Debug)]
pub struct Index {
    entries: Vec<Entry>,
    /// Inverse document frequency of every word some symptom has.
    idf: HashMap<String, f64>,
    /// The weight of a query word no symptom has.
    unknown: f64,
}

impl Index {
    /// Indexes every symptom of every rule, step and finding, in that order.
    pub fn new(catalog: &Catalog) -> Index {
        let mut entries: Vec<Entry> = symptoms(catalog)
            .map(|(cause, symptom)| {
                let list = tokens(&symptom.text, &|_: &str| true);
                Entry { cause, words: list.iter().cloned().collect(), pairs: pairs(&list), norm: 0.0 }
            })
            .collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for entry in &entries {
            for word in &entry.words {
                *df.entry(word.clone()).or_default() += 1;
            }
        }
        let n = entries.len().max(1) as f64;
        let idf: HashMap<String, f64> = df.into_iter().map(|(w, d)| (w, (1.0 + n / d as f64).ln())).collect();
        for entry in &mut entries {
            entry.norm = entry.words.iter().map(|w| idf[w].powi(2)).sum::<f64>().sqrt();
        }
        // A word no symptom has weighs as much as one that a single symptom has, halved.
        let unknown = (1.0 + n).ln() / 2.0;
        Index { entries, idf, unknown }
    }

    /// How many symptoms the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog has no symptom at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The symptoms `query` matches, best first; ties keep catalog order.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let known = |word: &str| self.idf.contains_key(word);
        let list = tokens(query, &known);
        let words: HashSet<&String> = list.iter().collect();
        let query_norm = words.iter().map(|w| self.weight(w).powi(2)).sum::<f64>().sqrt();
        if query_norm == 0.0 {
            return Vec::new();
        }
        let query_pairs = pairs(&list);
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .filter_map(|entry| {
                let score = self.score(entry, &words, query_norm, &query_pairs);
                (score >= MIN_SCORE).then_some(Hit { cause: entry.cause, score })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits
    }

    fn weight(&self, word: &str) -> f64 {
        self.idf.get(word).copied().unwrap_or(self.unknown)
    }

    /// Cosine of the weighted word sets, plus the share of the symptom's word pairs the query
    /// has in the same order.
    fn score(
        &self,
        entry: &Entry,
        words: &HashSet<&String>,
        query_norm: f64,
        query_pairs: &HashSet<(String, String)>,
    ) -> f64 {
        let shared: f64 = words.iter().filter(|w| entry.words.contains(**w)).map(|w| self.idf[*w].powi(2)).sum();
        if shared == 0.0 || entry.norm == 0.0 {
            return 0.0;
        }
        let cosine = shared / (query_norm * entry.norm);
        let order = if entry.pairs.is_empty() {
            cosine
        } else {
            entry.pairs.intersection(query_pairs).count() as f64 / entry.pairs.len() as f64
        };
        ((1.0 - BIGRAM_SHARE) * cosine + BIGRAM_SHARE * order).clamp(0.0, 1.0)
    }
}

/// Every symptom of the catalog with its cause: rules, then steps, then findings, in file order.
pub fn symptoms(catalog: &Catalog) -> impl Iterator<Item = (Cause, &Symptom)> {
    let rules = catalog.rules.iter().enumerate().flat_map(|(i, r)| each(CauseKind::Rule, i, &r.symptoms));
    let steps = catalog.steps.iter().enumerate().flat_map(|(i, s)| each(CauseKind::Step, i, &s.symptoms));
    let findings = catalog.findings.iter().enumerate().flat_map(|(i, f)| each(CauseKind::Finding, i, &f.symptoms));
    rules.chain(steps).chain(findings)
}

fn each(kind: CauseKind, item: usize, list: &[Symptom]) -> impl Iterator<Item = (Cause, &Symptom)> {
    list.iter().enumerate().map(move |(symptom, s)| (Cause { kind, item, symptom }, s))
}

/// The symptom a cause points at.
pub fn symptom(catalog: &Catalog, cause: Cause) -> &Symptom {
    let list = match cause.kind {
        CauseKind::Rule => &catalog.rules[cause.item].symptoms,
        CauseKind::Step => &catalog.steps[cause.item].symptoms,
        CauseKind::Finding => &catalog.findings[cause.item].symptoms,
    };
    &list[cause.symptom]
}

/// Lower case, without ANSI escape sequences, GUIDs, Azure resource ids, or the paths and query
/// strings of URLs (their host names stay: they often name the service that failed).
pub fn normalize(text: &str) -> String {
    let lower = strip_guids(&strip_ansi(text).to_lowercase());
    let mut out = String::with_capacity(lower.len());
    let mut rest = lower.as_str();
    while let Some(at) = next_noise(rest) {
        out.push_str(&rest[..at.start]);
        out.push(' ');
        out.push_str(at.keep);
        out.push(' ');
        rest = &rest[at.end..];
    }
    out.push_str(rest);
    out
}

/// A stretch of noise in lower-cased text: its bounds, and the part of it worth keeping.
struct Noise<'t> {
    start: usize,
    end: usize,
    keep: &'t str,
}

/// The next URL or resource id in `text`.
fn next_noise(text: &str) -> Option<Noise<'_>> {
    let url = text.find("://");
    let id = text.find("/subscriptions/");
    let stop = |from: usize| {
        text[from..].find(|c: char| c.is_whitespace() || "\"'`<>()[]{},;".contains(c)).map_or(text.len(), |i| from + i)
    };
    match (url, id) {
        (Some(u), i) if i.is_none_or(|i| u < i) => {
            let start = text[..u].rfind(|c: char| !c.is_ascii_alphabetic()).map_or(0, |i| i + 1);
            let end = stop(u + 3);
            let host_end = text[u + 3..end].find(['/', '?', '#']).map_or(end, |i| u + 3 + i);
            Some(Noise { start, end, keep: &text[u + 3..host_end] })
        }
        (_, Some(i)) => Some(Noise { start: i, end: stop(i), keep: "" }),
        _ => None,
    }
}

/// Replaces every GUID (`8-4-4-4-12` hex digits) by a space: its groups can be all letters.
fn strip_guids(text: &str) -> String {
    const SHAPE: &[u8] = b"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    let fits = |bytes: &[u8]| {
        bytes.len() >= SHAPE.len()
            && SHAPE.iter().zip(bytes).all(|(&s, &b)| if s == b'-' { b == b'-' } else { b.is_ascii_hexdigit() })
            && !bytes.get(SHAPE.len()).is_some_and(|b| b.is_ascii_alphanumeric())
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        let starts = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts && fits(&bytes[i..]) {
            out.push_str(&text[copied..i]);
            out.push(' ');
            i += SHAPE.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Removes ANSI escape sequences (`ESC [ ... m` and friends), and their remains when a terminal
/// or a copy has lost the escape character itself (`[31m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let csi = c == '\u{1b}' || (c == '[' && ansi_remains(&text[i + 1..]));
        if !csi {
            out.push(c);
            continue;
        }
        if c == '\u{1b}' && chars.peek().is_some_and(|&(_, n)| n != '[') {
            chars.next();
            continue;
        }
        // Parameters and intermediates up to the final byte.
        for (_, n) in chars.by_ref() {
            if n != '[' && ('@'..='~').contains(&n) {
                break;
            }
        }
        out.push(' ');
    }
    out
}

/// Whether `rest` (after a `[`) reads like the parameters of a colour code: `0m`, `1;31m`.
fn ansi_remains(rest: &str) -> bool {
    let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == ';')).unwrap_or(rest.len());
    digits > 0 && rest[digits..].starts_with('m')
}

/// The words of `text`, in order, after [`normalize`]: stemmed, without stop words and region
/// names, and without words holding a digit unless `known` says a symptom has them (a port such
/// as 445 matters; a GUID's pieces do not).
pub fn tokens(text: &str, known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let text = normalize(text);
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let apostrophe = matches!(c, '\'' | '\u{2019}') && !word.is_empty();
        if c.is_alphanumeric() {
            word.push(c);
        } else if apostrophe && chars.peek().is_some_and(|n| n.is_alphanumeric()) {
            // "can't" and "can’t" are one word.
        } else {
            push_word(&mut out, &mut word, known);
        }
    }
    push_word(&mut out, &mut word, known);
    out
}

fn push_word(out: &mut Vec<String>, word: &mut String, known: &dyn Fn(&str) -> bool) {
    if word.is_empty() {
        return;
    }
    let stem = stem(word);
    word.clear();
    let noise = STOP_WORDS.contains(&stem.as_str())
        || REGIONS.iter().any(|r| stem.starts_with(r) && stem[r.len()..].bytes().all(|b| b.is_ascii_digit()))
        || (stem.chars().any(|c| c.is_ascii_digit()) && !known(&stem))
        || stem.chars().count() < 2;
    if !noise {
        out.push(stem);
    }
}

/// A light stemmer: plural `s`, `ies`, `ing` and `ed` endings, so "fails", "failing" and "failed"
/// meet.
fn stem(word: &str) -> String {
    let n = word.len();
    if !word.is_ascii() || n < 4 || word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_string();
    }
    if n > 5 && word.ends_with("ies") {
        return format!("{}y", &word[..n - 3]);
    }
    if n > 5 && word.ends_with("ing") {
        return word[..n - 3].to_string();
    }
    if n > 4 && word.ends_with("ed") {
        return word[..n - 2].to_string();
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return word[..n - 1].to_string();
    }
    word.to_string()
}

fn pairs(list: &[String]) -> HashSet<(String, String)> {
    list.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect()
}

/// A symptom that matched, with where it arises.
#[derive(Clone, Debug)]
pub struct Match<'c> {
    pub symptom: &'c Symptom,
    pub score: f64,
    pub cause: Cause,
    pub scenario: ScenarioId,
    /// The first configuration in which the cause applies, trying the scenario's defaults first,
    /// then [`Config::combinations`] with the fewest keys changed from the defaults first.
    pub config: Config,
}

impl Match<'_> {
    /// The symptom's sources, then those of its cause that the symptom does not already cite.
    pub fn sources<'c>(&'c self, catalog: &'c Catalog) -> Vec<&'c String> {
        let (_, _, theirs) = self.cause.item_text(catalog);
        let mut cited: Vec<&String> = self.symptom.sources.iter().collect();
        cited.extend(theirs.iter().filter(|s| !self.symptom.sources.contains(s)));
        cited
    }
}

/// The best `limit` matches for `query`: one per symptom and scenario the cause belongs to, best
/// first.
pub fn explain<'c>(catalog: &'c Rc<Catalog>, index: &Index, query: &str, limit: usize) -> Vec<Match<'c>> {
    let mut out = Vec::new();
    for hit in index.search(query) {
        for scenario in catalog.scenario_ids() {
            if out.len() >= limit {
                return out;
            }
            if let Some(config) = arises(catalog, hit.cause, scenario) {
                let symptom = symptom(catalog, hit.cause);
                out.push(Match { symptom, score: hit.score, cause: hit.cause, scenario, config });
            }
        }
    }
    out
}

/// The first configuration of `scenario` in which the cause applies, if it belongs there at all:
/// the defaults if it applies there, otherwise the combination that changes the fewest keys
/// (the first such in [`Config::combinations`] order), so the reader has little to set.
pub fn arises(catalog: &Rc<Catalog>, cause: Cause, scenario: ScenarioId) -> Option<Config> {
    let s = &catalog.scenarios[scenario];
    let (belongs, when) = match cause.kind {
        CauseKind::Rule => (s.rules.contains(&RuleId(cause.item)), &catalog.rules[cause.item].when),
        CauseKind::Step => (s.steps.contains(&cause.item), &catalog.steps[cause.item].when),
        CauseKind::Finding => (s.findings.contains(&cause.item), &catalog.findings[cause.item].when),
    };
    if !belongs {
        return None;
    }
    let defaults = Config::defaults(catalog, s);
    let changes = |c: &Config| s.keys.iter().filter(|sk| c.value(sk.key) != defaults.value(sk.key)).count();
    let mut candidates = Config::combinations(catalog, s);
    // Stable: fewest changes from the defaults first, then combinations order.
    candidates.sort_by_key(changes);
    candidates.into_iter().filter(|c| when.holds(c)).find(|config| {
        let r = resolve(catalog, scenario, config);
        match cause.kind {
            CauseKind::Rule => r.rules.contains(&RuleId(cause.item)),
            CauseKind::Step => r.steps.contains(&cause.item),
            CauseKind::Finding => r.findings.contains(&cause.item),
        }
    })
}

/// What to do about a match, in words: for a rule, the traffic to allow (direction, protocol,
/// ports, the two ends as the configuration names them, the service tag) and its purpose; for a
/// step or a finding, its text.
pub fn fix(catalog: &Rc<Catalog>, m: &Match) -> String {
    let (_, text, _) = m.cause.item_text(catalog);
    if m.cause.kind != CauseKind::Rule {
        return text.to_string();
    }
    let rule = &catalog.rules[m.cause.item];
    let r = resolve(catalog, m.scenario, &m.config);
    let ports: Vec<String> = rule.ports.iter().map(|p| p.to_string()).collect();
    let (from, to) = (r.fill(&rule.source), r.fill(&rule.destination));
    let traffic = format!("{} {}", rule.protocol.id(), ports.join(", "));
    if rule.direction == crate::model::Direction::Private {
        return format!("let {from} reach {to} privately ({traffic}). {text}");
    }
    let tag = rule.service_tag.as_ref().map(|t| format!(" ({t})")).unwrap_or_default();
    format!("allow {} {traffic} from {from} to {to}{tag}. {text}", rule.direction.id())
}
