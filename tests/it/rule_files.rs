//! `vnet-flows export` and `vnet-flows check` on the command line: reports on rule files shaped
//! like the ones administrators have (snapshots in `tests/it/snapshots/check/`), the JSON's
//! public shape, exit codes, and broken input.

use expect_test::expect_file;
use vnet_flows::cli::run;

fn cli(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

const REAL: &str = "tests/fixtures/rulesets/real";

#[test]
fn an_nsg_without_deny_all_outbound_admits_everything_and_says_which_rules_change_nothing() {
    let file = format!("{REAL}/az-nsg-no-deny-outbound.json");
    let (code, out, err) = cli(&["check", "--scenario", "compute", "--region", "westeurope", &file]);
    assert_eq!(code, 0, "{err}");
    expect_file!["snapshots/check/az-nsg-no-deny-outbound.md"].assert_eq(&out);
}

#[test]
fn udp_in_an_application_rule_is_named_as_the_mistake() {
    let file = format!("{REAL}/az-policy-udp-in-application-rule.json");
    let args = ["check", "--scenario", "compute", "--set", "egress=firewall", "--region", "westeurope"];
    let (code, out, err) = cli(&[&args[..], &["--subnet", "training=10.0.1.0/24", &file]].concat());
    assert_eq!(code, 3, "{err}");
    assert!(out.contains("application rules carry only HTTP, HTTPS and MSSQL"), "{out}");
    expect_file!["snapshots/check/az-policy-udp-in-application-rule.md"].assert_eq(&out);
    // Without the subnet's prefix, rules whose source is a prefix cannot be proven to match.
    let (code, _, _) = cli(&[&args[..], &[&file[..]]].concat());
    assert_eq!(code, 3);
}

#[test]
fn a_template_with_format_expressions_is_checked_in_its_region() {
    let file = format!("{REAL}/arm-template-missing-smb.json");
    let base = ["check", "--scenario", "compute", "--set", "dependencies=service-endpoint"];
    let (code, out, err) = cli(&[&base[..], &["--region", "westeurope", &file]].concat());
    assert_eq!(code, 3, "{err}");
    expect_file!["snapshots/check/arm-template-missing-smb.md"].assert_eq(&out);
    let (code, json, _) = cli(&[&base[..], &["--region", "westeurope", "--format", "json", &file]].concat());
    assert_eq!(code, 3);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let blocked: Vec<&serde_json::Value> = report["flows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["hops"].as_array().unwrap())
        .filter(|h| h["verdict"] == "blocked")
        .collect();
    assert_eq!(blocked.len(), 1, "{json}");
    assert_eq!(blocked[0]["port"], "445");
    assert_eq!(blocked[0]["decided_by"]["rule"], "deny-all-outbound");
    assert_eq!(blocked[0]["decided_by"]["priority"], 4096);
    let fix: serde_json::Value = serde_json::from_str(blocked[0]["fix"].as_str().unwrap()).unwrap();
    assert_eq!(fix["properties"]["destinationAddressPrefix"], "Storage.westeurope");
}

#[test]
fn a_terraform_state_missing_the_inbound_rule_gets_it_back_in_hcl() {
    let file = format!("{REAL}/tf-state-missing-44224.json");
    let (code, out, err) = cli(&["check", "--scenario", "compute", "--set", "compute_public_ip=on", &file]);
    assert_eq!(code, 3, "{err}");
    expect_file!["snapshots/check/tf-state-missing-44224.md"].assert_eq(&out);
}

#[test]
fn the_json_report_has_the_public_shape() {
    let file = format!("{REAL}/az-nsg-no-deny-outbound.json");
    let (_, out, _) = cli(&["check", "--scenario", "compute", "--format", "json", &file]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>().join(",");
    assert_eq!(keys(&json), "assumptions,config,errors,flows,obsolete,region,scenario,unneeded");
    assert_eq!(json["region"], serde_json::Value::Null);
    let flow = &json["flows"][0];
    assert_eq!(keys(flow), "hops,id,purpose,verdict");
    assert_eq!(keys(&flow["hops"][0]), "decided_by,fix,from,needs,port,protocol,reason,to,verdict");
    assert_eq!(keys(&flow["hops"][0]["needs"]), "direction,fqdns,service_tag");
    assert_eq!(keys(&json["unneeded"][0]), "file,rule,set,why");
    assert_eq!(keys(&json["obsolete"][0]), "file,note,rule,set,sources");
    let verdicts = ["allowed", "blocked", "unresolved", "not-filtered"];
    for hop in json["flows"].as_array().unwrap().iter().flat_map(|f| f["hops"].as_array().unwrap()) {
        assert!(verdicts.contains(&hop["verdict"].as_str().unwrap()), "{hop}");
    }
}

#[test]
fn broken_files_are_listed_and_the_rest_is_checked() {
    let broken = "tests/fixtures/rulesets/broken-priorities.json";
    let (code, out, _) = cli(&["check", "--scenario", "compute", "--format", "json", broken]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["errors"].as_array().unwrap().len() >= 5, "{out}");
    assert!(json["errors"][0]["at"].as_str().unwrap().starts_with('/'), "a JSON pointer");
    assert!(code == 0 || code == 3 || code == 4, "the readable rules were checked: {code}");
    // Not JSON at all: exit 1, with the report still printed.
    let dir = std::env::temp_dir().join(format!("vnet-flows-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("rules.txt");
    std::fs::write(&text, "priority 100 allow tcp 443").unwrap();
    let (code, out, _) = cli(&["check", "--scenario", "compute", text.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("not JSON"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_and_missing_files() {
    let (code, _, err) = cli(&["check", "--scenario", "compute"]);
    assert_eq!((code, err.contains("at least one FILE")), (2, true), "{err}");
    let (code, _, err) = cli(&["check", "--scenario", "compute", "/no/such/file.json"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = cli(&["check", "--scenario", "compute", "--subnet", "training", "x.json"]);
    assert_eq!((code, err.contains("NAME=CIDR")), (2, true), "{err}");
    let (code, _, err) = cli(&["check", "--scenario", "compute", "--subnet", "kitchen=10.0.0.0/24", "x.json"]);
    assert_eq!((code, err.contains("training")), (2, true), "{err}");
    let (code, _, err) = cli(&["export", "--scenario", "compute", "--format", "yaml"]);
    assert_eq!((code, err.contains("nsg-json")), (2, true), "{err}");
    let (code, _, err) = cli(&["export", "--scenario", "compute", "--format", "firewall-json"]);
    assert_eq!((code, err.contains("egress=firewall")), (2, true), "{err}");
    let (code, _, err) = cli(&["export", "--scenario", "compute", "--format", "bicep", "--priority-start", "50"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn export_writes_every_format_for_the_firewall_case() {
    for format in ["nsg-json", "firewall-json", "az-cli", "bicep", "terraform"] {
        let (code, out, err) = cli(&[
            "export",
            "--scenario",
            "compute",
            "--set",
            "egress=firewall",
            "--format",
            format,
            "--deny-outbound",
        ]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(out.ends_with('\n') && out.len() > 200, "{format}: {out}");
    }
    let (_, bicep, _) = cli(&["export", "--scenario", "compute", "--set", "egress=firewall", "--format", "bicep"]);
    assert!(bicep.contains("ruleCollectionGroups") && bicep.contains("param location string"), "{bicep}");
}
