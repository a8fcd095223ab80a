//! Walking parsed JSON for the readers: a [`Node`] is a value with its JSON pointer, and a
//! [`Reader`] reads typed fields from nodes, records errors that carry the pointer, and
//! evaluates ARM expressions where the format has them.
//!
//! A field is looked up under the object's `properties` first and then on the object itself, so
//! the same code reads an ARM resource and the flat objects the Azure CLI prints.

use super::expr::{self, Scope, Unresolved, Val};
use crate::ruleset::model::{Address, Format, Origin, PortRange, ReadError, RuleSet};
use serde_json::Value;
use std::rc::Rc;

/// A JSON value and where it sits in the file.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub pointer: String,
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node { value, pointer: String::new() }
    }

    /// A member of this object, by its exact name or else ignoring case (ARM's names are not
    /// case-sensitive).
    pub fn key(&self, key: &str) -> Option<Node<'a>> {
        let (name, value) = member(self.value, key)?;
        Some(self.child(value, &[name]))
    }

    /// A field of a resource, under `properties` or flat; JSON `null` counts as absent. (Found
    /// first, so that a pointer is written only for the node returned: readers look up many
    /// fields that are not there.)
    pub fn field(&self, key: &str) -> Option<Node<'a>> {
        match self.find(key)? {
            (Some(properties), name, value) => Some(self.child(value, &[properties, name])),
            (None, name, value) => Some(self.child(value, &[name])),
        }
    }

    /// The value of a field, as [`Node::field`] finds it, without writing its pointer (most
    /// fields read cleanly; the pointer is made only for an error).
    pub fn field_value(&self, key: &str) -> Option<&'a Value> {
        self.find(key).map(|(_, _, value)| value)
    }

    /// Where a field is: the name of `properties` if it is under it, its own name, its value
    /// (JSON `null` counts as absent).
    fn find(&self, key: &str) -> Option<(Option<&'a str>, &'a str, &'a Value)> {
        let wrapped = member(self.value, "properties").and_then(|(p, v)| Some((p, member(v, key)?)));
        let found = match wrapped {
            Some((properties, (name, value))) => (Some(properties), name, value),
            None => member(self.value, key).map(|(name, value)| (None, name, value))?,
        };
        (!found.2.is_null()).then_some(found)
    }

    /// The pointer of a field [`Node::field_value`] found (the node's own when it is gone).
    fn field_pointer(&self, key: &str) -> String {
        self.field(key).map_or_else(|| self.pointer.clone(), |f| f.pointer)
    }

    /// A node below this one, `names` the keys on the way.
    fn child(&self, value: &'a Value, names: &[&str]) -> Node<'a> {
        let mut pointer = String::with_capacity(self.pointer.len() + names.iter().map(|n| n.len() + 1).sum::<usize>());
        pointer.push_str(&self.pointer);
        for name in names {
            pointer.push('/');
            push_escaped(&mut pointer, name);
        }
        Node { value, pointer }
    }

    /// The element at `index` of this array.
    fn element(&self, value: &'a Value, index: usize) -> Node<'a> {
        use std::fmt::Write;
        let mut pointer = String::with_capacity(self.pointer.len() + 6);
        pointer.push_str(&self.pointer);
        let _ = write!(pointer, "/{index}");
        Node { value, pointer }
    }

    /// Whether the object has the field, under `properties` or flat.
    pub fn has(&self, key: &str) -> bool {
        self.field_value(key).is_some()
    }

    /// The elements of an array (none for anything else).
    pub fn items(&self) -> Vec<Node<'a>> {
        match self.value.as_array() {
            Some(items) => items.iter().enumerate().map(|(i, value)| self.element(value, i)).collect(),
            None => Vec::new(),
        }
    }

    /// The members of an object, in the map's order (none for anything else).
    pub fn entries(&self) -> Vec<(&'a str, Node<'a>)> {
        match self.value.as_object() {
            Some(object) => object.iter().map(|(k, value)| (k.as_str(), self.child(value, &[k]))).collect(),
            None => Vec::new(),
        }
    }

    /// The elements of the field `key` when it is an array.
    pub fn list(&self, key: &str) -> Vec<Node<'a>> {
        self.field(key).map(|n| n.items()).unwrap_or_default()
    }

    pub fn str(&self) -> Option<&'a str> {
        self.value.as_str()
    }

    /// The field as a plain string, without evaluation (types, ids in az output).
    pub fn plain(&self, key: &str) -> Option<&'a str> {
        self.field(key).and_then(|n| n.value.as_str())
    }
}

/// A member of an object, by its exact name or else ignoring case, with the name it has.
fn member<'a>(value: &'a Value, key: &str) -> Option<(&'a str, &'a Value)> {
    let object = value.as_object()?;
    match object.get_key_value(key) {
        Some((name, value)) => Some((name.as_str(), value)),
        None => object.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)).map(|(n, v)| (n.as_str(), v)),
    }
}

/// Writes a key as a JSON pointer does (`~` and `/` escaped).
fn push_escaped(out: &mut String, key: &str) {
    let mut rest = key;
    // Both are ASCII, so a byte position is a char boundary.
    while let Some(at) = rest.bytes().position(|b| b == b'~' || b == b'/') {
        out.push_str(&rest[..at]);
        out.push_str(if rest.as_bytes()[at] == b'~' { "~0" } else { "~1" });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// The last `/`-separated segment of a name or resource id.
pub fn last_segment(text: &str) -> &str {
    text.trim_end_matches('/').rsplit('/').next().unwrap_or(text)
}

/// The segment after `kind/` in a resource id (`firewallPolicies/<name>/...`), ignoring case.
pub fn segment_after<'t>(id: &'t str, kind: &str) -> Option<&'t str> {
    let mut parts = id.split('/');
    parts.by_ref().find(|p| p.eq_ignore_ascii_case(kind))?;
    parts.next().filter(|p| !p.is_empty())
}

/// Marks that an error was recorded, so the caller skips the item without reporting again.
#[derive(Debug)]
pub struct Reported;

/// One entry of a list field: where it sits and its text (or why it has none).
pub struct Item {
    pub pointer: String,
    pub text: Result<String, Unresolved>,
}

/// Reads one file: where errors and notes go, the format, and the expression scope.
pub struct Reader {
    pub file: String,
    pub format: Format,
    pub out: RuleSet,
    pub scope: Rc<Scope>,
}

impl Reader {
    pub fn new(file: &str, format: Format) -> Reader {
        Reader { file: file.to_string(), format, out: RuleSet::default(), scope: Rc::new(Scope::literal()) }
    }

    pub fn error(&mut self, pointer: &str, message: impl Into<String>) -> Reported {
        self.out.errors.push(ReadError { file: self.file.clone(), at: pointer.to_string(), message: message.into() });
        Reported
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.out.notes.push(text.into());
    }

    pub fn origin(&self, node: &Node) -> Origin {
        Origin { file: self.file.clone(), pointer: node.pointer.clone() }
    }

    /// A node's value, with expressions evaluated where the format has them.
    pub fn eval(&mut self, node: &Node) -> Result<Val, Unresolved> {
        self.eval_value(node.value)
    }

    fn eval_value(&mut self, value: &Value) -> Result<Val, Unresolved> {
        let scope = Rc::clone(&self.scope);
        expr::evaluate_json(value, &scope, &mut self.out.notes)
    }

    /// A string field; an expression that does not evaluate, or another type, is an error.
    pub fn text(&mut self, node: &Node, key: &str) -> Result<Option<String>, Reported> {
        let Some(value) = node.field_value(key) else { return Ok(None) };
        match self.eval_value(value) {
            Ok(Val::Str(s)) => Ok(Some(s)),
            Ok(Val::Int(n)) => Ok(Some(n.to_string())),
            Ok(_) => Err(self.error(&node.field_pointer(key), format!("`{key}` should be a string"))),
            Err(unresolved) => Err(self.error(&node.field_pointer(key), unresolved.to_string())),
        }
    }

    /// A string field that must be there.
    pub fn required_text(&mut self, node: &Node, key: &str, what: &str) -> Result<String, Reported> {
        match self.text(node, key)? {
            Some(text) if !text.trim().is_empty() => Ok(text),
            _ => Err(self.error(&node.pointer, format!("{what} has no `{key}`"))),
        }
    }

    /// An integer field (a number, or a string of digits).
    pub fn number(&mut self, node: &Node, key: &str) -> Result<Option<i64>, Reported> {
        let Some(value) = node.field_value(key) else { return Ok(None) };
        match self.eval_value(value) {
            Ok(Val::Int(n)) => Ok(Some(n)),
            Ok(Val::Str(s)) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().ok()),
            Ok(_) => Err(self.error(&node.field_pointer(key), format!("`{key}` should be a whole number"))),
            Err(unresolved) => Err(self.error(&node.field_pointer(key), unresolved.to_string())),
        }
    }

    /// A priority in `low..=high`; missing or out of range is an error.
    pub fn priority(&mut self, node: &Node, key: &str, what: &str, low: i64, high: i64) -> Result<i64, Reported> {
        match self.number(node, key)? {
            Some(p) if (low..=high).contains(&p) => Ok(p),
            Some(p) => {
                let pointer = node.field(key).map(|f| f.pointer).unwrap_or_default();
                Err(self.error(&pointer, format!("{what} has priority {p}, outside {low} to {high}")))
            }
            None => Err(self.error(&node.pointer, format!("{what} has no `{key}`"))),
        }
    }

    /// The entries of several fields together (`sourceAddressPrefix` and
    /// `sourceAddressPrefixes`): strings, numbers, arrays of them, or expressions giving either.
    /// Empty strings are left out.
    pub fn items(&mut self, node: &Node, keys: &[&str]) -> Vec<Item> {
        let mut items = Vec::new();
        for key in keys {
            let Some(field) = node.field(key) else { continue };
            let entries = if field.value.is_array() { field.items() } else { vec![field] };
            for entry in entries {
                self.push_items(&entry, &mut items);
            }
        }
        items.retain(|item| !matches!(&item.text, Ok(t) if t.trim().is_empty()));
        items
    }

    fn push_items(&mut self, entry: &Node, items: &mut Vec<Item>) {
        let pointer = entry.pointer.clone();
        match self.eval(entry) {
            Ok(Val::Array(vals)) => {
                for val in vals {
                    let text = flat_text(&val, entry.value);
                    items.push(Item { pointer: pointer.clone(), text });
                }
            }
            Ok(val) => items.push(Item { pointer, text: flat_text(&val, entry.value) }),
            Err(unresolved) => items.push(Item { pointer, text: Err(unresolved) }),
        }
    }

    /// Addresses from several fields; what cannot be read is an unresolved address.
    pub fn addresses(&mut self, node: &Node, keys: &[&str]) -> Vec<Address> {
        self.items(node, keys)
            .into_iter()
            .map(|item| match item.text {
                Ok(text) => Address::parse(&text),
                Err(unresolved) => Address::Unresolved(unresolved.to_string()),
            })
            .collect()
    }

    /// Plain strings from several fields (host names, tags); what cannot be read is an error.
    pub fn strings(&mut self, node: &Node, keys: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.items(node, keys) {
            match item.text {
                Ok(text) => out.push(text.trim().to_string()),
                Err(unresolved) => {
                    self.error(&item.pointer, unresolved.to_string());
                }
            }
        }
        out
    }

    /// Port ranges from several fields; a bad entry is reported and dropped.
    pub fn ports(&mut self, node: &Node, keys: &[&str]) -> Vec<PortRange> {
        let mut out = Vec::new();
        for item in self.items(node, keys) {
            match item.text.map_err(|u| u.to_string()).and_then(|t| PortRange::parse(&t)) {
                Ok(range) => out.push(range),
                Err(message) => {
                    self.error(&item.pointer, format!("{message}; this port entry is left out"));
                }
            }
        }
        out
    }
}

/// A value that should be one string (a number is written out).
fn flat_text(val: &Val, source: &Value) -> Result<String, Unresolved> {
    match val {
        Val::Str(s) => Ok(s.clone()),
        Val::Int(n) => Ok(n.to_string()),
        _ => Err(Unresolved { expression: source.to_string(), reason: "a string was expected here".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_found_under_properties_or_flat() {
        let wrapped = json!({ "name": "r", "properties": { "priority": 100 } });
        let flat = json!({ "name": "r", "priority": 100, "Access": "Allow" });
        let (w, f) = (Node::root(&wrapped), Node::root(&flat));
        assert_eq!(w.field("priority").unwrap().pointer, "/properties/priority");
        assert_eq!(f.field("priority").unwrap().pointer, "/priority");
        assert_eq!(f.field("access").unwrap().pointer, "/Access");
        assert_eq!(w.field("name").unwrap().pointer, "/name");
    }

    #[test]
    fn pointers_escape_keys() {
        let value = json!({ "a/b": { "c~d": [1, 2] } });
        let node = Node::root(&value).key("a/b").unwrap().key("c~d").unwrap();
        assert_eq!(node.items()[1].pointer, "/a~1b/c~0d/1");
    }

    #[test]
    fn singular_and_plural_fields_join_and_skip_empty_strings() {
        let value = json!({ "sourcePortRange": "", "sourcePortRanges": ["80", 443, "1000-2000", "70000"] });
        let mut reader = Reader::new("f.json", Format::AzCli);
        let ports = reader.ports(&Node::root(&value), &["sourcePortRange", "sourcePortRanges"]);
        let shown: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, ["80", "443", "1000-2000"]);
        assert_eq!(reader.out.errors.len(), 1);
        assert_eq!(reader.out.errors[0].at, "/sourcePortRanges/3");
    }

    #[test]
    fn segments_of_ids() {
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fw-pol/ruleCollectionGroups/g";
        assert_eq!(last_segment(id), "g");
        assert_eq!(segment_after(id, "firewallpolicies"), Some("fw-pol"));
        assert_eq!(segment_after("nothing", "firewallPolicies"), None);
    }
}
