//! Rule files a reader hands the widget (pasted text, dropped or chosen files), with the region
//! and template parameters they typed, read into one prepared [`Checker`].
//!
//! The same readers and checker as `vnet-flows check`; only the inputs arrive as text rather than
//! as paths and flags, so every problem with them becomes a [`ReadError`] the panel lists, and
//! the files that could be read are still checked.

use super::model::{Cidr, ReadError, RuleSet};
use super::read::{ReadOptions, read};
use super::verify::{CheckOptions, Checker};
use crate::config::quote;
use crate::model::Catalog;

/// One file as the reader gave it: pasted text is named `pasted`.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
}

/// What the reader asks the widget to check.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesInput {
    pub files: Vec<RuleFile>,
    /// The workspace's region (`westeurope`, `West Europe`); blank when not given.
    pub region: String,
    /// Template parameters, one `NAME=VALUE` per line; blank lines and `#` comments are skipped.
    pub params: String,
    /// The VNet's address space (`10.0.0.0/16`, several separated by spaces or commas), as
    /// `check --vnet` takes it: addresses in it are the VNet's; blank when not given.
    pub vnet: String,
    /// Files that could not be read as text (too large, refused by the browser): listed with
    /// the rest of the problems.
    pub unread: Vec<ReadError>,
}

/// The name the parameters' problems are filed under.
pub const PARAMS: &str = "parameters";

/// The name the address space's problems are filed under.
pub const VNET: &str = "VNet address space";

/// The most files read at once.
pub const MAX_FILES: usize = 20;

impl RulesInput {
    /// The parameters as pairs, and a problem for every line that is not `NAME=VALUE`.
    pub fn params(&self) -> (Vec<(String, String)>, Vec<ReadError>) {
        let mut pairs = Vec::new();
        let mut errors = Vec::new();
        for (n, line) in self.params.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() => {
                    pairs.push((name.trim().to_string(), value.trim().to_string()))
                }
                _ => errors.push(ReadError {
                    file: PARAMS.into(),
                    at: format!("line {}", n + 1),
                    message: format!("`{}` is not NAME=VALUE, so it was left out", quote(line)),
                }),
            }
        }
        (pairs, errors)
    }

    /// The address space's prefixes, and a problem for each word that is not one.
    pub fn vnet(&self) -> (Vec<Cidr>, Vec<ReadError>) {
        let mut prefixes = Vec::new();
        let mut errors = Vec::new();
        for word in self.vnet.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()) {
            match Cidr::parse(word) {
                Some(prefix) => prefixes.push(prefix),
                None => errors.push(ReadError {
                    file: VNET.into(),
                    at: String::new(),
                    message: format!("`{}` is not an IPv4 prefix such as 10.0.0.0/16, so it was left out", quote(word)),
                }),
            }
        }
        (prefixes, errors)
    }

    /// The region, trimmed, or `None` when blank.
    pub fn region(&self) -> Option<String> {
        Some(self.region.trim().to_string()).filter(|r| !r.is_empty())
    }

    /// Reads every file and prepares the checker. Never fails: what cannot be read is listed in
    /// the rule set's errors, and the rest is checked.
    pub fn load(&self, catalog: &Catalog) -> Checker {
        let (params, mut errors) = self.params();
        let (vnet, mut vnet_errors) = self.vnet();
        errors.append(&mut vnet_errors);
        let region = self.region();
        let options = ReadOptions { params, region: region.clone() };
        let mut set = RuleSet::default();
        for file in self.files.iter().take(MAX_FILES) {
            set.extend(read(&file.name, &file.text, &options));
        }
        if self.files.len() > MAX_FILES {
            errors.push(ReadError {
                file: self.files[MAX_FILES].name.clone(),
                at: String::new(),
                message: format!("only the first {MAX_FILES} files are read; this one and the rest were left out"),
            });
        }
        set.errors.extend(self.unread.iter().cloned());
        set.errors.append(&mut errors);
        Checker::new(catalog, set, &CheckOptions { region, vnet, subnets: Vec::new() })
    }
}
