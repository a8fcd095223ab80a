//! Reads the az script that `write::az_cli` writes (or an az fix): bash words with single and
//! double quotes, `\` line continuations and comments, then the `az` commands among them.
//! `${LOCATION}` becomes the region marker; other variables are kept as written (`$NSG`).

use std::iter::Peekable;
use std::str::Chars;

use super::{ReadBack, access, app_protocol, direction, empty_group, ports, transport};
use crate::ruleset::plan::{AppSpec, FirewallSpec, Located, NetworkSpec, NsgSpec};

/// A word of a command; `quoted` when any part of it was, so `'--x'` is no option.
struct Word {
    text: String,
    quoted: bool,
}

/// A command's leading words (`az network nsg rule create`) and its options with their values.
struct Command {
    head: String,
    options: Vec<(String, Vec<String>)>,
}

const GROUP: &str = "az network firewall policy rule-collection-group";

/// Reads an az script (or fix) written by `write::az_cli`.
pub fn read_az(text: &str) -> Result<ReadBack, String> {
    let mut read = ReadBack { nsg: Vec::new(), firewall: None };
    for words in lex(text)? {
        let cmd = command(words);
        let head = cmd.head.as_str();
        if head == "az network nsg rule create" {
            read.nsg.push(nsg_rule(&cmd)?);
        } else if head == format!("{GROUP} create") {
            read.firewall = Some(empty_group(cmd.one("--name")?.into(), number(cmd.one("--priority")?)?));
        } else if head == format!("{GROUP} collection add-filter-collection") {
            let group = cmd.one("--rcg-name")?;
            let fw = read.firewall.get_or_insert_with(|| empty_group(group.into(), 0));
            let (name, priority) = (cmd.one("--name")?.to_string(), number(cmd.one("--collection-priority")?)?);
            match add_rule(fw, &cmd, cmd.one("--rule-name")?)? {
                Kind::Network => (fw.network_collection, fw.network_priority) = (name, priority),
                Kind::Application => (fw.application_collection, fw.application_priority) = (name, priority),
            }
        } else if head == format!("{GROUP} collection rule add") {
            let fw = read.firewall.as_mut().ok_or("a rule before its group")?;
            let kind = add_rule(fw, &cmd, cmd.one("--name")?)?;
            let collection = if kind == Kind::Network { &fw.network_collection } else { &fw.application_collection };
            if collection != cmd.one("--collection-name")? {
                return Err("a rule added to a collection of the other kind".into());
            }
        }
    }
    Ok(read)
}

#[derive(PartialEq)]
enum Kind {
    Network,
    Application,
}

/// Adds the command's rule, named `name`, to the group; says which kind it was.
fn add_rule(fw: &mut FirewallSpec, cmd: &Command, name: &str) -> Result<Kind, String> {
    let located = |flag| cmd.values(flag).map(|v| v.iter().cloned().map(Located).collect::<Vec<_>>());
    match cmd.one("--rule-type")? {
        "NetworkRule" => {
            fw.network.push(NetworkSpec {
                name: name.into(),
                protocols: cmd.values("--ip-protocols")?.iter().map(|p| transport(p)).collect::<Result<_, _>>()?,
                sources: located("--source-addresses")?,
                destinations: located("--destination-addresses")?,
                ports: ports(cmd.values("--destination-ports")?)?,
                description: cmd.one("--description")?.into(),
            });
            Ok(Kind::Network)
        }
        "ApplicationRule" => {
            let protocol = |p: &String| {
                let (kind, port) = p.split_once('=').ok_or(format!("`{p}` is not PROTOCOL=PORT"))?;
                Ok((app_protocol(kind)?, port.parse().map_err(|_| format!("bad port in `{p}`"))?))
            };
            fw.application.push(AppSpec {
                name: name.into(),
                protocols: cmd.values("--protocols")?.iter().map(protocol).collect::<Result<_, String>>()?,
                sources: located("--source-addresses")?,
                fqdns: located("--target-fqdns")?,
                description: cmd.one("--description")?.into(),
            });
            Ok(Kind::Application)
        }
        other => Err(format!("unknown rule type `{other}`")),
    }
}

fn nsg_rule(cmd: &Command) -> Result<NsgSpec, String> {
    if cmd.one("--source-port-ranges")? != "*" {
        return Err("source ports other than `*`".into());
    }
    Ok(NsgSpec {
        name: cmd.one("--name")?.into(),
        priority: number(cmd.one("--priority")?)?,
        direction: direction(cmd.one("--direction")?)?,
        access: access(cmd.one("--access")?)?,
        protocol: transport(cmd.one("--protocol")?)?,
        source: Located(cmd.one("--source-address-prefixes")?.into()),
        destination: Located(cmd.one("--destination-address-prefixes")?.into()),
        ports: ports(cmd.values("--destination-port-ranges")?)?,
        description: cmd.one("--description")?.into(),
    })
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse().map_err(|_| format!("`{text}` is not a number in range"))
}

impl Command {
    fn values(&self, flag: &str) -> Result<&[String], String> {
        self.options.iter().find(|(f, _)| f == flag).map(|(_, v)| v.as_slice()).ok_or(format!("no `{flag}`"))
    }

    fn one(&self, flag: &str) -> Result<&str, String> {
        match self.values(flag)? {
            [one] => Ok(one),
            other => Err(format!("`{flag}` has {} values", other.len())),
        }
    }
}

/// Splits a command's words into its head and its options (unquoted words starting `--`).
fn command(words: Vec<Word>) -> Command {
    let mut head: Vec<String> = Vec::new();
    let mut options: Vec<(String, Vec<String>)> = Vec::new();
    for word in words {
        if !word.quoted && word.text.starts_with("--") {
            options.push((word.text, Vec::new()));
        } else if let Some((_, values)) = options.last_mut() {
            values.push(word.text);
        } else {
            head.push(word.text);
        }
    }
    Command { head: head.join(" "), options }
}

/// The script's commands as words.
fn lex(text: &str) -> Result<Vec<Vec<Word>>, String> {
    let mut lexer = Lexer { chars: text.chars().peekable(), commands: Vec::new(), words: Vec::new(), word: None };
    while let Some(c) = lexer.chars.next() {
        lexer.step(c)?;
    }
    lexer.end_command();
    Ok(lexer.commands)
}

struct Lexer<'a> {
    chars: Peekable<Chars<'a>>,
    commands: Vec<Vec<Word>>,
    words: Vec<Word>,
    word: Option<Word>,
}

impl Lexer<'_> {
    fn word(&mut self) -> &mut Word {
        self.word.get_or_insert_with(|| Word { text: String::new(), quoted: false })
    }

    fn end_word(&mut self) {
        self.words.extend(self.word.take());
    }

    fn end_command(&mut self) {
        self.end_word();
        if !self.words.is_empty() {
            self.commands.push(std::mem::take(&mut self.words));
        }
    }

    fn step(&mut self, c: char) -> Result<(), String> {
        match c {
            '\\' => match self.chars.next() {
                Some('\n') => {}
                Some(other) => self.word().text.push(other),
                None => return Err("a `\\` at the end".into()),
            },
            '\n' | ';' => self.end_command(),
            ' ' | '\t' => self.end_word(),
            '#' if self.word.is_none() => while self.chars.next_if(|&n| n != '\n').is_some() {},
            '\'' => {
                let text: String = std::iter::from_fn(|| self.chars.next_if(|&n| n != '\'')).collect();
                if self.chars.next().is_none() {
                    return Err("a single-quoted word runs to the end".into());
                }
                let word = self.word();
                word.quoted = true;
                word.text.push_str(&text);
            }
            '"' => self.double_quoted()?,
            '$' => {
                let text = self.dollar();
                self.word().text.push_str(&text);
            }
            c => self.word().text.push(c),
        }
        Ok(())
    }

    /// The rest of a double-quoted part, after its opening quote.
    fn double_quoted(&mut self) -> Result<(), String> {
        self.word().quoted = true;
        loop {
            match self.chars.next().ok_or("a double-quoted word runs to the end")? {
                '"' => return Ok(()),
                '\\' => match self.chars.next().ok_or("a `\\` at the end")? {
                    '\n' => {}
                    c @ ('$' | '`' | '"' | '\\') => self.word().text.push(c),
                    c => self.word().text.extend(['\\', c]),
                },
                '$' => {
                    let text = self.dollar();
                    self.word().text.push_str(&text);
                }
                c => self.word().text.push(c),
            }
        }
    }

    /// A variable after its `$`: the marker for `${LOCATION}`, else the reference as written.
    fn dollar(&mut self) -> String {
        if self.chars.next_if_eq(&'{').is_some() {
            let name: String = std::iter::from_fn(|| self.chars.next_if(|&n| n != '}')).collect();
            self.chars.next();
            if name == "LOCATION" { Located::MARKER.to_string() } else { format!("${{{name}}}") }
        } else {
            let name: String =
                std::iter::from_fn(|| self.chars.next_if(|&n| n.is_ascii_alphanumeric() || n == '_')).collect();
            format!("${name}")
        }
    }
}
