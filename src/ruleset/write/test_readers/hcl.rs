//! Reads the Terraform that `write::terraform` writes: HCL blocks, attributes, strings, numbers,
//! lists and references, then the rule resources in them. Strings undo the writer's escapes;
//! `${var.location}` becomes the region marker and `${"$"}` a dollar sign.

use std::iter::Peekable;
use std::str::Chars;

use super::{
    MAX_DEPTH, ReadBack, V, access, app_protocol, direction, empty_group, located, num, ports, text_of, texts,
};
use crate::ruleset::plan::{AppSpec, FirewallSpec, Located, NetworkSpec, NsgSpec};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(u64),
    Punct(char),
    Newline,
}

enum Item {
    Attr(String, V),
    Block(String, Vec<String>, Vec<Item>),
}

/// Reads a Terraform file (or fix) written by `write::terraform`.
pub fn read_terraform(text: &str) -> Result<ReadBack, String> {
    let mut parser = Parser { toks: lex(text)?, pos: 0 };
    let mut read = ReadBack { nsg: Vec::new(), firewall: None };
    for item in parser.body(0, false)? {
        let Item::Block(kind, labels, body) = item else { continue };
        match (kind.as_str(), labels.first().map(String::as_str)) {
            ("resource", Some("azurerm_network_security_rule")) => read.nsg.push(nsg_rule(&body)?),
            ("resource", Some("azurerm_firewall_policy_rule_collection_group")) => read.firewall = Some(group(&body)?),
            _ => {}
        }
    }
    Ok(read)
}

fn attr<'a>(body: &'a [Item], name: &str) -> Result<&'a V, String> {
    body.iter()
        .find_map(|i| match i {
            Item::Attr(n, v) if n == name => Some(v),
            _ => None,
        })
        .ok_or(format!("no `{name}`"))
}

fn blocks<'a>(body: &'a [Item], kind: &'a str) -> impl Iterator<Item = &'a [Item]> + 'a {
    body.iter().filter_map(move |i| match i {
        Item::Block(k, _, b) if k == kind => Some(b.as_slice()),
        _ => None,
    })
}

fn string(body: &[Item], name: &str) -> Result<String, String> {
    text_of(attr(body, name)?).map(str::to_string)
}

fn nsg_rule(body: &[Item]) -> Result<NsgSpec, String> {
    let port_list = match (attr(body, "destination_port_range"), attr(body, "destination_port_ranges")) {
        (Ok(one), _) => vec![text_of(one)?.to_string()],
        (_, Ok(many)) => texts(many)?,
        _ => return Err("no destination ports".into()),
    };
    Ok(NsgSpec {
        name: string(body, "name")?,
        priority: num(attr(body, "priority")?)?,
        direction: direction(&string(body, "direction")?)?,
        access: access(&string(body, "access")?)?,
        protocol: super::transport(&string(body, "protocol")?)?,
        source: Located(string(body, "source_address_prefix")?),
        destination: Located(string(body, "destination_address_prefix")?),
        ports: ports(&port_list)?,
        description: string(body, "description")?,
    })
}

fn network_rule(body: &[Item]) -> Result<NetworkSpec, String> {
    Ok(NetworkSpec {
        name: string(body, "name")?,
        protocols: texts(attr(body, "protocols")?)?.iter().map(|p| super::transport(p)).collect::<Result<_, _>>()?,
        sources: located(attr(body, "source_addresses")?)?,
        destinations: located(attr(body, "destination_addresses")?)?,
        ports: ports(&texts(attr(body, "destination_ports")?)?)?,
        description: string(body, "description")?,
    })
}

fn app_rule(body: &[Item]) -> Result<AppSpec, String> {
    let protocol = |b: &[Item]| Ok((app_protocol(&string(b, "type")?)?, num(attr(b, "port")?)?));
    Ok(AppSpec {
        name: string(body, "name")?,
        protocols: blocks(body, "protocols").map(protocol).collect::<Result<_, String>>()?,
        sources: located(attr(body, "source_addresses")?)?,
        fqdns: located(attr(body, "destination_fqdns")?)?,
        description: string(body, "description")?,
    })
}

fn group(body: &[Item]) -> Result<FirewallSpec, String> {
    let mut fw = empty_group(string(body, "name")?, num(attr(body, "priority")?)?);
    for c in blocks(body, "network_rule_collection") {
        (fw.network_collection, fw.network_priority) = (string(c, "name")?, num(attr(c, "priority")?)?);
        fw.network = blocks(c, "rule").map(network_rule).collect::<Result<_, _>>()?;
    }
    for c in blocks(body, "application_rule_collection") {
        (fw.application_collection, fw.application_priority) = (string(c, "name")?, num(attr(c, "priority")?)?);
        fw.application = blocks(c, "rule").map(app_rule).collect::<Result<_, _>>()?;
    }
    Ok(fw)
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => toks.push(Tok::Newline),
            c if c.is_whitespace() => {}
            '#' => while chars.next_if(|&n| n != '\n').is_some() {},
            '/' if chars.peek() == Some(&'/') => while chars.next_if(|&n| n != '\n').is_some() {},
            '"' => toks.push(Tok::Str(quoted(&mut chars)?)),
            c if c.is_ascii_digit() => {
                let mut digits = c.to_string();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                toks.push(Tok::Num(digits.parse().map_err(|_| format!("`{digits}` is too large"))?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = c.to_string();
                while let Some(d) = chars.next_if(|&d| d.is_alphanumeric() || d == '_' || d == '-') {
                    name.push(d);
                }
                toks.push(Tok::Ident(name));
            }
            '{' | '}' | '[' | ']' | '=' | ',' | '.' => toks.push(Tok::Punct(c)),
            other => return Err(format!("unexpected `{other}`")),
        }
    }
    Ok(toks)
}

/// The rest of a double-quoted string, after its opening quote.
fn quoted(chars: &mut Peekable<Chars>) -> Result<String, String> {
    let mut out = String::new();
    loop {
        match chars.next().ok_or("a string runs to the end")? {
            '"' => return Ok(out),
            '\n' => return Err("a line break in a string".into()),
            '\\' => out.push(escape(chars)?),
            c @ ('$' | '%') if chars.peek() == Some(&c) => {
                chars.next();
                if chars.next() != Some('{') {
                    return Err(format!("`{c}{c}` not before `{{`"));
                }
                out.push(c);
                out.push('{');
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                let expr: String = std::iter::from_fn(|| chars.next_if(|&c| c != '}')).collect();
                chars.next();
                out.push_str(match expr.as_str() {
                    "var.location" => Located::MARKER,
                    "\"$\"" => "$",
                    "\"%\"" => "%",
                    _ => return Err(format!("unknown interpolation `${{{expr}}}`")),
                });
            }
            '%' if chars.peek() == Some(&'{') => return Err("a template directive".into()),
            c => out.push(c),
        }
    }
}

fn escape(chars: &mut Peekable<Chars>) -> Result<char, String> {
    Ok(match chars.next().ok_or("a string runs to the end")? {
        c @ ('\\' | '"') => c,
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => {
            let hex: String = (0..4).filter_map(|_| chars.next()).collect();
            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).ok_or(format!("bad escape `\\u{hex}`"))?
        }
        other => return Err(format!("unknown escape `\\{other}`")),
    })
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.pos).cloned();
        self.pos += 1;
        tok
    }

    fn skip_newlines(&mut self) {
        while self.toks.get(self.pos) == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    /// Attributes and blocks up to the end of the file or (`in_block`) a closing brace.
    fn body(&mut self, depth: usize, in_block: bool) -> Result<Vec<Item>, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.next() {
                None if !in_block => return Ok(items),
                Some(Tok::Punct('}')) if in_block => return Ok(items),
                Some(Tok::Ident(name)) => items.push(self.item(name, depth)?),
                other => return Err(format!("expected an attribute or a block, found {other:?}")),
            }
        }
    }

    fn item(&mut self, name: String, depth: usize) -> Result<Item, String> {
        let mut labels = Vec::new();
        loop {
            match self.next() {
                Some(Tok::Punct('=')) if labels.is_empty() => return Ok(Item::Attr(name, self.value(depth)?)),
                Some(Tok::Str(label)) => labels.push(label),
                Some(Tok::Punct('{')) => return Ok(Item::Block(name, labels, self.body(depth + 1, true)?)),
                other => return Err(format!("unexpected {other:?} after `{name}`")),
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<V, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(V::Str(s)),
            Some(Tok::Num(n)) => Ok(V::Num(n)),
            Some(Tok::Ident(mut name)) => {
                while self.toks.get(self.pos) == Some(&Tok::Punct('.')) {
                    let Some(Tok::Ident(part)) = self.toks.get(self.pos + 1).cloned() else { break };
                    name = format!("{name}.{part}");
                    self.pos += 2;
                }
                Ok(V::Ident(name))
            }
            Some(Tok::Punct('[')) => self.list(depth + 1),
            other => Err(format!("expected a value, found {other:?}")),
        }
    }

    /// A list's items, after its `[`.
    fn list(&mut self, depth: usize) -> Result<V, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.toks.get(self.pos) {
                Some(Tok::Punct(']')) => {
                    self.pos += 1;
                    return Ok(V::List(items));
                }
                Some(Tok::Punct(',')) if !items.is_empty() => self.pos += 1,
                _ => items.push(self.value(depth)?),
            }
        }
    }
}
