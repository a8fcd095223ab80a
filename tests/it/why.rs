//! `vnet-flows why` and the symptom matcher behind it: every symptom finds its own cause,
//! fragments and noisy pastes still do, unrelated text matches nothing, the JSON keeps its public
//! shape, and 20,000 random and mutated queries never panic or break the score's promises.

use std::collections::HashSet;

use vnet_flows::cli::run;
use vnet_flows::model::Catalog;
use vnet_flows::symptoms::{Cause, CauseKind, Index, MIN_SCORE, arises, explain, normalize, symptoms, tokens};

use super::fuzz::{Rng, mutate};

fn cli(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

fn id(catalog: &Catalog, cause: Cause) -> &str {
    match cause.kind {
        CauseKind::Rule => &catalog.rules[cause.item].id,
        CauseKind::Step => &catalog.steps[cause.item].id,
        CauseKind::Finding => &catalog.findings[cause.item].id,
    }
}

/// The id of the best match for `query`, if any.
fn best(catalog: &Catalog, index: &Index, query: &str) -> Option<String> {
    index.search(query).first().map(|hit| id(catalog, hit.cause).to_string())
}

#[test]
fn the_data_has_enough_distinct_symptoms_in_every_scenario() {
    let catalog = super::catalog();
    let all: Vec<_> = symptoms(&catalog).collect();
    assert!(all.len() >= 30, "only {} symptoms", all.len());
    let mut texts = HashSet::new();
    for (_, s) in &all {
        assert!(texts.insert(s.text.as_str()), "symptom text twice: {}", s.text);
    }
    for index in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[index];
        let some = all.iter().any(|(cause, _)| arises(&catalog, *cause, index).is_some());
        assert!(some, "scenario {} has no symptom", scenario.id);
    }
}

#[test]
fn every_symptom_finds_its_own_cause_first_and_arises_somewhere() {
    let catalog = super::catalog();
    let index = Index::new(&catalog);
    for (cause, symptom) in symptoms(&catalog) {
        let hits = index.search(&symptom.text);
        let first = hits.first().unwrap_or_else(|| panic!("`{}` matches nothing", symptom.text));
        assert_eq!(first.cause, cause, "`{}` finds {} first", symptom.text, id(&catalog, first.cause));
        assert!(first.score > 0.99, "`{}` scores {} against itself", symptom.text, first.score);
        let somewhere = catalog.scenario_ids().any(|s| arises(&catalog, cause, s).is_some());
        assert!(somewhere, "the cause of `{}` applies in no configuration", symptom.text);
    }
}

#[test]
fn distinctive_fragments_match() {
    let catalog = super::catalog();
    let index = Index::new(&catalog);
    let cases = [
        ("denied based on workspace private link configuration", "client-pe-workspace"),
        ("outside of the designated private link", "sdk-internet-workspace"),
        ("Max retries exceeded with url: /discovery", "client-out-aml"),
        ("fails with Forbidden when listing datastores", "data-keyvault-trusted"),
        ("compute instance creation hangs", "compute-out-aml-udp"),
        ("UDP 5831", "compute-out-aml-udp"),
        ("nslookup returns a public IP address", "client-dns-zones-public"),
        ("sample pipelines fail", "data-designer-samples"),
        ("Firefox DNS over HTTPS", "client-browser"),
        ("azureml-fe pods cannot start", "aks-out-mcr"),
    ];
    for (query, expected) in cases {
        assert_eq!(best(&catalog, &index, query).as_deref(), Some(expected), "{query}");
    }
}

#[test]
fn noisy_pastes_still_find_the_cause() {
    let catalog = super::catalog();
    let index = Index::new(&catalog);
    let cases = [
        (
            "HTTP/1.1 502 Bad Gateway\r\n{\"error\": {\"code\": \"UserError\", \"message\": \"Access to workspace \
             was denied based on workspace\nprivate link configuration.\", \"correlation\": \
             \"8be339a6-5b18-8842-b08b-01a7a7c81e7d\"}} westeurope",
            "client-pe-workspace",
        ),
        (
            "\u{1b}[31mERROR\u{1b}[0m: (UserError) User is not authorized to access provided resources due to none \
             of the workspaces/registries are accessible from outside of the \u{201c}designated private link\u{201d}.",
            "sdk-internet-workspace",
        ),
        (
            "[31mERROR:[0m HTTPSConnectionPool(host=\\'eastus2.experiments.azureml.net\\', port=443): Max \
             retries exceeded with url: /discovery (Caused by SSLError(SSLError(\"bad handshake\")))",
            "client-out-aml",
        ),
        (
            "2024-05-01T10:22:03Z az ml datastore list -w ws-prod -g rg-ml \
             /subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ml/providers/\
             Microsoft.MachineLearningServices/workspaces/ws-prod: listing datastores failed: Forbidden (403)",
            "data-keyvault-trusted",
        ),
        (
            "nslookup 3f2a9c1e-77d1-4c3b-9f0e-1b2c3d4e5f60.workspace.northeurope.api.azureml.ms returned \
             a public IP address 20.50.2.10, not the private endpoint's address",
            "client-dns-zones-public",
        ),
        (
            "Compute instance \u{2018}ci-alice-01\u{2019} creation hangs then fails in swedencentral; \
             see https://ml.azure.com/compute/ci-alice-01?wsid=/subscriptions/abc",
            "compute-out-aml-udp",
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(best(&catalog, &index, query).as_deref(), Some(expected), "{query}");
    }
}

#[test]
fn unrelated_text_matches_nothing() {
    let catalog = super::catalog();
    let index = Index::new(&catalog);
    for query in [
        "the coffee machine is out of order",
        "banana umbrella violin pancake horizon",
        "Please remember to water the plants on Tuesday",
        "00000000-0000-0000-0000-000000000000 12345 westeurope",
        "\u{1b}[0m\u{1b}[31m",
        "",
        "   \n\t",
    ] {
        let hits = index.search(query);
        assert!(hits.is_empty(), "`{query}` matches {:?}", hits.first().map(|h| id(&catalog, h.cause)));
    }
}

#[test]
fn normalizing_drops_terminal_and_azure_noise() {
    assert_eq!(normalize("\u{1b}[1;31mFailed\u{1b}[0m"), " failed ");
    assert_eq!(normalize("[31mRed[0m"), " red ");
    let url = normalize("see https://mcr.microsoft.com/v2/azureml/base?tag=1 now");
    assert!(url.contains("mcr.microsoft.com") && !url.contains("azureml/base"), "{url}");
    let id = normalize("at /subscriptions/abc/resourceGroups/rg/providers/X/workspaces/ws, then");
    assert!(!id.contains("resourcegroups") && id.contains("then"), "{id}");
    let words =
        tokens("Compute’s GUID 1f2e3d4c-aaaa-bbbb-cccc-1234567890ab in EastUS2 fails on port 445", &|w: &str| {
            w == "445"
        });
    assert_eq!(words, ["compute", "guid", "fail", "port", "445"]);
}

#[test]
fn json_has_the_public_shape() {
    let (code, out, err) = cli(&["why", "UDP 5831 blocked, compute instance creation hangs", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["matches", "query"]);
    let matches = json["matches"].as_array().unwrap();
    assert!(!matches.is_empty() && matches.len() <= 5);
    let catalog = super::catalog();
    let mut last = 1.0;
    for m in matches {
        let mut fields: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["cause", "config", "scenario", "score", "sources", "symptom"]);
        let score = m["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score) && score <= last, "scores fall: {score} after {last}");
        last = score;
        let scenario = catalog.scenario(m["scenario"].as_str().unwrap()).expect("a scenario id");
        assert_eq!(m["config"].as_object().unwrap().len(), scenario.keys.len());
        let mut cause: Vec<&str> = m["cause"].as_object().unwrap().keys().map(String::as_str).collect();
        cause.sort_unstable();
        assert_eq!(cause, ["id", "kind", "text"]);
        assert!(["rule", "step", "finding"].contains(&m["cause"]["kind"].as_str().unwrap()));
        for source in m["sources"].as_array().unwrap() {
            let cite = source.as_str().unwrap();
            assert!(cite.ends_with(')') && cite.contains(" (20"), "{cite}");
        }
    }
    assert_eq!(matches[0]["cause"]["id"], "compute-out-aml-udp");
    assert_eq!(matches[0]["scenario"], "compute");
}

#[test]
fn text_names_a_rules_command_the_fix_and_the_sources() {
    let (code, out, _) = cli(&["why", "port 445 mount times out behind a firewall", "--limit", "1"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("1. The file share mount times out"), "{out}");
    assert!(out.contains("arises in: vnet-flows rules --scenario compute --set storage_behind_firewall=on\n"), "{out}");
    assert!(out.contains("cause: rule compute-out-storage-smb-fw\n"), "{out}");
    assert!(out.contains("fix: allow outbound TCP 445 from "), "{out}");
    assert!(out.contains("sources: FW26 (2026-03-19)"), "{out}");
    assert!(!out.contains("2. "), "--limit 1 prints one match: {out}");
}

#[test]
fn exit_codes_say_whether_anything_matched() {
    let (code, out, _) = cli(&["why", "the coffee machine is out of order", "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(json["matches"], serde_json::json!([]));
    let (code, out, _) = cli(&["why", "the coffee machine is out of order"]);
    assert_eq!(code, 1);
    assert!(out.contains("No known symptom matches") && out.contains("`vnet-flows scenarios`"), "{out}");
    for args in [
        &["why"][..],
        &["why", ""],
        &["why", "  "],
        &["why", "one", "two"],
        &["why", "x", "--limit", "0"],
        &["why", "x", "--limit", "many"],
        &["why", "x", "--format", "yaml"],
        &["why", "x", "--scenario", "compute"],
    ] {
        let (code, _, err) = cli(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
}

#[test]
fn fuzzed_queries_never_panic_and_scores_keep_their_promises() {
    let catalog = super::catalog();
    let index = Index::new(&catalog);
    let texts: Vec<&str> = symptoms(&catalog).map(|(_, s)| s.text.as_str()).collect();
    let words: Vec<&str> = texts.iter().flat_map(|t| t.split_whitespace()).collect();
    let mut rng = Rng::new(0x5eed_5a4d_0fc0_de01);
    for round in 0..super::fuzz::budget(20_000) {
        let query = match rng.below(3) {
            0 => {
                let text = *rng.pick(&texts);
                mutate(text, &mut rng)
            }
            1 => (0..rng.below(12)).map(|_| *rng.pick(&words[..])).collect::<Vec<_>>().join(" "),
            _ => (0..rng.below(80)).map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')).collect(),
        };
        let hits = index.search(&query);
        for pair in hits.windows(2) {
            assert!(pair[0].score >= pair[1].score, "not sorted for {query:?}");
        }
        for hit in &hits {
            assert!((MIN_SCORE..=1.0).contains(&hit.score), "score {} for {query:?}", hit.score);
        }
        if round % 1000 == 0 {
            let limit = 1 + rng.below(5);
            assert!(explain(&catalog, &index, &query, limit).len() <= limit);
        }
    }
}
