//! Fuzzing on stable Rust: every parser of outside input gets random and mutated input, and must
//! answer with values or error messages, never a panic. Each target has a fixed budget here;
//! `VNET_FLOWS_FUZZ=N` multiplies it for a longer run (`VNET_FLOWS_FUZZ=20 cargo test --release
//! --test it fuzz -- --nocapture` prints the counts).
//!
//! Targets: rule files read and checked (`ruleset::read` and `verify`), the URL hash
//! (`link::parse` and `apply`), the `config` attribute (`link::settings` and `Config::set`), the
//! `heading-level` and `theme` attributes (`host`), and the data file loader (`data::load`). The
//! readers' own loop (`ruleset::read` unit tests) adds 20,000 reads of raw bytes and mutated
//! JSON.

use vnet_flows::config::Config;
use vnet_flows::link;
use vnet_flows::model::ScenarioId;
use vnet_flows::resolve::resolve;
use vnet_flows::ruleset::read::{ReadOptions, read};
use vnet_flows::ruleset::verify::{CheckOptions, Checker};

use super::catalog;
pub(super) use vnet_flows::testing::Rng;

pub(super) fn budget(base: usize) -> usize {
    let times = std::env::var("VNET_FLOWS_FUZZ").ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(1);
    base * times.max(1)
}

/// Tokens that parsers give meaning to, spliced into inputs.
const TOKENS: [&str; 24] = [
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "=",
    "&",
    "|",
    "%",
    "%2",
    "%zz",
    "vf.",
    "#",
    "-",
    "*",
    "0.0.0.0/0",
    "65536",
    "-1",
    "[format('",
    "')]",
    "\u{202e}",
    "\u{0}",
];

/// One random change to `text`: delete, duplicate or replace a run of bytes, or splice a token.
pub(super) fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        let len = rng.below(16).min(bytes.len() - at.min(bytes.len()));
        match rng.below(4) {
            0 => {
                bytes.drain(at..at + len);
            }
            1 => {
                let run: Vec<u8> = bytes[at..at + len].to_vec();
                bytes.splice(at..at, run);
            }
            2 => {
                for b in bytes.iter_mut().skip(at).take(len) {
                    *b = rng.number() as u8;
                }
            }
            _ => {
                let token = rng.pick(&TOKENS[..]).as_bytes().to_vec();
                bytes.splice(at..at, token);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn fixtures() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["tests/fixtures/rulesets", "tests/fixtures/rulesets/real"] {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        paths.sort();
        files.extend(paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()));
    }
    files
}

#[test]
fn rule_files_read_and_check_without_panicking() {
    let catalog = catalog();
    let id = catalog.scenario_id("compute").unwrap();
    let scenario = &catalog.scenarios[id];
    let configs = [
        Config::defaults(&catalog, scenario),
        Config::with_settings(&catalog, scenario, ["egress=firewall", "compute_public_ip=on"]).unwrap(),
    ];
    let resolutions: Vec<_> = configs.iter().map(|c| resolve(&catalog, id, c)).collect();
    let seeds = fixtures();
    assert!(seeds.len() >= 10, "fixtures missing");
    let mut rng = Rng::new(0x5EED_0001);
    let runs = budget(20_000);
    for i in 0..runs {
        let seed = rng.pick(&seeds[..]).clone();
        let text = mutate(&seed, &mut rng);
        let options = ReadOptions { params: vec![], region: (i % 2 == 0).then(|| "westeurope".to_string()) };
        let set = read("fuzz.json", &text, &options);
        assert!(set.errors.iter().all(|e| !e.message.is_empty()));
        let check = CheckOptions { region: options.region.clone(), ..CheckOptions::default() };
        let report = Checker::new(&catalog, set.clone(), &check).check(&resolutions[i % 2]);
        assert!(!report.flows.is_empty());
    }
    eprintln!("rule files: {runs} inputs read and checked");
}

#[test]
fn url_hashes_and_config_attributes_never_panic() {
    let catalog = catalog();
    let seeds = [
        "#vf.scenario=compute&vf.compute_public_ip=on&vf.egress=firewall&vf.step=3",
        "#setup&vf.scenario=studio&vf.access=bastion&vf.step=2",
        "#vf.step=99",
        "compute_public_ip=on egress=nat-gateway, cloud=china;dns=hosts-file",
    ];
    let mut rng = Rng::new(0x5EED_0002);
    let runs = budget(60_000);
    for _ in 0..runs {
        let seed = *rng.pick(&seeds[..]);
        let text = mutate(seed, &mut rng);
        let applied = link::parse(&text).apply(&catalog, ScenarioId(0), |_, _| 5);
        assert!(applied.scenario.0 < catalog.scenarios.len());
        assert!(applied.notices.iter().all(|n| !n.is_empty()));
        let scenario = &catalog.scenarios[rng.below(catalog.scenarios.len())];
        let mut config = Config::defaults(&catalog, scenario);
        for (key, value) in link::settings(&text) {
            let _ = config.set(&catalog, scenario, &format!("{key}={value}"));
        }
    }
    eprintln!("hashes and config attributes: {runs} inputs");
}

/// The other attributes a host sets: `heading-level` and `theme`. Whatever they hold, the widget
/// gets a level from 1 to 6 or a known theme, and a message quoting at most 40 characters.
#[test]
fn heading_level_and_theme_attributes_never_panic() {
    use vnet_flows::host::{HeadingLevel, THEMES, theme};
    let seeds = ["3", " 6 ", "0", "-1", "2.5", "dark", "high-contrast", "", "99999999999999999999"];
    let mut rng = Rng::new(0x5EED_0005);
    let runs = budget(20_000);
    for _ in 0..runs {
        let seed = *rng.pick(&seeds[..]);
        let text = mutate(seed, &mut rng);
        let (level, problem) = HeadingLevel::parse(&text);
        assert!((1..=6).contains(&level.get()), "{text:?}");
        assert!(problem.is_none_or(|p| p.chars().count() < 120), "{text:?}");
        let (name, problem) = theme(&text);
        assert!(THEMES.contains(&name), "{text:?}");
        assert!(problem.is_none_or(|p| p.chars().count() < 160), "{text:?}");
    }
    eprintln!("heading-level and theme attributes: {runs} inputs");
}

#[test]
fn data_files_load_or_explain() {
    let seed = std::fs::read_to_string("tests/it/fixtures/minimal.toml").unwrap();
    let mut rng = Rng::new(0x5EED_0003);
    let runs = budget(5_000);
    for _ in 0..runs {
        let text = mutate(&seed, &mut rng);
        if let Err(errors) = vnet_flows::data::load(&text) {
            assert!(errors.iter().all(|e| !e.message.is_empty()));
        }
    }
    eprintln!("data files: {runs} inputs");
}

/// The widget's "Check my rules" input as a reader or host could give it: any number of mangled
/// files (more than are read, too), any region text, parameter lines with or without `=`; then
/// changes of configuration. Nothing panics, every problem says something and where, and a
/// parameter line's problem names its line.
#[test]
fn pasted_rules_regions_and_parameters_never_panic() {
    use vnet_flows::ruleset::pasted::{MAX_FILES, PARAMS, RuleFile, RulesInput};
    use vnet_flows::state::{Action, Start, State};
    let catalog = catalog();
    let seeds = fixtures();
    let mut rng = Rng::new(0x5EED_0004);
    let runs = budget(1_500);
    let mut state = State::new(Start {
        catalog: catalog.clone(),
        hash: Some("#vf.scenario=compute"),
        restore: None,
        failed: false,
        requests: &Default::default(),
        reduced_motion: true,
    });
    let pieces = [
        "westeurope",
        "West Europe",
        "",
        " ",
        "=",
        "a=b",
        "#",
        "\n",
        "é",
        "\u{202e}",
        "{",
        "NAME",
        "= x",
        "usgovvirginia",
    ];
    let soup = |rng: &mut Rng, n: usize| {
        (0..n).map(|_| *rng.pick(&pieces[..])).collect::<Vec<_>>().join(if rng.percent(50) { "\n" } else { "" })
    };
    for i in 0..runs {
        let count = if rng.percent(3) { MAX_FILES + 2 } else { rng.below(4) };
        let files = (0..count)
            .map(|n| {
                let seed = rng.pick(&seeds[..]).clone();
                RuleFile { name: format!("f{n}"), text: mutate(&seed, &mut rng) }
            })
            .collect();
        let (region, params, vnet) = (soup(&mut rng, 3), soup(&mut rng, 8), soup(&mut rng, 3));
        let input = RulesInput { files, region, params, vnet, unread: vec![] };
        let bad_lines = input.params().1;
        assert!(bad_lines.iter().all(|e| e.file == PARAMS && e.at.starts_with("line ")), "{bad_lines:?}");
        state.update(Action::CheckRules(std::rc::Rc::new(input)));
        let report = &state.checked.as_ref().expect("checked").report;
        assert!(report.errors.iter().all(|e| !e.message.is_empty() && !e.file.is_empty()));
        if count > MAX_FILES {
            assert!(report.errors.iter().any(|e| e.message.contains("only the first")));
        }
        let keys = &catalog.scenarios[state.scenario()].keys;
        let key = keys[i % keys.len()].key;
        state.update(Action::SetValue { key, value: i % 3 });
        assert!(state.checked.is_some());
    }
    eprintln!("pasted rules: {runs} inputs checked, each after a change of configuration");
}
