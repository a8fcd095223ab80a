//! The rules-as-code commands: `export` writes the rules a configuration needs, `check` judges
//! an administrator's rule files against every flow of a configuration.

use super::{Failure, Options, catalog, chosen, usage};
use crate::model::Catalog;
use crate::resolve::resolve;
use crate::ruleset::export::export_file;
use crate::ruleset::markdown::markdown;
use crate::ruleset::model::{Cidr, RuleSet};
use crate::ruleset::plan::PlanOptions;
use crate::ruleset::read::{MAX_BYTES, ReadOptions, read};
use crate::ruleset::verify::{CheckOptions, Checker};
use crate::ruleset::write::Export;

pub fn export(args: &[String]) -> Result<String, Failure> {
    let options = Options::parse_with_flags(
        args,
        &["scenario", "set", "config", "format", "priority-start"],
        &["deny-outbound"],
    )?;
    options.no_positional()?;
    let ids = Export::ALL.map(Export::id);
    if options.one("format").is_none() {
        return Err(usage(format!("export needs --format; formats: {}", ids.join(", "))));
    }
    let format = options.format(&ids).map(|id| Export::parse(&id).unwrap_or(Export::NsgJson))?;
    let catalog = catalog()?;
    let (scenario, config) = chosen(&catalog, &options, "export")?;
    let r = resolve(&catalog, scenario, &config);
    let plan_options = PlanOptions {
        deny_outbound: options.one("deny-outbound").is_some_and(|v| v != "false"),
        priority_start: priority_start(options.one("priority-start"))?,
    };
    export_file(&r, format, &plan_options).map_err(usage)
}

fn priority_start(text: Option<&str>) -> Result<u16, Failure> {
    match text {
        None => Ok(100),
        Some(t) => match t.parse::<u16>() {
            Ok(n) if (100..=4000).contains(&n) => Ok(n),
            _ => Err(usage(format!("--priority-start must be a whole number from 100 to 4000, not `{t}`"))),
        },
    }
}

/// `check`: the report, and the exit code it calls for.
pub fn check(args: &[String]) -> Result<(String, i32), Failure> {
    let known = ["scenario", "set", "config", "format", "region", "param", "vnet", "subnet"];
    let options = Options::parse(args, &known)?;
    let format = options.format(&["markdown", "json"])?;
    if options.positional.is_empty() {
        return Err(usage("check needs at least one FILE of rules"));
    }
    let catalog = catalog()?;
    let (scenario, config) = chosen(&catalog, &options, "check")?;
    let check_options = check_options(&options, &catalog)?;
    let read_options = ReadOptions {
        params: options.all("param").map(|p| pair(p, "--param", "NAME=VALUE")).collect::<Result<_, _>>()?,
        region: check_options.region.clone(),
    };
    let mut set = RuleSet::default();
    let mut unreadable = false;
    for path in &options.positional {
        let file = read_file(path, &read_options)?;
        unreadable |= file.nsgs.is_empty() && file.firewalls.is_empty() && !file.errors.is_empty();
        set.extend(file);
    }
    let r = resolve(&catalog, scenario, &config);
    let report = Checker::new(&catalog, set, &check_options).check(&r);
    let text = if format == "json" { report.json() } else { markdown(&report) };
    Ok((text, if unreadable { 1 } else { report.exit_code() }))
}

/// Reads one file; a file that cannot be opened, or is too large, fails the command.
fn read_file(path: &str, options: &ReadOptions) -> Result<RuleSet, Failure> {
    let fail = |message: String| Failure { code: 1, message };
    let size = std::fs::metadata(path).map_err(|e| fail(format!("{path}: {e}")))?.len();
    if size > MAX_BYTES as u64 {
        return Err(fail(format!("{path}: {size} bytes is more than the {MAX_BYTES} bytes `check` reads")));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("{path}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| fail(format!("{path}: not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))?;
    Ok(read(path, &text, options))
}

fn pair(text: &str, option: &str, shape: &str) -> Result<(String, String), Failure> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().to_string(), value.trim().to_string())),
        _ => Err(usage(format!("{option} takes {shape}, not `{text}`"))),
    }
}

fn cidr(text: &str, option: &str) -> Result<Cidr, Failure> {
    Cidr::parse(text).ok_or_else(|| usage(format!("{option}: `{text}` is not an IPv4 prefix such as 10.0.0.0/16")))
}

fn check_options(options: &Options, catalog: &Catalog) -> Result<CheckOptions, Failure> {
    let mut names: Vec<&str> = catalog.nodes.iter().filter_map(|n| n.subnet.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    let region = options.one("region").map(str::to_string).filter(|r| !r.trim().is_empty());
    let vnet = options.all("vnet").map(|v| cidr(v, "--vnet")).collect::<Result<_, _>>()?;
    let mut subnets = Vec::new();
    for text in options.all("subnet") {
        let (name, prefix) = pair(text, "--subnet", "NAME=CIDR")?;
        if !names.contains(&name.as_str()) {
            return Err(usage(format!(
                "--subnet: `{name}` is not a subnet of the data; subnets: {}",
                names.join(", ")
            )));
        }
        subnets.push((name, cidr(&prefix, "--subnet")?));
    }
    Ok(CheckOptions { region, vnet, subnets })
}
