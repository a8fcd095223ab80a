//! Conditions: the `when` strings of the data file, such as
//! `compute_public_ip=on & egress=firewall|nat-gateway` or `workspace_pe=on or dependencies=private-endpoint`.
//!
//! A condition is a disjunction (`or`) of conjunctions (`&`) of clauses; each clause allows a set
//! of values of one key. `&` binds tighter than `or`. Parsing checks names against the catalog's
//! keys, so evaluation cannot fail.

use crate::config::Config;
use crate::model::{Key, KeyId};
use serde::{Deserialize, Serialize};

/// One clause: the key at index `key` must have one of the values whose bit is set in `allowed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub key: KeyId,
    pub allowed: u64,
}

/// A parsed `when` string: it holds when all clauses of any one alternative hold. The empty
/// condition (no alternatives) holds always.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub alternatives: Vec<Vec<Clause>>,
}

impl Condition {
    /// Parses `text` against `keys`. Every problem is reported, not just the first.
    pub fn parse(text: &str, keys: &[Key]) -> Result<Condition, Vec<String>> {
        let mut errors = Vec::new();
        if text.trim().is_empty() {
            return Ok(Condition::default());
        }
        let alternatives = text
            .split(" or ")
            .map(|alternative| {
                if alternative.trim().is_empty() {
                    errors.push(format!("`{}` has an `or` with nothing on one side", text.trim()));
                }
                alternative.split('&').filter_map(|raw| clause(raw.trim(), keys, &mut errors)).collect::<Vec<_>>()
            })
            .collect();
        if errors.is_empty() { Ok(Condition { alternatives }) } else { Err(errors) }
    }

    pub fn holds(&self, config: &Config) -> bool {
        self.alternatives.is_empty()
            || self.alternatives.iter().any(|all| all.iter().all(|c| c.allowed & (1 << config.value(c.key)) != 0))
    }

    /// The keys this condition names (a key may repeat).
    pub fn keys(&self) -> impl Iterator<Item = KeyId> + '_ {
        self.alternatives.iter().flatten().map(|c| c.key)
    }

    /// A readable rendering that names keys as the configuration panel and links do:
    /// `Always`, or `When egress is firewall or nat-gateway and compute_public_ip is on`.
    pub fn describe(&self, keys: &[Key]) -> String {
        if self.alternatives.is_empty() {
            return "Always".to_string();
        }
        let alternatives: Vec<String> = self
            .alternatives
            .iter()
            .map(|clauses| {
                let parts: Vec<String> = clauses
                    .iter()
                    .map(|c| {
                        let key = &keys[c.key];
                        let values: Vec<&str> = key
                            .values
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| c.allowed & (1 << i) != 0)
                            .map(|(_, v)| v.as_str())
                            .collect();
                        format!("{} is {}", key.id, values.join(" or "))
                    })
                    .collect();
                parts.join(" and ")
            })
            .collect();
        format!("When {}", alternatives.join("; or when "))
    }
}

/// Parses one `key=a|b` or `key!=a|b` clause, reporting problems into `errors`.
fn clause(raw: &str, keys: &[Key], errors: &mut Vec<String>) -> Option<Clause> {
    let (name, negated, values) = if let Some((k, v)) = raw.split_once("!=") {
        (k.trim(), true, v)
    } else if let Some((k, v)) = raw.split_once('=') {
        (k.trim(), false, v)
    } else {
        errors.push(format!("clause `{raw}` is not `key=value` or `key!=value`"));
        return None;
    };
    let Some(index) = keys.iter().position(|k| k.id == name) else {
        let known: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
        errors.push(format!("unknown key `{name}` (keys: {})", known.join(", ")));
        return None;
    };
    let key = &keys[index];
    let mut mask = 0u64;
    for value in values.split('|').map(str::trim) {
        match key.values.iter().position(|v| v == value) {
            // A key with more than 64 values is reported by the loader; ignore the excess here.
            Some(i) => mask |= 1u64.checked_shl(i as u32).unwrap_or(0),
            None => {
                errors.push(format!("unknown value `{value}` for key `{name}` (values: {})", key.values.join(", ")))
            }
        }
    }
    if negated {
        let all = u64::MAX.checked_shr(64 - key.values.len().min(64) as u32).unwrap_or(0);
        mask = !mask & all;
    }
    Some(Clause { key: KeyId(index), allowed: mask })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Key> {
        let key = |id: &str, values: &[&str]| Key {
            id: id.to_string(),
            label: id.to_string(),
            explain: String::new(),
            values: values.iter().map(|v| v.to_string()).collect(),
            labels: values.iter().map(|v| v.to_string()).collect(),
            default: 0,
        };
        vec![key("egress", &["default", "firewall", "nat-gateway"]), key("pip", &["on", "off"])]
    }

    #[test]
    fn parses_and_evaluates() {
        let keys = keys();
        let c = Condition::parse("pip=on & egress=firewall|nat-gateway", &keys).unwrap();
        let config = |e, p| Config::from_values(vec![e, p]);
        assert!(c.holds(&config(1, 0)));
        assert!(c.holds(&config(2, 0)));
        assert!(!c.holds(&config(0, 0)));
        assert!(!c.holds(&config(1, 1)));
        let n = Condition::parse("egress!=default", &keys).unwrap();
        assert!(n.holds(&config(1, 1)) && !n.holds(&config(0, 1)));
        assert_eq!(Condition::parse("  ", &keys).unwrap(), Condition::default());
        let either = Condition::parse("pip=on & egress=default or egress=nat-gateway", &keys).unwrap();
        assert!(either.holds(&config(0, 0)) && either.holds(&config(2, 1)));
        assert!(!either.holds(&config(0, 1)) && !either.holds(&config(1, 0)));
    }

    #[test]
    fn reports_every_problem() {
        let errors = Condition::parse("pip=maybe & colour=red & egress", &keys()).unwrap_err();
        assert_eq!(
            errors,
            [
                "unknown value `maybe` for key `pip` (values: on, off)",
                "unknown key `colour` (keys: egress, pip)",
                "clause `egress` is not `key=value` or `key!=value`",
            ]
        );
    }

    #[test]
    fn an_empty_alternative_is_an_error() {
        assert_eq!(
            Condition::parse("pip=on or  ", &keys()).unwrap_err(),
            ["`pip=on or` has an `or` with nothing on one side", "clause `` is not `key=value` or `key!=value`"]
        );
    }

    #[test]
    fn describes_itself() {
        let keys = keys();
        let c = Condition::parse("egress=firewall|nat-gateway & pip!=off", &keys).unwrap();
        assert_eq!(c.describe(&keys), "When egress is firewall or nat-gateway and pip is on");
        let c = Condition::parse("pip=on or egress=default", &keys).unwrap();
        assert_eq!(c.describe(&keys), "When pip is on; or when egress is default");
    }
}
