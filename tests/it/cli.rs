//! The command line, driven through `cli::run` with in-memory writers, and once as a process.

use std::process::Command;

use vnet_flows::cli::run;

/// Runs the command line in process: (exit code, stdout, stderr).
fn cli(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

#[test]
fn rules_json_has_the_public_shape() {
    let (code, out, err) =
        cli(&["rules", "--scenario", "compute", "--set", "compute_public_ip=on", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["config", "findings", "flows", "rules", "scenario", "steps"]);
    assert_eq!(json["scenario"], "compute");
    assert_eq!(json["config"]["compute_public_ip"], "on");

    let catalog = super::catalog();
    let scenario = catalog.scenario("compute").unwrap();
    assert_eq!(json["config"].as_object().unwrap().len(), scenario.keys.len(), "every key of the scenario");

    let rules = json["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let mut fields: Vec<&str> = rule.as_object().unwrap().keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "condition",
                "destination",
                "direction",
                "fqdns",
                "notes",
                "ports",
                "protocol",
                "purpose",
                "service_tag",
                "source",
                "sources"
            ]
        );
        assert!(["inbound", "outbound", "private"].contains(&rule["direction"].as_str().unwrap()));
        assert!(["TCP", "UDP", "Any"].contains(&rule["protocol"].as_str().unwrap()));
        for port in rule["ports"].as_array().unwrap() {
            let port = port.as_str().unwrap();
            assert!(port.split('-').all(|p| p.parse::<u16>().is_ok()), "port {port}");
        }
        assert!(!rule["sources"].as_array().unwrap().is_empty());
    }
    for step in json["steps"].as_array().unwrap() {
        assert!(["dns", "route", "role", "storage", "image-build", "other"].contains(&step["kind"].as_str().unwrap()));
    }
    for flow in json["flows"].as_array().unwrap() {
        assert!(flow["id"].is_string() && flow["purpose"].is_string());
        for hop in flow["hops"].as_array().unwrap() {
            assert!(hop["from"].is_string() && hop["to"].is_string() && hop["port"].is_string());
        }
    }
}

#[test]
fn every_scenario_and_every_value_of_its_keys_works_from_the_command_line() {
    let catalog = super::catalog();
    for scenario in &catalog.scenarios {
        for sk in &scenario.keys {
            let key = &catalog.keys[sk.key];
            for &v in &sk.values {
                let setting = format!("{}={}", key.id, key.values[v]);
                for format in ["markdown", "csv", "json"] {
                    let (code, out, err) =
                        cli(&["rules", "--scenario", &scenario.id, "--set", &setting, "--format", format]);
                    assert_eq!(code, 0, "{} {setting} {format}: {err}", scenario.id);
                    assert!(!out.is_empty());
                }
            }
        }
    }
}

#[test]
fn a_bad_value_exits_2_and_lists_the_valid_choices() {
    let (code, out, err) = cli(&["rules", "--scenario", "compute", "--set", "compute_public_ip=maybe"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(err, "error: `maybe` is not a value of compute_public_ip; valid values: on, off\n");
}

#[test]
fn a_bad_key_exits_2_and_lists_the_scenarios_keys() {
    let (code, _, err) = cli(&["rules", "--scenario", "studio", "--set", "aks_private=on", "--set", "colour=red"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: `aks_private` does not apply to scenario studio; its keys: access, workspace_pe, v1_legacy_mode, dependencies, dns, egress, cloud\n\
         `colour` is not a key of scenario studio; its keys: access, workspace_pe, v1_legacy_mode, dependencies, dns, egress, cloud\n"
    );
}

#[test]
fn a_restricted_key_lists_only_its_scenarios_values() {
    let (code, _, err) = cli(&["rules", "--scenario", "sdk-cli", "--set", "client=studio"]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: `studio` is not a value of client; valid values: sdk, vscode\n");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["rules"][..],
        &["rules", "--scenario", "nope"],
        &["rules", "--scenario", "studio", "--format", "pdf"],
        &["rules", "--scenario"],
        &["rules", "--scenario", "studio", "--colour", "red"],
        &["scenarios", "extra"],
        &["frobnicate"],
        &["check-data"],
    ] {
        let (code, out, err) = cli(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty() && err.starts_with("error: "), "{args:?}: {err}");
    }
    let (_, _, err) = cli(&["rules", "--scenario", "nope"]);
    assert!(
        err.contains("scenarios: studio, studio-data, sdk-cli, compute, aks, docker-images, online-endpoints"),
        "{err}"
    );
}

#[test]
fn scenarios_lists_keys_values_and_defaults() {
    let (code, out, _) = cli(&["scenarios", "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), super::catalog().scenarios.len());
    let sdk = list.iter().find(|s| s["id"] == "sdk-cli").unwrap();
    let client = sdk["keys"].as_array().unwrap().iter().find(|k| k["key"] == "client").unwrap();
    assert_eq!(client["values"], serde_json::json!(["sdk", "vscode"]));
    assert_eq!(client["default"], "sdk");

    let (code, text, _) = cli(&["scenarios"]);
    assert_eq!(code, 0);
    assert!(text.contains("compute_public_ip") && text.contains("off (default)"), "{text}");
}

#[test]
fn csv_has_a_header_and_one_row_per_rule() {
    let (_, json, _) = cli(&["rules", "--scenario", "studio", "--format", "json"]);
    let rules = serde_json::from_str::<serde_json::Value>(&json).unwrap()["rules"].as_array().unwrap().len();
    let (code, csv, _) = cli(&["rules", "--scenario", "studio", "--format", "csv"]);
    assert_eq!(code, 0);
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(
        lines.next(),
        Some("direction,source,destination,service_tag,fqdns,protocol,ports,purpose,condition,sources,notes")
    );
    assert_eq!(lines.count(), rules);
}

#[test]
fn check_data_lists_every_error_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("vnet-flows-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.toml");
    let text = vnet_flows::AML_DATA.replacen("ports = [\"443\"]", "ports = [\"99999\"]", 1).replacen(
        "to = \"entra-id\"",
        "to = \"entra\"",
        1,
    );
    std::fs::write(&broken, text).unwrap();
    let path = broken.to_str().unwrap();
    let (code, out, err) = cli(&["check-data", path]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("error: 2 problem(s) in "), "{err}");
    assert!(err.contains("ports: `99999` is not a port number from 1 to 65535"), "{err}");
    assert!(err.contains("hops[1].to: unknown node `entra`"), "{err}");

    let (code, out, _) = cli(&["check-data", "data/aml.toml"]);
    assert_eq!(code, 0);
    assert!(out.contains(": ok: "), "{out}");

    let (code, _, err) = cli(&["check-data", dir.join("missing.toml").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("missing.toml"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_binary_reports_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_vnet-flows");
    let ok = Command::new(bin).args(["rules", "--scenario", "studio"]).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("### Access the workspace from studio"));
    let bad =
        Command::new(bin).args(["rules", "--scenario", "studio", "--set", "dns=carrier-pigeon"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("valid values: azure-private-dns, custom-dns, hosts-file"));
    // An argument that is not UTF-8 is a usage error, not a panic.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"\xff\xfe");
        let out = Command::new(bin).args(["rules".as_ref(), "--scenario".as_ref(), odd]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
}

/// Every element opened in `html` is closed, in order (void elements aside), and no text
/// contains a raw `<` or `>` that is not part of a tag.
fn assert_well_formed(html: &str) {
    const VOID: [&str; 2] = ["br", "hr"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        assert!(!rest[..start].contains('>'), "a stray `>` before {:?}", &rest[start..start.min(rest.len())]);
        let end = rest[start..].find('>').expect("a tag is closed") + start;
        let tag = &rest[start + 1..end];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if tag.starts_with('/') {
            assert_eq!(open.pop().as_deref(), Some(name.as_str()), "closing </{name}> out of order");
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn rules_as_html_is_a_semantic_table() {
    let (code, out, err) =
        cli(&["rules", "--scenario", "compute", "--set", "compute_public_ip=on", "--format", "html"]);
    assert_eq!(code, 0, "{err}");
    assert_well_formed(&out);
    assert!(out.starts_with("<section") && out.contains("<caption>") && out.contains("<th scope=\"col\">Ports</th>"));
    // The public IP brings Batch's inbound management port, as in the other formats.
    assert!(out.contains("44224"), "{out}");
    let json: serde_json::Value = serde_json::from_str(
        &cli(&["rules", "--scenario", "compute", "--set", "compute_public_ip=on", "--format", "json"]).1,
    )
    .unwrap();
    let rows = json["rules"].as_array().unwrap().len();
    assert_eq!(out.matches("<th scope=\"row\">").count(), rows, "one row per rule");
    // Host-name placeholders are escaped, not read as tags.
    assert!(out.contains("&lt;region&gt;") && !out.contains("<region>"));
    // No script, inline style or event handler: it must stay inert in a host page.
    assert!(!out.contains("<script") && !out.contains(" style=") && !out.contains(" onclick="));
}

#[test]
fn every_scenario_renders_as_html_and_svg() {
    let catalog = super::catalog();
    for id in catalog.scenario_ids() {
        let s = &catalog.scenarios[id];
        let (code, html, err) = cli(&["rules", "--scenario", &s.id, "--format", "html"]);
        assert_eq!(code, 0, "{}: {err}", s.id);
        assert_well_formed(&html);
        for width in ["320", "960"] {
            let (code, svg, err) = cli(&["diagram", "--scenario", &s.id, "--format", "svg", "--width", width]);
            assert_eq!(code, 0, "{}: {err}", s.id);
            assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Diagram of "), "{}", &svg[..80]);
            assert!(svg.contains(&format!("width=\"{width}\"")) && svg.contains("viewBox=\"0 0 "));
            assert!(svg.contains("<title>") && svg.trim_end().ends_with("</svg>"));
            // Every place the traffic visits is drawn: each word of its label is in a `<text>`
            // element (labels wrap over lines), not just in the title.
            let drawn: String = svg
                .split("<text")
                .skip(1)
                .filter_map(|t| Some(&t[t.find('>')? + 1..t.find("</text>")?]))
                .collect::<Vec<_>>()
                .join(" ");
            let r = vnet_flows::resolve::resolve(&catalog, id, &vnet_flows::config::Config::defaults(&catalog, s));
            for flow in &r.flows {
                for hop in &flow.hops {
                    for word in catalog.nodes[hop.to].label.split_whitespace() {
                        let escaped = word.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                        assert!(drawn.contains(&escaped), "{}: {word} of {}", s.id, catalog.nodes[hop.to].label);
                    }
                }
            }
        }
    }
}

#[test]
fn diagram_follows_the_configuration_and_rejects_bad_options() {
    let off = cli(&["diagram", "--scenario", "compute"]).1;
    let on = cli(&["diagram", "--scenario", "compute", "--set", "compute_public_ip=on"]).1;
    assert_ne!(off, on, "the public IP changes the picture");
    assert!(on.contains("44224") && !off.contains("44224"));
    for (args, message) in [
        (&["diagram", "--scenario", "compute", "--width", "12"][..], "--width must be"),
        (&["diagram", "--scenario", "compute", "--width", "wide"][..], "not `wide`"),
        (&["diagram", "--scenario", "compute", "--format", "png"][..], "formats: svg"),
        (&["diagram"][..], "diagram needs --scenario"),
        (&["diagram", "--scenario", "nope"][..], "unknown scenario `nope`"),
        (&["diagram", "--scenario", "compute", "--set", "firewall"][..], "firewall"),
    ] {
        let (code, _, err) = cli(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn diagram_as_mermaid_is_an_animated_flowchart() {
    let catalog = super::catalog();
    for id in catalog.scenario_ids() {
        let s = &catalog.scenarios[id];
        let (code, text, err) = cli(&["diagram", "--scenario", &s.id, "--format", "mermaid"]);
        assert_eq!(code, 0, "{}: {err}", s.id);
        assert!(text.starts_with("---\ntitle: \"") && text.contains("\nflowchart LR\n"), "{}", s.id);
        let edges = text.lines().filter(|l| l.contains("@-->|\"")).count();
        let animated = text.lines().filter(|l| l.trim().ends_with("@{ animate: true }")).count();
        let styled = text.lines().filter(|l| l.trim().starts_with("linkStyle ")).count();
        assert!(edges > 0 && edges == animated && edges == styled, "{}: {edges} {animated} {styled}", s.id);
        // Node ids are plain words; labels keep their quotes balanced.
        for line in text.lines().filter(|l| l.contains("@-->")) {
            let ids: Vec<&str> = line.split_whitespace().filter(|w| w.starts_with("n_")).collect();
            assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')), "{line}");
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
        // Every place of every flow is a node of the chart.
        let r = vnet_flows::resolve::resolve(&catalog, id, &vnet_flows::config::Config::defaults(&catalog, s));
        for hop in r.flows.iter().flat_map(|f| &f.hops) {
            let id = format!("n_{}[", catalog.nodes[hop.to].id.replace('-', "_"));
            assert!(text.contains(&id), "{}: {id}", s.id);
        }
    }
}
