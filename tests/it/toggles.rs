//! Configuration keys do what the docs say they do. Each test names the doc that says it.

use vnet_flows::export::{PUBLIC_NAMES_ONLY, Report};
use vnet_flows::model::{Direction, Severity, Zone};
use vnet_flows::resolve::Resolution;

use super::{catalog, resolve_with};

fn rule_ids(r: &Resolution) -> Vec<&str> {
    r.rules.iter().map(|&i| r.catalog.rules[i].id.as_str()).collect()
}

fn inbound(r: &Resolution) -> usize {
    r.rules.iter().filter(|&&i| r.catalog.rules[i].direction == Direction::Inbound).count()
}

/// Every node a resolution's flows pass through, by id.
fn nodes_on_path(r: &Resolution) -> Vec<&str> {
    r.flows.iter().flat_map(|f| &f.hops).flat_map(|h| [h.from, h.to]).map(|n| r.catalog.nodes[n].id.as_str()).collect()
}

fn has_rule_with(r: &Resolution, pred: impl Fn(&vnet_flows::model::Rule) -> bool) -> bool {
    r.rules.iter().any(|&i| pred(&r.catalog.rules[i]))
}

#[test]
fn compute_without_public_ip_has_no_inbound_rule() {
    // TRN24, FW26: no-public-IP compute is reached through a private link service.
    let catalog = catalog();
    let off = resolve_with(&catalog, "compute", &["compute_public_ip=off"]);
    assert_eq!(inbound(&off), 0, "{:?}", rule_ids(&off));
    let on = resolve_with(&catalog, "compute", &["compute_public_ip=on"]);
    assert!(
        has_rule_with(&on, |r| r.direction == Direction::Inbound
            && r.service_tag.as_deref() == Some("AzureMachineLearning")
            && r.ports.iter().any(|p| p.first == 44224)),
        "{:?}",
        rule_ids(&on)
    );
    // Batch inbound 29876-29877 was dropped in 2023 (FW23, FW26); it survives only as a note.
    assert!(!has_rule_with(&on, |r| r.ports.iter().any(|p| p.first == 29876)));
}

#[test]
fn a_firewall_in_front_of_the_storage_private_endpoint_adds_smb_445() {
    // FW26, PIA25: outbound Storage.<region> on 445 when a firewall sits before the storage PE.
    let catalog = catalog();
    let smb_out = |r: &Resolution| {
        has_rule_with(r, |rule| rule.direction == Direction::Outbound && rule.ports.iter().any(|p| p.first == 445))
    };
    let without = resolve_with(&catalog, "compute", &["storage_behind_firewall=off"]);
    let with = resolve_with(&catalog, "compute", &["storage_behind_firewall=on"]);
    assert!(!smb_out(&without));
    assert!(smb_out(&with));
}

#[test]
fn the_hbi_flag_adds_the_managed_key_vault() {
    // FW26, PIA25 (the concept article disagrees; a note says so).
    let catalog = catalog();
    let vault = |r: &Resolution| has_rule_with(r, |rule| rule.service_tag.as_deref() == Some("AzureKeyVault.<region>"));
    let off = resolve_with(&catalog, "compute", &["hbi_workspace=off"]);
    let on = resolve_with(&catalog, "compute", &["hbi_workspace=on"]);
    assert!(!vault(&off) && vault(&on));
    let rule = on
        .rules
        .iter()
        .map(|&i| &catalog.rules[i])
        .find(|r| r.service_tag.as_deref() == Some("AzureKeyVault.<region>"));
    assert!(rule.unwrap().notes.iter().any(|n| n.contains("C25b") || n.contains("C23")), "the disagreement is shown");
}

#[test]
fn azure_monitor_private_link_replaces_the_monitor_tag() {
    // WS24, FW26: with a private link scope the AzureMonitor egress goes away.
    let catalog = catalog();
    let tag = |r: &Resolution| has_rule_with(r, |rule| rule.service_tag.as_deref() == Some("AzureMonitor"));
    assert!(tag(&resolve_with(&catalog, "compute", &["monitor=public"])));
    let private = resolve_with(&catalog, "compute", &["monitor=private-link"]);
    assert!(!tag(&private));
    assert!(nodes_on_path(&private).contains(&"pe-monitor"));
}

#[test]
fn no_public_ip_without_a_workspace_private_endpoint_is_blocked() {
    // TRN24: no-public-IP compute requires a workspace private endpoint.
    let catalog = catalog();
    let r = resolve_with(&catalog, "compute", &["compute_public_ip=off", "workspace_pe=off"]);
    assert!(r.is_blocked());
    let report = Report::new(&r);
    let blocked = report.findings.iter().find(|f| f.severity == vnet_flows::model::Severity::Blocked).unwrap();
    assert!(!blocked.flows.is_empty(), "the finding names the flow it blocks");
    assert!(blocked.text.contains("private endpoint"));
    assert!(!resolve_with(&catalog, "compute", &["compute_public_ip=on", "workspace_pe=off"]).is_blocked());
}

#[test]
fn an_internet_client_cannot_use_a_private_only_workspace() {
    let catalog = catalog();
    for scenario in ["studio", "studio-data", "sdk-cli"] {
        let r = resolve_with(&catalog, scenario, &["access=internet", "workspace_pe=on"]);
        assert!(r.is_blocked(), "{scenario}");
        let blocked: Vec<&str> =
            r.flows.iter().filter(|f| f.blocked).map(|f| catalog.flows[f.flow].id.as_str()).collect();
        assert!(blocked.contains(&"client-workspace"), "{scenario}: {blocked:?}");
    }
    let public = resolve_with(&catalog, "studio", &["access=internet", "workspace_pe=off", "dependencies=public"]);
    assert!(!public.is_blocked());
}

#[test]
fn vpn_and_expressroute_carry_client_traffic_into_the_vnet() {
    let catalog = catalog();
    let vpn = resolve_with(&catalog, "studio", &["access=vpn"]);
    assert!(nodes_on_path(&vpn).contains(&"vpn-gateway"));
    assert!(!nodes_on_path(&vpn).contains(&"expressroute-gateway"));
    let er = resolve_with(&catalog, "studio", &["access=expressroute"]);
    assert!(nodes_on_path(&er).contains(&"expressroute-gateway"));
    // Sign-in does not go through the VNet: the gateway sits only on the private paths.
    let sign_in = vpn.flows.iter().find(|f| catalog.flows[f.flow].id == "client-sign-in").unwrap();
    assert_eq!(sign_in.hops.len(), 1);
}

#[test]
fn bastion_puts_the_client_on_a_jump_box_behind_the_egress_device() {
    let catalog = catalog();
    let r = resolve_with(&catalog, "studio", &["access=bastion", "egress=firewall"]);
    assert_eq!(catalog.nodes[r.client].id, "jump-box");
    assert!(rule_ids(&r).contains(&"client-in-bastion"));
    let sign_in = r.flows.iter().find(|f| catalog.flows[f.flow].id == "client-sign-in").unwrap();
    let path: Vec<&str> = sign_in.hops.iter().map(|h| catalog.nodes[h.to].id.as_str()).collect();
    assert_eq!(path, ["firewall", "entra-id"]);
    // The rule sits on the leg that leaves the VNet.
    assert_eq!(sign_in.hops[0].rule, None);
    assert!(sign_in.hops[1].rule.is_some());
    let report = Report::new(&r);
    assert!(report.rules.iter().any(|rule| rule.source == "Jump box VM"), "{{client}} is filled in");
}

#[test]
fn egress_devices_sit_on_outbound_paths_only() {
    let catalog = catalog();
    let fw = resolve_with(&catalog, "compute", &["egress=firewall", "compute_public_ip=on"]);
    for flow in &fw.flows {
        for hop in &flow.hops {
            let rule = hop.rule.map(|r| catalog.rules[r].direction);
            let leaves_vnet = catalog.nodes[hop.from].zone == Zone::Vnet && catalog.nodes[hop.to].zone != Zone::Vnet;
            if rule == Some(Direction::Outbound) && leaves_vnet {
                // With a public IP, the route step sends the AzureMachineLearning tag to next hop
                // Internet: that traffic leaves around the firewall.
                let tag = hop.rule.and_then(|r| catalog.rules[r].service_tag.as_deref());
                let around = tag == Some("AzureMachineLearning");
                assert_eq!(catalog.nodes[hop.from].id == "firewall", !around, "{}", catalog.flows[flow.flow].id);
            }
            if rule == Some(Direction::Inbound) {
                assert_ne!(catalog.nodes[hop.to].id, "firewall");
            }
        }
    }
    let nat = resolve_with(&catalog, "compute", &["egress=nat-gateway"]);
    assert!(nodes_on_path(&nat).contains(&"nat-gateway") && !nodes_on_path(&nat).contains(&"firewall"));
    let default = resolve_with(&catalog, "compute", &[]);
    assert!(!nodes_on_path(&default).contains(&"nat-gateway") && !nodes_on_path(&default).contains(&"firewall"));
}

#[test]
fn own_images_drop_the_package_hosts() {
    // FW26 basic configuration: own images and own feed need no public package hosts.
    let catalog = catalog();
    let packages = |r: &Resolution| nodes_on_path(r).contains(&"packages");
    assert!(packages(&resolve_with(&catalog, "compute", &["images=azureml"])));
    assert!(!packages(&resolve_with(&catalog, "compute", &["images=own"])));
}

#[test]
fn the_cloud_changes_host_names_and_says_when_the_docs_give_none() {
    let catalog = catalog();
    let hosts = |cloud: &str| {
        let r = resolve_with(&catalog, "studio", &[&format!("cloud={cloud}")]);
        Report::new(&r).rules
    };
    let entra = |rules: &[vnet_flows::export::ReportRule]| {
        rules.iter().find(|r| r.service_tag.as_deref() == Some("AzureActiveDirectory")).unwrap().fqdns.clone()
    };
    assert_eq!(entra(&hosts("public")), ["login.microsoftonline.com"]);
    assert_eq!(entra(&hosts("usgov")), ["login.microsoftonline.us"]);
    assert_eq!(entra(&hosts("china")), ["login.chinacloudapi.cn"]);
    // Storage has each cloud's own names (FW26).
    let storage = hosts("usgov").into_iter().find(|r| r.destination == "Storage private endpoints").unwrap();
    assert!(storage.fqdns.iter().all(|h| h.ends_with(".core.usgovcloudapi.net")), "{:?}", storage.fqdns);
    assert!(!storage.notes.iter().any(|n| n == PUBLIC_NAMES_ONLY));
    // Azure Monitor's host names are given for the public cloud only: the row says so.
    let monitor = |cloud: &str| {
        let r = resolve_with(&catalog, "compute", &[&format!("cloud={cloud}")]);
        Report::new(&r).rules.into_iter().find(|r| r.destination == "Azure Monitor and Application Insights").unwrap()
    };
    assert!(monitor("usgov").notes.iter().any(|n| n == PUBLIC_NAMES_ONLY));
    assert!(!monitor("public").notes.iter().any(|n| n == PUBLIC_NAMES_ONLY));
}

#[test]
fn studio_data_needs_a_storage_exception_and_managed_identity() {
    // C25b, WS24, STU25.
    let catalog = catalog();
    assert!(!resolve_with(&catalog, "studio-data", &[]).is_blocked());
    assert!(resolve_with(&catalog, "studio-data", &["storage_exception=none"]).is_blocked());
    assert!(resolve_with(&catalog, "studio-data", &["studio_data_auth=credentials"]).is_blocked());
    let trusted = resolve_with(&catalog, "studio-data", &["storage_exception=trusted-services"]);
    assert!(trusted.steps.iter().any(|&s| catalog.steps[s].text.contains("trusted services")));
}

#[test]
fn private_aks_and_internal_load_balancer_change_the_paths() {
    let catalog = catalog();
    let public = resolve_with(&catalog, "aks", &[]);
    assert!(inbound(&public) > 0, "a public load balancer needs an inbound scoring rule");
    let internal = resolve_with(&catalog, "aks", &["aks_load_balancer=internal"]);
    assert_eq!(inbound(&internal), 0);
    assert!(nodes_on_path(&internal).contains(&"aks-internal-lb"));
    let private = resolve_with(&catalog, "aks", &["aks_private=on"]);
    assert!(has_rule_with(&private, |r| r.direction == Direction::Private
        && r.fqdns.public.iter().any(|h| h.contains("azmk8s"))));
}

#[test]
fn the_workspace_private_endpoint_switches_client_paths() {
    let catalog = catalog();
    let on = resolve_with(&catalog, "studio", &["workspace_pe=on"]);
    let off = resolve_with(&catalog, "studio", &["workspace_pe=off"]);
    assert!(nodes_on_path(&on).contains(&"pe-workspace"));
    assert!(!nodes_on_path(&off).contains(&"pe-workspace"));
    assert!(rule_ids(&off).contains(&"client-out-aml"));
}

#[test]
fn resolution_is_deterministic_and_blocked_findings_come_first() {
    let catalog = catalog();
    for id in catalog.scenario_ids() {
        let scenario = &catalog.scenarios[id];
        for config in vnet_flows::config::Config::combinations(&catalog, scenario) {
            let a = vnet_flows::resolve::resolve(&catalog, id, &config);
            let b = vnet_flows::resolve::resolve(&catalog, id, &config);
            assert_eq!((&a.rules, &a.steps, &a.flows, &a.findings), (&b.rules, &b.steps, &b.flows, &b.findings));
            let severities: Vec<Severity> = a.findings.iter().map(|&f| catalog.findings[f].severity).collect();
            assert!(severities.is_sorted(), "{severities:?}");
        }
    }
}

#[test]
fn online_endpoint_public_access_decides_the_scoring_path() {
    // C25b, PL24: with public access off, scoring goes only through the workspace private endpoint.
    let catalog = catalog();
    let private = resolve_with(&catalog, "online-endpoints", &[]);
    assert!(nodes_on_path(&private).contains(&"pe-workspace"));
    assert!(!private.is_blocked());
    assert!(resolve_with(&catalog, "online-endpoints", &["access=internet"]).is_blocked());
    assert!(resolve_with(&catalog, "online-endpoints", &["workspace_pe=off"]).is_blocked());
    let public = resolve_with(&catalog, "online-endpoints", &["access=internet", "endpoint_public=on"]);
    assert!(!public.is_blocked());
    assert!(!nodes_on_path(&public).contains(&"pe-workspace"));
}
