//! Readers of rule sets from outside files: ARM templates, Azure CLI output and Terraform JSON.
//!
//! [`read`] detects the format from the content and never panics: every problem becomes a
//! [`ReadError`] with the file and a JSON pointer, and the rest of the file is still read.

use super::model::{ReadError, RuleSet};

/// What a reader needs besides the text: template parameters and the region being checked.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--param NAME=VALUE`, over a template's default values.
    pub params: Vec<(String, String)>,
    /// `--region`; `resourceGroup().location` evaluates to it.
    pub region: Option<String>,
}

/// The largest file read.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Reads one file's rules.
pub fn read(file: &str, _text: &str, _options: &ReadOptions) -> RuleSet {
    RuleSet {
        errors: vec![ReadError { file: file.into(), at: String::new(), message: "not read yet".into() }],
        ..RuleSet::default()
    }
}
