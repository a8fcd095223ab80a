//! A reader's configuration: one value for every key of the catalog.
//!
//! Keys a scenario does not use keep their defaults, so conditions can be evaluated without
//! asking whether a key is present. Parsing `key=value` settings checks them against the
//! scenario and says what the valid choices are.

use crate::model::{Catalog, KeyId, Scenario};

/// Value indices, one per key of the catalog, in catalog order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    values: Vec<u8>,
}

/// A setting that could not be applied, with the choices that would have been valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
}

/// The most characters a message quotes of one thing it was given.
const QUOTE_CHARS: usize = 40;

/// What a message quotes of `text` it was given: at most `QUOTE_CHARS` characters, then `…`,
/// so a hostile or mistaken value cannot make a message of any length.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Config {
    /// Builds a configuration from raw value indices, one per key in catalog order; for tests.
    pub fn from_values(values: Vec<usize>) -> Config {
        Config { values: values.into_iter().map(|v| v as u8).collect() }
    }

    /// The scenario's defaults and fixed values, and every other key's own default.
    pub fn defaults(catalog: &Catalog, scenario: &Scenario) -> Config {
        let mut values: Vec<u8> = catalog.keys.iter().map(|k| k.default as u8).collect();
        for &(key, value) in &scenario.fixed {
            values[key.0] = value as u8;
        }
        for sk in &scenario.keys {
            values[sk.key.0] = sk.default as u8;
        }
        Config { values }
    }

    /// `scenario`'s defaults, with the values this configuration has for the keys the scenario
    /// shares with it, where the scenario allows them: what the reader keeps when switching.
    pub fn carried_over(&self, catalog: &Catalog, scenario: &Scenario) -> Config {
        let mut config = Config::defaults(catalog, scenario);
        for sk in &scenario.keys {
            let value = self.value(sk.key);
            if sk.values.contains(&value) {
                config.values[sk.key.0] = value as u8;
            }
        }
        config
    }

    /// Whether this is a configuration of `scenario`: a value for every key of the catalog, each
    /// of the scenario's keys at a value it offers, its fixed keys at their values.
    pub fn fits(&self, catalog: &Catalog, scenario: &Scenario) -> bool {
        self.values.len() == catalog.keys.len()
            && scenario.keys.iter().all(|sk| sk.values.contains(&self.value(sk.key)))
            && scenario.fixed.iter().all(|&(key, value)| self.value(key) == value)
    }

    /// The value index of the key at `key`.
    pub fn value(&self, key: KeyId) -> usize {
        self.values[key.0] as usize
    }

    /// The value of the key at `key`, as text.
    pub fn value_id<'c>(&self, catalog: &'c Catalog, key: KeyId) -> &'c str {
        &catalog.keys[key].values[self.value(key)]
    }

    /// Sets `key` to its value number `value`, if the scenario offers that value; whether it did.
    pub fn set_value(&mut self, scenario: &Scenario, key: KeyId, value: usize) -> bool {
        let offered = scenario.keys.iter().any(|sk| sk.key == key && sk.values.contains(&value));
        if offered {
            self.values[key.0] = value as u8;
        }
        offered
    }

    /// Applies one `key=value` setting, checked against the scenario's keys and values.
    pub fn set(&mut self, catalog: &Catalog, scenario: &Scenario, setting: &str) -> Result<(), ConfigError> {
        let scenario_keys =
            || scenario.keys.iter().map(|sk| catalog.keys[sk.key].id.as_str()).collect::<Vec<_>>().join(", ");
        let Some((name, value)) = setting.split_once('=') else {
            return Err(ConfigError {
                message: format!(
                    "setting `{}` is not key=value; keys of {}: {}",
                    quote(setting),
                    scenario.id,
                    scenario_keys()
                ),
            });
        };
        // Spaces are not trimmed: ` on` is not `on`, and the notice says so.
        let Some(sk) = scenario.keys.iter().find(|sk| catalog.keys[sk.key].id == name) else {
            let what = if catalog.key_index(name).is_some() { "does not apply to" } else { "is not a key of" };
            return Err(ConfigError {
                message: format!("`{}` {what} scenario {}; its keys: {}", quote(name), scenario.id, scenario_keys()),
            });
        };
        let key = &catalog.keys[sk.key];
        match sk.values.iter().find(|&&v| key.values[v] == value) {
            Some(&v) => {
                self.values[sk.key.0] = v as u8;
                Ok(())
            }
            None => {
                let valid: Vec<&str> = sk.values.iter().map(|&v| key.values[v].as_str()).collect();
                Err(ConfigError {
                    message: format!("`{}` is not a value of {name}; valid values: {}", quote(value), valid.join(", ")),
                })
            }
        }
    }

    /// Applies several settings; all errors are returned together.
    pub fn with_settings<'s>(
        catalog: &Catalog,
        scenario: &Scenario,
        settings: impl IntoIterator<Item = &'s str>,
    ) -> Result<Config, Vec<ConfigError>> {
        let mut config = Config::defaults(catalog, scenario);
        let errors: Vec<ConfigError> =
            settings.into_iter().filter_map(|s| config.set(catalog, scenario, s).err()).collect();
        if errors.is_empty() { Ok(config) } else { Err(errors) }
    }

    /// Every combination of the values of the scenario's keys (other keys at their defaults).
    pub fn combinations(catalog: &Catalog, scenario: &Scenario) -> Vec<Config> {
        let keys: Vec<KeyId> = scenario.keys.iter().map(|sk| sk.key).collect();
        Config::combinations_over(catalog, scenario, &keys)
    }

    /// Every combination of the values of the scenario's keys among `keys` (catalog indices),
    /// the scenario's other keys at their defaults.
    pub fn combinations_over(catalog: &Catalog, scenario: &Scenario, keys: &[KeyId]) -> Vec<Config> {
        let mut all = vec![Config::defaults(catalog, scenario)];
        for sk in scenario.keys.iter().filter(|sk| keys.contains(&sk.key)) {
            all = all
                .into_iter()
                .flat_map(|c| {
                    sk.values.iter().map(move |&v| {
                        let mut c = c.clone();
                        c.values[sk.key.0] = v as u8;
                        c
                    })
                })
                .collect();
        }
        all
    }

    /// The scenario's keys with their values, in the scenario's order.
    pub fn pairs<'c>(&self, catalog: &'c Catalog, scenario: &Scenario) -> Vec<(&'c str, &'c str)> {
        scenario.keys.iter().map(|sk| (catalog.keys[sk.key].id.as_str(), self.value_id(catalog, sk.key))).collect()
    }

    /// The scenario's keys whose values differ from its defaults, with their values: what a
    /// reader has to set, starting from the defaults.
    pub fn changed<'c>(&self, catalog: &'c Catalog, scenario: &Scenario) -> Vec<(&'c str, &'c str)> {
        let keys = scenario.keys.iter().filter(|sk| self.value(sk.key) != sk.default);
        keys.map(|sk| (catalog.keys[sk.key].id.as_str(), self.value_id(catalog, sk.key))).collect()
    }

    /// `key=value` pairs joined by spaces, for messages.
    pub fn summary(&self, catalog: &Catalog, scenario: &Scenario) -> String {
        let pairs: Vec<String> = self.pairs(catalog, scenario).iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.join(" ")
    }
}
