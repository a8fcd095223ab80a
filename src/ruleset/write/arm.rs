//! ARM JSON: the shapes of `shape` as pretty JSON. A string holding the region marker becomes a
//! template expression, `[format('Storage.{0}', parameters('location'))]`; a plain string that
//! ARM would take for an expression (`[...]`) gets the doubled opening bracket that keeps it text.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::shape::{self, Node};
use crate::ruleset::plan::{FirewallFix, FirewallSpec, Located, NsgSpec, Plan};

/// A node serialized with ARM's spelling of strings.
struct Arm<'a>(&'a Node);

impl Serialize for Arm<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Node::Str(text) => serializer.serialize_str(&literal(text)),
            Node::Loc(text) => serializer.serialize_str(&located(text)),
            Node::Int(n) => serializer.serialize_u64(*n),
            Node::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Arm(item))?;
                }
                seq.end()
            }
            Node::Obj(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, &Arm(value))?;
                }
                map.end()
            }
        }
    }
}

/// Plain text, kept from being read as an expression.
fn literal(text: &str) -> String {
    if text.starts_with('[') && text.ends_with(']') { format!("[{text}") } else { text.to_string() }
}

/// Text with the marker as `parameters('location')` in a `format()`.
pub(super) fn located(text: &Located) -> String {
    if !text.has_location() {
        return literal(&text.0);
    }
    let parts: Vec<String> = text.parts().iter().map(|p| format_literal(p)).collect();
    format!("[format('{}', parameters('location'))]", parts.join("{0}"))
}

/// A literal part of a `format()` string: quotes doubled for the expression's string, braces
/// doubled for `format()`.
fn format_literal(part: &str) -> String {
    part.replace('\'', "''").replace('{', "{{").replace('}', "}}")
}

fn pretty(node: &Node) -> String {
    // Serializing a tree of strings, numbers, lists and string-keyed maps cannot fail.
    let mut text = serde_json::to_string_pretty(&Arm(node)).unwrap_or_default();
    text.push('\n');
    text
}

pub(super) fn nsg_json(plan: &Plan) -> String {
    let rules = plan.nsg.iter().map(|r| shape::nsg_rule(r, None)).collect();
    pretty(&Node::Obj(vec![("securityRules", Node::List(rules))]))
}

pub(super) fn firewall_json(fw: &FirewallSpec) -> String {
    let group = vec![("name", Node::Str(fw.group.clone())), ("properties", shape::group_properties(fw, None))];
    pretty(&Node::Obj(group))
}

pub(super) fn nsg_fix(rule: &NsgSpec, region: Option<&str>) -> String {
    pretty(&shape::nsg_rule(rule, region))
}

pub(super) fn firewall_fix(fix: &FirewallFix, region: Option<&str>) -> String {
    let rule = shape::firewall_rule(&fix.rule, region);
    pretty(&shape::collection(&fix.collection, fix.priority, vec![rule]))
}
