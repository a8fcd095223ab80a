//! The `vnet-flows` command line: argument parsing and the commands.
//!
//! [`run`] takes the arguments and two writers and returns the exit code, so tests can drive it
//! without spawning a process. Exit codes: 0 success, 1 the data has errors, 2 bad usage
//! (unknown command, scenario, key or value; the message lists the valid choices); `check` and
//! `why` add their own (see `USAGE`).

mod rules;
mod why;

use std::io::Write;
use std::rc::Rc;

use serde::Serialize;

use crate::check::check;
use crate::config::Config;
use crate::data::{DataError, load};
use crate::export::{Report, csv, html, markdown, mermaid};
use crate::model::{Catalog, ScenarioId};
use crate::paint::{Palette, svg};
use crate::resolve::resolve;
use crate::scene::{self, Emphasis, Reach, Traffic};

pub const USAGE: &str = "\
vnet-flows: the network rules an Azure Machine Learning workspace in a secured VNet needs

Usage:
  vnet-flows scenarios [--format text|json]
  vnet-flows rules --scenario ID [--set KEY=VALUE]... [--config TEXT] [--format markdown|csv|json|html]
  vnet-flows diagram --scenario ID [--set KEY=VALUE]... [--config TEXT] [--format svg|mermaid] [--width PIXELS]
  vnet-flows export --scenario ID [--set KEY=VALUE]... [--config TEXT] --format F [--deny-outbound] [--priority-start N]
  vnet-flows check --scenario ID [--set KEY=VALUE]... [--config TEXT] [--region R] [--param NAME=VALUE]...
                   [--vnet CIDR] [--subnet NAME=CIDR]... [--format markdown|json] FILE...
  vnet-flows why \"TEXT\" [--format text|json] [--limit N]
  vnet-flows check-data FILE

Commands:
  scenarios    list the scenarios with their keys, values and defaults
  rules        print the rules, setup steps, flows and findings of one scenario
  diagram      draw the scenario's static diagram as the widget draws it (SVG, 960 px wide by
               default), or as a Mermaid flowchart
  export       write the NSG and firewall rules the configuration needs, as F = nsg-json,
               firewall-json, az-cli, bicep or terraform
  check        check rule files (ARM templates, az output, terraform show -json) against every
               flow of the configuration: which flows they block, the rule that decided each hop,
               the missing rules, and rules that are unneeded or dropped by the docs
  why          find the known symptoms a pasted error message matches: where each arises (a
               `rules` command to run), the rule, step or finding behind it, and its sources
  check-data   validate a data file and print every problem with its line

--config takes the text of a <vnet-flows> config attribute (\"key=value key=value\").

Exit codes: 0 success, 1 the data has errors or a file cannot be read, 2 bad usage;
check: 3 a flow is blocked, 4 none is blocked but some are unresolved; why: 1 nothing matches.
";

/// A failure: what to print on standard error, and the exit code.
struct Failure {
    code: i32,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure { code: 2, message: message.into() }
}

/// Runs the command line. `args` excludes the program name.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let result = match args.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => Ok(USAGE.to_string()),
        Some("--version" | "-V") => Ok(format!("vnet-flows {}\n", env!("CARGO_PKG_VERSION"))),
        Some("scenarios") => scenarios(&args[1..]),
        Some("rules") => rules(&args[1..]),
        Some("diagram") => diagram(&args[1..]),
        Some("check-data") => check_data(&args[1..]),
        Some("export") => rules::export(&args[1..]),
        // `check` prints its report whatever it found; the exit code says what that was.
        Some("check") => return finish(rules::check(&args[1..]), out, err),
        // `why` prints its report whatever it found; exit code 1 says nothing matched.
        Some("why") => return finish(why::why(&args[1..]), out, err),
        Some(other) => Err(usage(format!("unknown command `{other}`\n\n{USAGE}"))),
    };
    finish(result.map(|text| (text, 0)), out, err)
}

/// Writes a command's output or its failure, and returns the exit code.
fn finish(result: Result<(String, i32), Failure>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match result {
        // A closed pipe (`| head`) is not worth a message.
        Ok((text, code)) => {
            let _ = out.write_all(text.as_bytes());
            code
        }
        Err(f) => {
            let _ = err.write_all(format!("error: {}", f.message).as_bytes());
            if !f.message.ends_with('\n') {
                let _ = err.write_all(b"\n");
            }
            f.code
        }
    }
}

/// Options of a command: `--name value` or `--name=value`, repeated where allowed.
struct Options {
    pairs: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Options {
    fn parse(args: &[String], known: &[&str]) -> Result<Options, Failure> {
        Options::parse_with_flags(args, known, &[])
    }

    /// As [`Options::parse`], with `flags` taking no value (they read as `name=true`).
    fn parse_with_flags(args: &[String], known: &[&str], flags: &[&str]) -> Result<Options, Failure> {
        let mut pairs = Vec::new();
        let mut positional = Vec::new();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                positional.push(arg.clone());
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None if flags.contains(&flag) => (flag.to_string(), "true".to_string()),
                None => {
                    let value = iter.next().ok_or_else(|| usage(format!("--{flag} needs a value")))?;
                    (flag.to_string(), value.clone())
                }
            };
            if !known.contains(&name.as_str()) && !flags.contains(&name.as_str()) {
                let list: Vec<String> = known.iter().chain(flags).map(|k| format!("--{k}")).collect();
                return Err(usage(format!("unknown option --{name}; options here: {}", list.join(", "))));
            }
            pairs.push((name, value));
        }
        Ok(Options { pairs, positional })
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.pairs.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.all(name).last()
    }

    fn format(&self, choices: &[&str]) -> Result<String, Failure> {
        let format = self.one("format").unwrap_or(choices[0]);
        if choices.contains(&format) {
            Ok(format.to_string())
        } else {
            Err(usage(format!("unknown format `{format}`; formats: {}", choices.join(", "))))
        }
    }

    fn no_positional(&self) -> Result<(), Failure> {
        match self.positional.first() {
            Some(p) => Err(usage(format!("unexpected argument `{p}`"))),
            None => Ok(()),
        }
    }
}

fn catalog() -> Result<Rc<Catalog>, Failure> {
    crate::shipped_catalog().map_err(|e| data_failure("the built-in data", &e))
}

#[derive(Serialize)]
struct ScenarioInfo<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    keys: Vec<KeyInfo<'a>>,
}

#[derive(Serialize)]
struct KeyInfo<'a> {
    key: &'a str,
    label: &'a str,
    explain: &'a str,
    values: Vec<&'a str>,
    default: &'a str,
}

fn scenarios(args: &[String]) -> Result<String, Failure> {
    let options = Options::parse(args, &["format"])?;
    options.no_positional()?;
    let format = options.format(&["text", "json"])?;
    let catalog = catalog()?;
    let infos: Vec<ScenarioInfo> = catalog
        .scenarios
        .iter()
        .map(|s| ScenarioInfo {
            id: &s.id,
            title: &s.title,
            summary: &s.summary,
            keys: s
                .keys
                .iter()
                .map(|sk| {
                    let key = &catalog.keys[sk.key];
                    KeyInfo {
                        key: &key.id,
                        label: &key.label,
                        explain: &key.explain,
                        values: sk.values.iter().map(|&v| key.values[v].as_str()).collect(),
                        default: &key.values[sk.default],
                    }
                })
                .collect(),
        })
        .collect();
    if format == "json" {
        let mut text = serde_json::to_string_pretty(&infos).unwrap_or_default();
        text.push('\n');
        return Ok(text);
    }
    let mut text = String::new();
    for s in &infos {
        text.push_str(&format!("{}\n  {}\n  {}\n", s.id, s.title, s.summary));
        for k in &s.keys {
            let values: Vec<String> = k
                .values
                .iter()
                .map(|v| if *v == k.default { format!("{v} (default)") } else { v.to_string() })
                .collect();
            text.push_str(&format!("    {:<24} {}\n", k.key, values.join(" | ")));
        }
        text.push('\n');
    }
    Ok(text)
}

/// The scenario named by `--scenario` and the configuration `--set` describes.
fn chosen(catalog: &Catalog, options: &Options, command: &str) -> Result<(ScenarioId, Config), Failure> {
    let ids = || catalog.scenarios.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ");
    let id =
        options.one("scenario").ok_or_else(|| usage(format!("{command} needs --scenario; scenarios: {}", ids())))?;
    let scenario =
        catalog.scenario_id(id).ok_or_else(|| usage(format!("unknown scenario `{id}`; scenarios: {}", ids())))?;
    // `--config` takes the `config` attribute's text, read as the widget reads it; `--set`s
    // apply after it.
    let from_attribute: Vec<String> =
        options.all("config").flat_map(crate::link::settings).map(|(key, value)| format!("{key}={value}")).collect();
    let settings = from_attribute.iter().map(String::as_str).chain(options.all("set"));
    let config = Config::with_settings(catalog, &catalog.scenarios[scenario], settings)
        .map_err(|errors| usage(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n")))?;
    Ok((scenario, config))
}

fn rules(args: &[String]) -> Result<String, Failure> {
    let options = Options::parse(args, &["scenario", "set", "config", "format"])?;
    options.no_positional()?;
    let format = options.format(&["markdown", "csv", "json", "html"])?;
    let catalog = catalog()?;
    let (scenario, config) = chosen(&catalog, &options, "rules")?;
    let resolution = resolve(&catalog, scenario, &config);
    Ok(match format.as_str() {
        "json" => Report::new(&resolution).json(),
        "csv" => csv(&Report::new(&resolution)),
        "html" => html(&resolution),
        _ => markdown(&resolution),
    })
}

/// The static diagram: every place and connection the scenario can show, laid out as the widget
/// lays it out, with this configuration's traffic drawn and the rest faint.
fn diagram(args: &[String]) -> Result<String, Failure> {
    let options = Options::parse(args, &["scenario", "set", "config", "format", "width"])?;
    options.no_positional()?;
    let format = options.format(&["svg", "mermaid"])?;
    let width = match options.one("width") {
        None => 960.0,
        Some(text) => match text.parse::<u32>() {
            Ok(w) if (280..=4000).contains(&w) => w as f64,
            _ => return Err(usage(format!("--width must be a whole number of pixels from 280 to 4000, not `{text}`"))),
        },
    };
    let catalog = catalog()?;
    let (scenario, config) = chosen(&catalog, &options, "diagram")?;
    let resolution = resolve(&catalog, scenario, &config);
    if format == "mermaid" {
        return Ok(mermaid(&resolution));
    }
    let layout = Reach::new(&catalog, scenario).layout(&catalog, width);
    let traffic = Traffic::new(&layout, &resolution);
    let shapes = scene::diagram(&layout, &traffic, &traffic, 1.0, &Emphasis::default());
    let title = scene::summary(&catalog.scenarios[scenario], &traffic);
    let mut text = svg(&shapes, &Palette::LIGHT, layout.width, layout.height, &title);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn check_data(args: &[String]) -> Result<String, Failure> {
    let options = Options::parse(args, &[])?;
    let [path] = options.positional.as_slice() else {
        return Err(usage("check-data needs exactly one FILE"));
    };
    let text = std::fs::read_to_string(path).map_err(|e| Failure { code: 1, message: format!("{path}: {e}") })?;
    let catalog = load(&text).map_err(|e| {
        let mut failure = data_failure(path, &e);
        failure.message.push_str("The consistency checks (rules against flows) run once these are fixed.\n");
        failure
    })?;
    let catalog = Rc::new(catalog);
    let problems = check(&catalog, &text);
    if !problems.is_empty() {
        return Err(data_failure(path, &problems));
    }
    let combos: usize = catalog.scenarios.iter().map(|s| Config::combinations(&catalog, s).len()).sum();
    Ok(format!(
        "{path}: ok: {} scenarios, {} flows, {} rules, {} steps, {} findings; {combos} configurations checked\n",
        catalog.scenarios.len(),
        catalog.flows.len(),
        catalog.rules.len(),
        catalog.steps.len(),
        catalog.findings.len(),
    ))
}

/// Exit code 1 with every problem, one a line, as `origin:line: location: message`.
fn data_failure(origin: &str, errors: &[DataError]) -> Failure {
    let mut message = format!("{} problem(s) in {origin}:\n", errors.len());
    for e in errors {
        let line = e.line.map(|l| format!("{l}:")).unwrap_or_default();
        message.push_str(&format!("  {origin}:{line} {}: {}\n", e.location, e.message));
    }
    Failure { code: 1, message }
}
