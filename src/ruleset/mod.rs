//! Rules as code: Azure's network security groups and firewalls as a pure model, readers of
//! the files administrators already have, a check of every flow of a configuration against them,
//! and an export of the rules a configuration needs.
//!
//! - `model`: rule sets as data (NSG rules, firewall collections, subnets, where each was read);
//! - `read`: ARM templates, Azure CLI output and Terraform JSON into a `RuleSet`;
//! - `plan` and `write`: the rules a configuration needs, and their files.
//!
//! Like the rest of the model, nothing here names a web crate or does IO.

pub mod eval;
pub mod export;
pub mod index;
pub mod legs;
pub mod markdown;
pub mod model;
pub mod party;
pub mod pasted;
pub mod plan;
pub mod read;
pub mod report;
pub mod verify;
pub mod write;
