//! The integration tests, in one binary (as ripgrep does) so they link once.
//!
//! - `cli`: the `vnet-flows` command line, driven in process and once as a real process;
//! - `validation`: broken data files and the messages and lines they produce;
//! - `shipped`: the shipped data, consistent in every configuration of every scenario;
//! - `toggles`: configuration keys do what the docs say;
//! - `scene`: the diagram's layout, frames and hit testing on every configuration, and SVG painting;
//! - `snapshots`: the Markdown table of each scenario in its default configuration;
//! - `state`: the widget's reducer, every action and the interleavings of reader, player and host;
//! - `tidy`: project-wide rules about the source tree itself;
//! - `why`: the symptom matcher and `vnet-flows why` (own texts, fragments, noisy pastes,
//!   unrelated text, JSON shape, exit codes, fuzzed queries).

mod cli;
mod fuzz;
mod rule_files;
mod rules;
mod scene;
mod shipped;
mod snapshots;
mod state;
mod tidy;
mod toggles;
mod validation;
mod why;

use std::rc::Rc;

use vnet_flows::config::Config;
use vnet_flows::model::Catalog;
use vnet_flows::resolve::{Resolution, resolve};

/// The shipped catalog; the tests fail here, with every problem listed, if it does not load.
pub fn catalog() -> Rc<Catalog> {
    match vnet_flows::shipped_catalog() {
        Ok(c) => c,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("the shipped data does not load:\n{}", list.join("\n"))
        }
    }
}

/// Resolves `scenario` with `settings` (`key=value`) on top of its defaults.
pub fn resolve_with(catalog: &Rc<Catalog>, scenario: &str, settings: &[&str]) -> Resolution {
    let id = catalog.scenario_id(scenario).unwrap_or_else(|| panic!("no scenario {scenario}"));
    let config = Config::with_settings(catalog, &catalog.scenarios[id], settings.iter().copied())
        .unwrap_or_else(|e| panic!("bad settings {settings:?}: {e:?}"));
    resolve(catalog, id, &config)
}
