//! The shareable state in the page's URL hash: scenario, every key and the current step.
//!
//! The widget writes its entries as `vf.scenario=compute&vf.compute_public_ip=on&vf.step=3`
//! and leaves every other `&`-separated part of the hash as it found it, so a page that uses
//! the hash for its own anchors keeps working. Reading never fails: anything the widget does not
//! recognise is returned as a notice that says what was ignored and why.

use crate::config::{Config, quote};
use crate::model::{Catalog, ScenarioId};

const PREFIX: &str = "vf.";
/// The most notices shown at once; the rest are counted.
const MAX_NOTICES: usize = 5;

/// The widget's entries in a hash, and everything else in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub scenario: Option<String>,
    /// `key=value` pairs other than `scenario` and `step`, in order.
    pub settings: Vec<(String, String)>,
    /// 1-based, as readers count steps.
    pub step: Option<String>,
    /// Parts of the hash that belong to the page, in order.
    pub others: Vec<String>,
}

/// What a link means for one catalog: a scenario, a configuration, a step (0-based), and what
/// had to be ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub scenario: ScenarioId,
    pub config: Config,
    pub step: usize,
    pub notices: Vec<String>,
}

/// Splits a hash (with or without its leading `#`) into the widget's entries and the rest.
pub fn parse(hash: &str) -> Link {
    let mut link = Link::default();
    // Only the hash's own `#` goes: a page anchor may start with one too (`##notes`).
    for part in hash.strip_prefix('#').unwrap_or(hash).split('&').filter(|p| !p.is_empty()) {
        let Some(entry) = part.strip_prefix(PREFIX) else {
            link.others.push(part.to_string());
            continue;
        };
        // Split before decoding, so an escaped `=` inside a value stays in the value.
        let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
        let (key, value) = (decode(key), decode(value));
        match key.as_str() {
            "scenario" => link.scenario = Some(value),
            "step" => link.step = Some(value),
            _ => link.settings.push((key, value)),
        }
    }
    link
}

/// Reads the `config` attribute of `<vnet-flows>`: `key=value` entries separated by spaces,
/// `&`, `,` or `;`, each optionally written as in the hash (`vf.key=value`). An entry without
/// `=` comes back with an empty value, so applying it reports it.
pub fn settings(text: &str) -> Vec<(String, String)> {
    text.split(|c: char| c.is_whitespace() || "&,;".contains(c))
        .filter(|part| !part.is_empty())
        .map(|part| {
            let entry = part.strip_prefix(PREFIX).unwrap_or(part);
            let (key, value) = entry.split_once('=').unwrap_or((entry, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Builds the hash for a state, keeping the page's own parts first.
pub fn format(others: &[String], scenario: &str, pairs: &[(&str, &str)], step: usize) -> String {
    let mut parts: Vec<String> = others.to_vec();
    parts.push(format!("{PREFIX}scenario={}", encode(scenario)));
    parts.extend(pairs.iter().map(|(k, v)| format!("{PREFIX}{}={}", encode(k), encode(v))));
    parts.push(format!("{PREFIX}step={}", step + 1));
    format!("#{}", parts.join("&"))
}

impl Link {
    /// Whether the link chooses a scenario or a setting (a step alone chooses neither).
    pub fn has_state(&self) -> bool {
        self.scenario.is_some() || !self.settings.is_empty()
    }

    /// Whether the link says anything to the widget: a scenario, a setting or a step.
    pub fn is_ours(&self) -> bool {
        self.has_state() || self.step.is_some()
    }

    /// Resolves the link against `catalog`, starting from `fallback` (a scenario index) when the
    /// link names no scenario or an unknown one. `steps(scenario, config)` says how many steps
    /// there are, so an out-of-range step can be reported.
    pub fn apply(
        &self,
        catalog: &Catalog,
        fallback: ScenarioId,
        steps: impl Fn(ScenarioId, &Config) -> usize,
    ) -> Applied {
        self.apply_over(catalog, fallback, None, steps)
    }

    /// As [`Link::apply`], but starting from `from` (the keys the scenario shares with it keep
    /// their values) rather than from the scenario's defaults.
    pub fn apply_over(
        &self,
        catalog: &Catalog,
        fallback: ScenarioId,
        from: Option<&Config>,
        steps: impl Fn(ScenarioId, &Config) -> usize,
    ) -> Applied {
        let mut notices = Vec::new();
        let scenario = match &self.scenario {
            None => fallback,
            Some(id) => catalog.scenario_id(id).unwrap_or_else(|| {
                let ids: Vec<&str> = catalog.scenarios.iter().map(|s| s.id.as_str()).collect();
                notices.push(format!("Ignored scenario `{}`: it is not one of {}.", quote(id), ids.join(", ")));
                fallback
            }),
        };
        let s = &catalog.scenarios[scenario];
        let mut config = match from {
            Some(from) => from.carried_over(catalog, s),
            None => Config::defaults(catalog, s),
        };
        for (key, value) in &self.settings {
            if let Err(e) = config.set(catalog, s, &format!("{key}={value}")) {
                notices.push(format!("Ignored `{}={}`: {e}.", quote(key), quote(value)));
            }
        }
        let count = steps(scenario, &config);
        let step = match &self.step {
            None => 0,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if n >= 1 && n <= count => n - 1,
                _ => {
                    notices.push(format!("Ignored step `{}`: this configuration has steps 1 to {count}.", quote(text)));
                    0
                }
            },
        };
        Applied { scenario, config, step, notices }
    }
}

/// At most `MAX_NOTICES` notices, the rest counted in a last one, so a link or a host call with
/// a thousand mistakes still gets a notice that fits on the screen.
pub fn cap(mut notices: Vec<String>) -> Vec<String> {
    if notices.len() > MAX_NOTICES {
        let more = notices.len() - (MAX_NOTICES - 1);
        notices.truncate(MAX_NOTICES - 1);
        notices.push(format!("And {more} more were ignored."));
    }
    notices
}

/// Decodes `%XX` escapes; malformed escapes stay as they are.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes what would break the hash apart.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~|".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_the_pages_own_parts() {
        let hash = format(&["setup".to_string()], "compute", &[("compute_public_ip", "on")], 2);
        assert_eq!(hash, "#setup&vf.scenario=compute&vf.compute_public_ip=on&vf.step=3");
        let link = parse(&hash);
        assert_eq!(link.others, vec!["setup"]);
        assert_eq!(link.scenario.as_deref(), Some("compute"));
        assert_eq!(link.settings, vec![("compute_public_ip".to_string(), "on".to_string())]);
        assert_eq!(link.step.as_deref(), Some("3"));
    }

    #[test]
    fn attribute_settings_accept_several_separators() {
        let pairs =
            |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        assert_eq!(
            settings(" compute_public_ip=on\n egress=firewall,vf.dns=custom-dns;cloud=usgov&x "),
            pairs(&[
                ("compute_public_ip", "on"),
                ("egress", "firewall"),
                ("dns", "custom-dns"),
                ("cloud", "usgov"),
                ("x", "")
            ])
        );
        assert!(settings("").is_empty() && settings(" ,;& ").is_empty());
    }

    #[test]
    fn mangled_hashes_do_not_panic() {
        for hash in ["", "#", "#&&&", "#vf.", "#vf.=x", "#vf.step=%", "#vf.step=%zz%4", "#vf.a=%FF%FE", "#é&vf.é=ü"]
        {
            let link = parse(hash);
            assert!(link.others.len() + link.settings.len() <= 3, "{hash}: {link:?}");
        }
        assert_eq!(parse("#vf.scenario=st%75dio").scenario.as_deref(), Some("studio"));
        let link = parse(&format(&[], "a=b", &[("k", "x=y&z")], 0));
        assert_eq!(link.scenario.as_deref(), Some("a=b"));
        assert_eq!(link.settings, vec![("k".to_string(), "x=y&z".to_string())]);
    }
}
