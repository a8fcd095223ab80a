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
//! - [`symptoms`]: from a pasted error message to the rules, steps and findings whose symptoms
//!   it matches, and a configuration in which each arises (`vnet-flows why`);
//! - [`export`]: Markdown, CSV and JSON renderings of a resolution;
//! - [`ruleset`]: rules as code: Azure NSGs and firewalls as a model, readers of ARM, az and
//!   Terraform files, the check of a configuration's flows against them, and the export of the
//!   rules a configuration needs;
//! - [`cli`]: the `vnet-flows` command line;
//! - [`scene`] and [`paint`]: the diagram as data (layout, frames, hit testing) and its painting
//!   through plotters on any backend; [`link`]: the shareable state in the URL hash; [`host`]:
//!   what a host page's attributes say (theme, heading level);
//! - [`state`]: the widget's state and its one reducer, pure;
//! - `web` (wasm32 only): the Yew widget.
//!
//! Only `web` names a browser crate: everything else is tested natively with `cargo test`.

pub mod check;
pub mod checked;
pub mod cli;
pub mod condition;
pub mod config;
pub mod data;
pub mod export;
pub mod host;
pub mod link;
pub mod model;
pub mod paint;
pub mod resolve;
pub mod ruleset;
pub mod scene;
pub mod state;
pub mod symptoms;
#[doc(hidden)]
pub mod testing;
pub mod theme;
#[cfg(target_arch = "wasm32")]
pub mod web;

/// The shipped data file's text, for tests and tools that read it as a data file. The binaries
/// use [`shipped_catalog`], which does not parse it.
pub const AML_DATA: &str = include_str!("../data/aml.toml");

/// The shipped data, loaded and validated from `data/aml.toml` by `build.rs` and encoded with
/// postcard.
const AML_CATALOG: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/aml.catalog"));

/// Decodes the shipped data (validated when it was built).
///
/// The test suite also checks it in every configuration. Decoding fails only if the binary and
/// its encoded data disagree, which is a build problem; callers still get it as an error value
/// rather than a panic.
pub fn shipped_catalog() -> Result<std::rc::Rc<model::Catalog>, Vec<data::DataError>> {
    postcard::from_bytes(AML_CATALOG).map(std::rc::Rc::new).map_err(|e| {
        vec![data::DataError {
            line: None,
            location: "the built-in data".into(),
            message: format!("it could not be decoded ({e}); rebuild the binary"),
        }]
    })
}
