//! The shipped data: loads, and passes every consistency check in every configuration.

use vnet_flows::check::check;
use vnet_flows::config::Config;
use vnet_flows::model::NodeId;
use vnet_flows::resolve::resolve;

#[test]
fn shipped_data_is_consistent_in_every_configuration() {
    let catalog = super::catalog();
    let problems = check(&catalog, vnet_flows::AML_DATA);
    let list: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
    assert!(list.is_empty(), "{} problems:\n{}", list.len(), list.join("\n"));
}

#[test]
fn the_seed_pages_scenarios_are_all_there() {
    let catalog = super::catalog();
    for id in ["studio", "studio-data", "compute", "aks", "docker-images", "sdk-cli", "online-endpoints"] {
        let scenario = catalog.scenario(id).unwrap_or_else(|| panic!("scenario {id} is missing"));
        assert!(!scenario.flows.is_empty(), "{id} has no flows");
        assert!(!scenario.keys.is_empty(), "{id} declares no keys");
    }
}

#[test]
fn every_configuration_shows_something_or_says_why_not() {
    let catalog = super::catalog();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for config in Config::combinations(&catalog, scenario) {
            let r = resolve(&catalog, id, &config);
            assert!(
                !r.flows.is_empty() && (!r.rules.is_empty() || !r.steps.is_empty() || !r.findings.is_empty()),
                "{} with {} resolves to nothing",
                scenario.id,
                config.summary(&catalog, scenario)
            );
        }
    }
}

#[test]
fn the_vocabulary_of_the_issue_is_kept() {
    // These keys, values and defaults are a public interface (links, scripts, the command line).
    let expected: [(&str, &[&str], &str); 17] = [
        ("client", &["studio", "sdk", "vscode"], "studio"),
        ("access", &["vpn", "expressroute", "bastion", "internet"], "vpn"),
        ("workspace_pe", &["on", "off"], "on"),
        ("dependencies", &["private-endpoint", "service-endpoint", "public"], "private-endpoint"),
        ("dns", &["azure-private-dns", "custom-dns", "hosts-file"], "azure-private-dns"),
        ("compute_public_ip", &["on", "off"], "off"),
        ("egress", &["default", "firewall", "nat-gateway"], "default"),
        ("storage_behind_firewall", &["on", "off"], "off"),
        ("images", &["azureml", "own"], "azureml"),
        ("studio_data_auth", &["managed-identity", "credentials"], "managed-identity"),
        ("storage_exception", &["resource-instance", "trusted-services", "none"], "resource-instance"),
        ("aks_load_balancer", &["public", "internal"], "public"),
        ("aks_private", &["on", "off"], "off"),
        ("cloud", &["public", "usgov", "china"], "public"),
        ("hbi_workspace", &["on", "off"], "off"),
        ("monitor", &["public", "private-link"], "public"),
        // Added for the online endpoints scenario.
        ("endpoint_public", &["on", "off"], "off"),
    ];
    let catalog = super::catalog();
    for (id, values, default) in expected {
        let key = &catalog.keys[catalog.key_index(id).unwrap_or_else(|| panic!("key {id} is missing"))];
        assert_eq!(key.values, values, "values of {id}");
        assert_eq!(key.values[key.default], default, "default of {id}");
    }
}

#[test]
fn every_item_cites_sources_that_exist_with_dates() {
    let catalog = super::catalog();
    let cited = catalog
        .rules
        .iter()
        .flat_map(|r| &r.sources)
        .chain(catalog.steps.iter().flat_map(|s| &s.sources))
        .chain(catalog.findings.iter().flat_map(|f| &f.sources));
    for id in cited {
        let source = catalog.source(id).unwrap_or_else(|| panic!("unknown source {id}"));
        assert_eq!(source.date.len(), 10, "{id} has no date");
    }
}

/// The binaries decode the catalog `build.rs` encoded; it is exactly what loading the data file
/// gives, so the tests on the loaded file hold for what the widget and the command line show.
#[test]
fn the_encoded_catalog_is_the_loaded_data_file() {
    let loaded = vnet_flows::data::load(vnet_flows::AML_DATA).expect("the shipped data loads");
    let decoded = super::catalog();
    assert_eq!(format!("{decoded:?}"), format!("{loaded:?}"));
}

#[test]
fn the_azure_machine_learning_route_takes_its_traffic_around_the_firewall() {
    // With a public IP behind a firewall, the route step sends the AzureMachineLearning tag to
    // next hop Internet, so no flow may draw that traffic through the firewall; without a public
    // IP there is no such route and the firewall carries it.
    let catalog = super::catalog();
    let firewall = NodeId(catalog.nodes.iter().position(|n| n.id == "firewall").unwrap());
    let service = NodeId(catalog.nodes.iter().position(|n| n.id == "aml-service").unwrap());
    for (pip, through) in [("compute_public_ip=on", false), ("compute_public_ip=off", true)] {
        let r = super::resolve_with(&catalog, "compute", &[pip, "egress=firewall", "workspace_pe=on"]);
        let passes = r.flows.iter().flat_map(|f| &f.hops).any(|h| h.from == firewall && h.to == service);
        assert_eq!(passes, through, "with {pip}");
    }
}

#[test]
fn keys_that_change_nothing_in_some_configurations_are_known() {
    // A key may matter only with some values of the others (egress in studio only moves the
    // jump box's traffic, so it changes nothing unless access=bastion). The widget shows every
    // declared key, so this is no error; the list is pinned so a new dead control shows here.
    let catalog = super::catalog();
    let mut lines = Vec::new();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for dead in vnet_flows::check::dead_keys(&catalog, id).into_iter().filter(|d| d.dead > 0) {
            lines.push(format!("{} {}: {} of {}", scenario.id, catalog.keys[dead.key].id, dead.dead, dead.total));
        }
    }
    expect_test::expect![[r#"
        studio egress: 972 of 1296
        studio-data storage_exception: 288 of 864
        sdk-cli egress: 972 of 2592
        docker-images images: 72 of 216
        docker-images compute_public_ip: 24 of 216
        online-endpoints egress: 378 of 432"#]]
    .assert_eq(&lines.join("\n"));
}
