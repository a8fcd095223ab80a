//! Readers of rule sets from outside files: ARM templates, Azure CLI output and Terraform JSON.
//!
//! [`read`] checks the size, parses the JSON, tells the format from the content and hands the
//! document to `arm`, `az` or `terraform`. It never panics: every problem becomes a
//! [`ReadError`] with the file and a JSON pointer, and the rest of the file is still read.

mod arm;
mod az;
mod expr;
mod json;
mod terraform;

use super::model::{Format, NsgDirection, ReadError, RuleSet};
use expr::Scope;
use json::{Node, Reader};
use serde_json::Value;

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

/// The inputs this module reads, for messages about files it cannot.
const KNOWN_FORMATS: &str = "an ARM template (or the NSG JSON `vnet-flows export` writes), \
    `az network nsg show|list`, `az network nsg rule list`, \
    `az network firewall policy rule-collection-group show|list`, `az network firewall show`, \
    or `terraform show -json`";

/// Reads one file's rules.
pub fn read(file: &str, text: &str, options: &ReadOptions) -> RuleSet {
    if text.len() > MAX_BYTES {
        let message = format!("the file has {} bytes, more than the {MAX_BYTES} bytes read", text.len());
        return only_error(file, String::new(), message);
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return only_error(file, format!("line {}, column {}", e.line(), e.column()), not_json(&e)),
    };
    let mut reader = read_value(file, &value, options);
    duplicate_priorities(&mut reader);
    let mut seen = std::collections::HashSet::new();
    reader.out.notes.retain(|note| seen.insert(note.clone()));
    reader.out
}

fn only_error(file: &str, at: String, message: String) -> RuleSet {
    RuleSet { errors: vec![ReadError { file: file.to_string(), at, message }], ..RuleSet::default() }
}

fn not_json(e: &serde_json::Error) -> String {
    if e.to_string().contains("recursion limit") {
        return "the JSON is nested deeper than 128 levels, which is not read".into();
    }
    format!("this is not JSON ({e}); the files read are {KNOWN_FORMATS}")
}

/// The shape of a whole document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Terraform,
    Template,
    /// One ARM resource (`type` and `properties`), or the export's `{"securityRules": [...]}`.
    Resource,
    /// One az object, or a list of them.
    Az,
    /// An object the readers know as an ARM shape but az also prints (an NSG, an rcg).
    ArmObject(az::AzShape),
    Unknown,
}

fn detect(value: &Value) -> Shape {
    let root = Node::root(value);
    let has = |key: &str| root.key(key).is_some();
    if value.is_array() {
        return Shape::Az;
    }
    if has("format_version") && (has("values") || has("planned_values")) {
        return Shape::Terraform;
    }
    let schema = root.plain("$schema").unwrap_or_default().to_ascii_lowercase();
    let resources = root.key("resources").is_some_and(|r| r.value.is_array() || r.value.is_object());
    if schema.contains("deploymenttemplate") || resources {
        return Shape::Template;
    }
    let wrapped = root.key("properties").is_some_and(|p| p.value.is_object());
    if wrapped && root.plain("type").is_some_and(|t| t.contains('/')) {
        return Shape::Resource;
    }
    match az::shape(&root) {
        Some(shape) if wrapped => Shape::ArmObject(shape),
        Some(az::AzShape::Nsg) if !has("defaultSecurityRules") && !has("type") => Shape::ArmObject(az::AzShape::Nsg),
        Some(_) => Shape::Az,
        None => Shape::Unknown,
    }
}

/// The stem of a file's name, for an NSG the file does not name.
fn stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn read_value(file: &str, value: &Value, options: &ReadOptions) -> Reader {
    let root = Node::root(value);
    let fallback = stem(file);
    match detect(value) {
        Shape::Terraform => {
            let mut r = Reader::new(file, Format::Terraform);
            terraform::read(&mut r, &root);
            r
        }
        Shape::Template | Shape::Resource => {
            let mut r = Reader::new(file, Format::Arm);
            let given = options.params.iter().map(|(k, v)| (k.clone(), Scope::given_text(v))).collect();
            let scope = Scope::template(value, given, options.region.clone());
            match detect(value) {
                Shape::Template => arm::template(&mut r, &root, scope),
                _ => arm::single(&mut r, &root, scope),
            }
            r
        }
        Shape::ArmObject(shape) => {
            let mut r = Reader::new(file, Format::Arm);
            az::read(&mut r, &root, shape, fallback);
            r
        }
        Shape::Az => read_az(file, &root, fallback),
        Shape::Unknown => {
            let mut r = Reader::new(file, Format::Arm);
            r.error("", format!("this JSON is none of the shapes read, which are {KNOWN_FORMATS}"));
            r
        }
    }
}

/// Az output: one object, or a list of NSGs, NSG rules, rule collection groups or firewalls.
fn read_az(file: &str, root: &Node, fallback: &str) -> Reader {
    let mut r = Reader::new(file, Format::AzCli);
    let objects = if root.value.is_array() { root.items() } else { vec![root.clone()] };
    if objects.is_empty() {
        r.note(format!("{file} holds an empty list"));
    }
    for object in objects {
        match az::shape(&object) {
            Some(shape) => az::read(&mut r, &object, shape, fallback),
            None => _ = r.error(&object.pointer, format!("this entry is not an NSG, an NSG rule, a rule collection group or a firewall; the files read are {KNOWN_FORMATS}")),
        }
    }
    r
}

/// Reports a second rule with the priority of an earlier one in the same direction of an NSG.
fn duplicate_priorities(r: &mut Reader) {
    let mut found = Vec::new();
    for nsg in &r.out.nsgs {
        let mut seen: Vec<(NsgDirection, u16, &str)> = Vec::new();
        for rule in &nsg.rules {
            match seen.iter().find(|(d, p, _)| *d == rule.direction && *p == rule.priority) {
                Some((_, _, first)) => found.push((rule.origin.pointer.clone(), format!(
                    "NSG `{}`: rule `{}` has priority {} like rule `{first}` in the {} direction; Azure refuses this",
                    nsg.name, rule.name, rule.priority, rule.direction.id()
                ))),
                None => seen.push((rule.direction, rule.priority, &rule.name)),
            }
        }
    }
    for (pointer, message) in found {
        r.error(&pointer, message);
    }
}
