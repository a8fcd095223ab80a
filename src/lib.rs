//! vnet-flows explains which network traffic an Azure Machine Learning workspace needs when it is
//! secured in an Azure Virtual Network.
//!
//! The crate is layered, and dependencies only point down this list:
//!
//! - [`model`]: the vocabulary (zones, nodes, scenarios, rules, steps, flows, findings) as plain
//!   Rust types, with [`condition`] and [`config`] for the configuration keys;
//! - [`data`]: reads the human-editable TOML data file into a validated [`model::Catalog`],
//!   reporting every problem at once with its location; [`check`] adds the consistency checks
//!   that need resolution (every crossing hop admitted by a rule, every rule used by a flow);
//! - [`resolve`]: one pure function from (scenario, configuration) to the flows, rules, steps and
//!   findings that apply;
//! - [`export`]: Markdown, CSV and JSON renderings of a resolution;
//! - [`cli`]: the `vnet-flows` command line;
//! - [`scene`] and [`paint`]: the diagram as data (layout, frames, hit testing) and its painting
//!   through plotters on any backend; [`link`]: the shareable state in the URL hash;
//! - `web` (wasm32 only): the Yew widget.
//!
//! Only `web` names a browser crate: everything else is tested natively with `cargo test`.

pub mod check;
pub mod cli;
pub mod condition;
pub mod config;
pub mod data;
pub mod export;
pub mod link;
pub mod model;
pub mod paint;
pub mod resolve;
pub mod scene;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// The shipped data file, embedded at build time.
pub const AML_DATA: &str = include_str!("../data/aml.toml");

/// Loads and validates the shipped data.
///
/// The shipped data is checked by the test suite for every configuration, so an error here means
/// the binary was built from a data file that failed its tests; callers still get the errors as
/// values rather than a panic.
pub fn shipped_catalog() -> Result<model::Catalog, Vec<data::DataError>> {
    data::load(AML_DATA)
}
