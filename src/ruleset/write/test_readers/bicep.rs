//! Reads the Bicep that `write::bicep` writes: `param` lines are skipped, each `resource` body
//! becomes a tree of values, and the ARM shapes in it are read as for ARM JSON. Strings undo the
//! writer's escapes; `${location}` becomes the region marker.

use std::iter::Peekable;
use std::str::Chars;

use super::{MAX_DEPTH, ReadBack, V, get, list, nsg_rule, rule_group, text_of};
use crate::ruleset::plan::Located;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(u64),
    Punct(char),
    Newline,
}

/// Reads a Bicep file written by `write::bicep`.
pub fn read_bicep(text: &str) -> Result<ReadBack, String> {
    let mut parser = Parser { toks: lex(text)?, pos: 0 };
    let mut read = ReadBack { nsg: Vec::new(), firewall: None };
    while let Some((kind, body)) = parser.statement()? {
        if kind.starts_with("Microsoft.Network/networkSecurityGroups@") {
            let rules = list(get(get(&body, "properties")?, "securityRules")?)?;
            read.nsg = rules.iter().map(nsg_rule).collect::<Result<_, _>>()?;
        } else if kind.starts_with("Microsoft.Network/firewallPolicies/ruleCollectionGroups@") {
            read.firewall = Some(rule_group(text_of(get(&body, "name")?)?, get(&body, "properties")?)?);
        }
    }
    Ok(read)
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => toks.push(Tok::Newline),
            c if c.is_whitespace() => {}
            '/' if chars.peek() == Some(&'/') => while chars.next_if(|&n| n != '\n').is_some() {},
            '\'' => toks.push(Tok::Str(string(&mut chars)?)),
            c if c.is_ascii_digit() => {
                let mut digits = c.to_string();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                toks.push(Tok::Num(digits.parse().map_err(|_| format!("`{digits}` is too large"))?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut name = c.to_string();
                while let Some(d) = chars.next_if(|&d| d.is_alphanumeric() || d == '_') {
                    name.push(d);
                }
                toks.push(Tok::Ident(name));
            }
            '{' | '}' | '[' | ']' | ':' | '=' | '(' | ')' | '.' => toks.push(Tok::Punct(c)),
            other => return Err(format!("unexpected `{other}`")),
        }
    }
    Ok(toks)
}

/// The rest of a single-quoted string, after its opening quote.
fn string(chars: &mut Peekable<Chars>) -> Result<String, String> {
    let mut out = String::new();
    loop {
        match chars.next().ok_or("a string runs to the end")? {
            '\'' => return Ok(out),
            '\\' => out.push(escape(chars)?),
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                let name: String = std::iter::from_fn(|| chars.next_if(|&c| c != '}')).collect();
                if chars.next() != Some('}') || name != "location" {
                    return Err(format!("unknown interpolation `${{{name}`"));
                }
                out.push_str(Located::MARKER);
            }
            c => out.push(c),
        }
    }
}

fn escape(chars: &mut Peekable<Chars>) -> Result<char, String> {
    Ok(match chars.next().ok_or("a string runs to the end")? {
        c @ ('\\' | '\'' | '$') => c,
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' if chars.next() == Some('{') => {
            let hex: String = std::iter::from_fn(|| chars.next_if(|&c| c != '}')).collect();
            chars.next();
            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).ok_or(format!("bad escape `\\u{{{hex}}}`"))?
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

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Some(Tok::Punct(p)) if p == c => Ok(()),
            other => Err(format!("expected `{c}`, found {other:?}")),
        }
    }

    /// The next `resource`'s type and body, skipping `param` lines; None at the end.
    fn statement(&mut self) -> Result<Option<(String, V)>, String> {
        loop {
            self.skip_newlines();
            match self.next() {
                None => return Ok(None),
                Some(Tok::Ident(word)) if word == "param" => while !matches!(self.next(), None | Some(Tok::Newline)) {},
                Some(Tok::Ident(word)) if word == "resource" => return self.resource().map(Some),
                other => return Err(format!("expected `param` or `resource`, found {other:?}")),
            }
        }
    }

    fn resource(&mut self) -> Result<(String, V), String> {
        let (Some(Tok::Ident(_)), Some(Tok::Str(kind))) = (self.next(), self.next()) else {
            return Err("a resource needs a name and a type".into());
        };
        if self.peek() == Some(&Tok::Ident("existing".into())) {
            self.pos += 1;
        }
        self.expect('=')?;
        self.expect('{')?;
        Ok((kind, self.object(0)?))
    }

    fn value(&mut self, depth: usize) -> Result<V, String> {
        if depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        match self.next() {
            Some(Tok::Str(s)) => Ok(V::Str(s)),
            Some(Tok::Num(n)) => Ok(V::Num(n)),
            Some(Tok::Ident(name)) => Ok(V::Ident(name)),
            Some(Tok::Punct('{')) => self.object(depth + 1),
            Some(Tok::Punct('[')) => self.list(depth + 1),
            other => Err(format!("expected a value, found {other:?}")),
        }
    }

    /// An object's properties, after its `{`.
    fn object(&mut self, depth: usize) -> Result<V, String> {
        let mut entries = Vec::new();
        loop {
            self.skip_newlines();
            match self.next() {
                Some(Tok::Punct('}')) => return Ok(V::Obj(entries)),
                Some(Tok::Ident(key)) => {
                    self.expect(':')?;
                    entries.push((key, self.value(depth)?));
                }
                other => return Err(format!("expected a property, found {other:?}")),
            }
        }
    }

    /// A list's items, after its `[`.
    fn list(&mut self, depth: usize) -> Result<V, String> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek() == Some(&Tok::Punct(']')) {
                self.pos += 1;
                return Ok(V::List(items));
            }
            items.push(self.value(depth)?);
        }
    }
}
