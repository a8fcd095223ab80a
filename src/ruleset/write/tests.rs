//! Tests of the writers: snapshots of every output for a small hand-built plan, the outputs read
//! back by `test_readers` and compared with the plan, stability, and quoting of awkward text.

use expect_test::expect;

use super::test_readers::{ReadBack, expected, read_arm, read_az, read_bicep, read_terraform};
use super::*;
use crate::ruleset::model::{Access, AppProtocol, NsgDirection, Transport};
use crate::ruleset::plan::{AppSpec, FirewallRuleSpec, FirewallSpec, NetworkSpec};

fn loc(text: &str) -> Located {
    Located(text.to_string())
}

fn nsg(
    name: &str,
    priority: u16,
    direction: NsgDirection,
    protocol: Transport,
    route: (&str, &str),
    ports: &[&str],
) -> NsgSpec {
    NsgSpec {
        name: name.into(),
        priority,
        direction,
        access: Access::Allow,
        protocol,
        source: loc(route.0),
        destination: loc(route.1),
        ports: ports.iter().map(|p| PortRange::parse(p).unwrap()).collect(),
        description: format!("{name}, for the test plan"),
    }
}

fn network(name: &str, protocol: Transport, destination: &str, port: &str) -> NetworkSpec {
    NetworkSpec {
        name: name.into(),
        protocols: vec![protocol],
        sources: vec![loc("10.0.0.0/24")],
        destinations: vec![loc(destination)],
        ports: vec![PortRange::parse(port).unwrap()],
        description: format!("{name} rule"),
    }
}

fn app(name: &str, fqdns: &[&str]) -> AppSpec {
    AppSpec {
        name: name.into(),
        protocols: vec![(AppProtocol::Https, 443)],
        sources: vec![loc("10.0.0.0/24")],
        fqdns: fqdns.iter().map(|f| loc(f)).collect(),
        description: format!("{name} rule"),
    }
}

fn plan() -> Plan {
    use NsgDirection::{Inbound, Outbound};
    use Transport::{Any, Tcp, Udp};
    let firewall = FirewallSpec {
        group: "aml-rules".into(),
        group_priority: 200,
        network_collection: "aml-network".into(),
        network_priority: 200,
        network: vec![network("AllowStorage", Tcp, "Storage.{location}", "443"), network("AllowNtp", Udp, "*", "123")],
        application_collection: "aml-application".into(),
        application_priority: 300,
        application: vec![
            app("AllowMcr", &["mcr.microsoft.com", "*.data.mcr.microsoft.com"]),
            app("AllowBatch", &["*.{location}.batch.azure.com"]),
        ],
    };
    Plan {
        scenario: "Training on a compute cluster".into(),
        config: vec![("egress".into(), "firewall".into()), ("public_ip".into(), "false".into())],
        nsg: vec![
            nsg("AllowAzureMLInbound", 100, Inbound, Tcp, ("AzureMachineLearning", "VirtualNetwork"), &["44224"]),
            nsg(
                "AllowBatchInbound",
                110,
                Inbound,
                Tcp,
                ("BatchNodeManagement.{location}", "VirtualNetwork"),
                &["29876-29877"],
            ),
            nsg("AllowStorageOutbound", 100, Outbound, Tcp, ("VirtualNetwork", "Storage.{location}"), &["443", "445"]),
            nsg("AllowEntraOutbound", 110, Outbound, Tcp, ("VirtualNetwork", "AzureActiveDirectory"), &["443"]),
            nsg("AllowVnetOutbound", 120, Outbound, Any, ("VirtualNetwork", "VirtualNetwork"), &["*"]),
        ],
        firewall: Some(firewall),
    }
}

/// Every text output read back, by name.
fn read_all(plan: &Plan) -> Vec<(&'static str, Result<ReadBack, String>)> {
    vec![
        ("arm", read_arm(&nsg_json(plan), firewall_json(plan).as_deref())),
        ("az", read_az(&az_cli(plan))),
        ("bicep", read_bicep(&bicep(plan))),
        ("terraform", read_terraform(&terraform(plan))),
    ]
}

#[test]
fn every_output_reads_back_as_the_plan() {
    let plan = plan();
    for (format, read) in read_all(&plan) {
        assert_eq!(read, Ok(expected(&plan)), "{format}");
    }
}

#[test]
fn a_plan_without_firewall_or_with_one_collection_reads_back() {
    let mut plan = plan();
    plan.firewall.as_mut().unwrap().application.clear();
    for (format, read) in read_all(&plan) {
        assert_eq!(read, Ok(expected(&plan)), "{format}");
    }
    plan.firewall = None;
    assert_eq!(firewall_json(&plan), None);
    for (format, read) in read_all(&plan) {
        assert_eq!(read, Ok(expected(&plan)), "{format}");
    }
}

#[test]
fn awkward_text_survives_every_format() {
    let awkward = "it's \"quoted\", $HOME, \\ back, ${x} and %{y}\nsecond line";
    let odd = loc("a$'\"\\{location}${b}%{c}$$[d]");
    let mut plan = plan();
    for rule in &mut plan.nsg {
        rule.description = awkward.into();
        rule.destination = odd.clone();
    }
    let fw = plan.firewall.as_mut().unwrap();
    fw.network.iter_mut().for_each(|r| (r.description, r.destinations) = (awkward.into(), vec![odd.clone()]));
    fw.application.iter_mut().for_each(|r| (r.description, r.fqdns) = (awkward.into(), vec![odd.clone()]));
    for (format, read) in read_all(&plan) {
        assert_eq!(read, Ok(expected(&plan)), "{format}");
    }
}

#[test]
fn outputs_are_stable_and_end_with_a_newline() {
    let (a, b) = (plan(), plan());
    let outputs = |p: &Plan| [nsg_json(p), firewall_json(p).unwrap(), az_cli(p), bicep(p), terraform(p)];
    for (x, y) in outputs(&a).iter().zip(outputs(&b)) {
        assert_eq!(*x, y);
        assert!(x.ends_with('\n') && !x.ends_with("\n\n"));
    }
}

#[test]
fn nsg_json_is_json_with_short_names() {
    let json: serde_json::Value = serde_json::from_str(&nsg_json(&plan())).unwrap();
    let rules = json["securityRules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    assert!(rules.iter().all(|r| r["name"].as_str().unwrap().len() <= 80));
}

#[test]
fn terraform_labels_are_unique_and_valid() {
    let names = ["AllowX", "allow_x", "9lives", "a.b-c", ""];
    let labels = labels(names.into_iter());
    assert_eq!(labels, ["allow_x", "allow_x_2", "rule_9lives", "a_b_c", "rule"]);
}

#[test]
fn readers_refuse_rather_than_panic() {
    for text in
        ["", "resource", "resource x 'y' = {", "[[[[", "\"", "'", "az network nsg rule create --name", "{\"a\": ["]
    {
        let _ = (read_az(text), read_bicep(text), read_terraform(text), read_arm(text, Some(text)));
    }
    let deep = "x = ".to_string() + &"[".repeat(10_000);
    assert!(read_terraform(&deep).is_err());
    let deep = "resource a 'b' = {\n c: ".to_string() + &"[".repeat(10_000);
    assert!(read_bicep(&deep).is_err());
}

fn fix_rule() -> NsgSpec {
    nsg(
        "AllowStorageOutbound",
        105,
        NsgDirection::Outbound,
        Transport::Tcp,
        ("VirtualNetwork", "Storage.{location}"),
        &["443"],
    )
}

fn fix(rule: FirewallRuleSpec) -> FirewallFix {
    FirewallFix { group: "aml-rules".into(), collection: "fix-batch".into(), priority: 150, rule }
}

#[test]
fn nsg_json_snapshot() {
    expect![[r#"
        {
          "securityRules": [
            {
              "name": "AllowAzureMLInbound",
              "properties": {
                "description": "AllowAzureMLInbound, for the test plan",
                "protocol": "Tcp",
                "sourcePortRange": "*",
                "destinationPortRange": "44224",
                "sourceAddressPrefix": "AzureMachineLearning",
                "destinationAddressPrefix": "VirtualNetwork",
                "access": "Allow",
                "priority": 100,
                "direction": "Inbound"
              }
            },
            {
              "name": "AllowBatchInbound",
              "properties": {
                "description": "AllowBatchInbound, for the test plan",
                "protocol": "Tcp",
                "sourcePortRange": "*",
                "destinationPortRange": "29876-29877",
                "sourceAddressPrefix": "[format('BatchNodeManagement.{0}', parameters('location'))]",
                "destinationAddressPrefix": "VirtualNetwork",
                "access": "Allow",
                "priority": 110,
                "direction": "Inbound"
              }
            },
            {
              "name": "AllowStorageOutbound",
              "properties": {
                "description": "AllowStorageOutbound, for the test plan",
                "protocol": "Tcp",
                "sourcePortRange": "*",
                "destinationPortRanges": [
                  "443",
                  "445"
                ],
                "sourceAddressPrefix": "VirtualNetwork",
                "destinationAddressPrefix": "[format('Storage.{0}', parameters('location'))]",
                "access": "Allow",
                "priority": 100,
                "direction": "Outbound"
              }
            },
            {
              "name": "AllowEntraOutbound",
              "properties": {
                "description": "AllowEntraOutbound, for the test plan",
                "protocol": "Tcp",
                "sourcePortRange": "*",
                "destinationPortRange": "443",
                "sourceAddressPrefix": "VirtualNetwork",
                "destinationAddressPrefix": "AzureActiveDirectory",
                "access": "Allow",
                "priority": 110,
                "direction": "Outbound"
              }
            },
            {
              "name": "AllowVnetOutbound",
              "properties": {
                "description": "AllowVnetOutbound, for the test plan",
                "protocol": "*",
                "sourcePortRange": "*",
                "destinationPortRange": "*",
                "sourceAddressPrefix": "VirtualNetwork",
                "destinationAddressPrefix": "VirtualNetwork",
                "access": "Allow",
                "priority": 120,
                "direction": "Outbound"
              }
            }
          ]
        }
    "#]]
    .assert_eq(&nsg_json(&plan()));
}

#[test]
fn firewall_json_snapshot() {
    expect![[r#"
        {
          "name": "aml-rules",
          "properties": {
            "priority": 200,
            "ruleCollections": [
              {
                "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                "name": "aml-network",
                "priority": 200,
                "action": {
                  "type": "Allow"
                },
                "rules": [
                  {
                    "ruleType": "NetworkRule",
                    "name": "AllowStorage",
                    "description": "AllowStorage rule",
                    "ipProtocols": [
                      "TCP"
                    ],
                    "sourceAddresses": [
                      "10.0.0.0/24"
                    ],
                    "destinationAddresses": [
                      "[format('Storage.{0}', parameters('location'))]"
                    ],
                    "destinationPorts": [
                      "443"
                    ]
                  },
                  {
                    "ruleType": "NetworkRule",
                    "name": "AllowNtp",
                    "description": "AllowNtp rule",
                    "ipProtocols": [
                      "UDP"
                    ],
                    "sourceAddresses": [
                      "10.0.0.0/24"
                    ],
                    "destinationAddresses": [
                      "*"
                    ],
                    "destinationPorts": [
                      "123"
                    ]
                  }
                ]
              },
              {
                "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                "name": "aml-application",
                "priority": 300,
                "action": {
                  "type": "Allow"
                },
                "rules": [
                  {
                    "ruleType": "ApplicationRule",
                    "name": "AllowMcr",
                    "description": "AllowMcr rule",
                    "protocols": [
                      {
                        "protocolType": "Https",
                        "port": 443
                      }
                    ],
                    "sourceAddresses": [
                      "10.0.0.0/24"
                    ],
                    "targetFqdns": [
                      "mcr.microsoft.com",
                      "*.data.mcr.microsoft.com"
                    ]
                  },
                  {
                    "ruleType": "ApplicationRule",
                    "name": "AllowBatch",
                    "description": "AllowBatch rule",
                    "protocols": [
                      {
                        "protocolType": "Https",
                        "port": 443
                      }
                    ],
                    "sourceAddresses": [
                      "10.0.0.0/24"
                    ],
                    "targetFqdns": [
                      "[format('*.{0}.batch.azure.com', parameters('location'))]"
                    ]
                  }
                ]
              }
            ]
          }
        }
    "#]]
    .assert_eq(&firewall_json(&plan()).unwrap());
}

#[test]
fn az_cli_snapshot() {
    expect![[r##"
        #!/usr/bin/env bash
        # Creates the NSG rules (and firewall policy rules) this configuration needs, with the Azure CLI.
        # Scenario: Training on a compute cluster
        # Configuration: egress=firewall public_ip=false
        # Generated by vnet-flows; regenerate rather than edit.
        # Set RESOURCE_GROUP, NSG, POLICY, LOCATION before running it.

        set -euo pipefail
        : "${RESOURCE_GROUP:?}"
        : "${NSG:?}"
        : "${POLICY:?}"
        : "${LOCATION:?}"

        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name "$NSG" \
          --name 'AllowAzureMLInbound' \
          --priority 100 \
          --direction Inbound \
          --access Allow \
          --protocol Tcp \
          --source-address-prefixes 'AzureMachineLearning' \
          --source-port-ranges '*' \
          --destination-address-prefixes 'VirtualNetwork' \
          --destination-port-ranges 44224 \
          --description 'AllowAzureMLInbound, for the test plan'

        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name "$NSG" \
          --name 'AllowBatchInbound' \
          --priority 110 \
          --direction Inbound \
          --access Allow \
          --protocol Tcp \
          --source-address-prefixes "BatchNodeManagement.${LOCATION}" \
          --source-port-ranges '*' \
          --destination-address-prefixes 'VirtualNetwork' \
          --destination-port-ranges 29876-29877 \
          --description 'AllowBatchInbound, for the test plan'

        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name "$NSG" \
          --name 'AllowStorageOutbound' \
          --priority 100 \
          --direction Outbound \
          --access Allow \
          --protocol Tcp \
          --source-address-prefixes 'VirtualNetwork' \
          --source-port-ranges '*' \
          --destination-address-prefixes "Storage.${LOCATION}" \
          --destination-port-ranges 443 445 \
          --description 'AllowStorageOutbound, for the test plan'

        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name "$NSG" \
          --name 'AllowEntraOutbound' \
          --priority 110 \
          --direction Outbound \
          --access Allow \
          --protocol Tcp \
          --source-address-prefixes 'VirtualNetwork' \
          --source-port-ranges '*' \
          --destination-address-prefixes 'AzureActiveDirectory' \
          --destination-port-ranges 443 \
          --description 'AllowEntraOutbound, for the test plan'

        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name "$NSG" \
          --name 'AllowVnetOutbound' \
          --priority 120 \
          --direction Outbound \
          --access Allow \
          --protocol '*' \
          --source-address-prefixes 'VirtualNetwork' \
          --source-port-ranges '*' \
          --destination-address-prefixes 'VirtualNetwork' \
          --destination-port-ranges '*' \
          --description 'AllowVnetOutbound, for the test plan'

        az network firewall policy rule-collection-group create \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name "$POLICY" \
          --name 'aml-rules' \
          --priority 200

        az network firewall policy rule-collection-group collection add-filter-collection \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name "$POLICY" \
          --rcg-name 'aml-rules' \
          --name 'aml-network' \
          --collection-priority 200 \
          --action Allow \
          --rule-name 'AllowStorage' \
          --rule-type NetworkRule \
          --description 'AllowStorage rule' \
          --ip-protocols TCP \
          --source-addresses '10.0.0.0/24' \
          --destination-addresses "Storage.${LOCATION}" \
          --destination-ports 443

        az network firewall policy rule-collection-group collection rule add \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name "$POLICY" \
          --rcg-name 'aml-rules' \
          --collection-name 'aml-network' \
          --name 'AllowNtp' \
          --rule-type NetworkRule \
          --description 'AllowNtp rule' \
          --ip-protocols UDP \
          --source-addresses '10.0.0.0/24' \
          --destination-addresses '*' \
          --destination-ports 123

        az network firewall policy rule-collection-group collection add-filter-collection \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name "$POLICY" \
          --rcg-name 'aml-rules' \
          --name 'aml-application' \
          --collection-priority 300 \
          --action Allow \
          --rule-name 'AllowMcr' \
          --rule-type ApplicationRule \
          --description 'AllowMcr rule' \
          --protocols Https=443 \
          --source-addresses '10.0.0.0/24' \
          --target-fqdns 'mcr.microsoft.com' '*.data.mcr.microsoft.com'

        az network firewall policy rule-collection-group collection rule add \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name "$POLICY" \
          --rcg-name 'aml-rules' \
          --collection-name 'aml-application' \
          --name 'AllowBatch' \
          --rule-type ApplicationRule \
          --description 'AllowBatch rule' \
          --protocols Https=443 \
          --source-addresses '10.0.0.0/24' \
          --target-fqdns "*.${LOCATION}.batch.azure.com"
    "##]]
    .assert_eq(&az_cli(&plan()));
}

#[test]
fn bicep_snapshot() {
    expect![[r#"
        // The NSG rules (and firewall policy rules) this configuration needs, as Bicep.
        // Scenario: Training on a compute cluster
        // Configuration: egress=firewall public_ip=false
        // Generated by vnet-flows; regenerate rather than edit.

        param location string = resourceGroup().location
        param nsgName string
        param firewallPolicyName string

        resource nsg 'Microsoft.Network/networkSecurityGroups@2023-09-01' = {
          name: nsgName
          location: location
          properties: {
            securityRules: [
              {
                name: 'AllowAzureMLInbound'
                properties: {
                  description: 'AllowAzureMLInbound, for the test plan'
                  protocol: 'Tcp'
                  sourcePortRange: '*'
                  destinationPortRange: '44224'
                  sourceAddressPrefix: 'AzureMachineLearning'
                  destinationAddressPrefix: 'VirtualNetwork'
                  access: 'Allow'
                  priority: 100
                  direction: 'Inbound'
                }
              }
              {
                name: 'AllowBatchInbound'
                properties: {
                  description: 'AllowBatchInbound, for the test plan'
                  protocol: 'Tcp'
                  sourcePortRange: '*'
                  destinationPortRange: '29876-29877'
                  sourceAddressPrefix: 'BatchNodeManagement.${location}'
                  destinationAddressPrefix: 'VirtualNetwork'
                  access: 'Allow'
                  priority: 110
                  direction: 'Inbound'
                }
              }
              {
                name: 'AllowStorageOutbound'
                properties: {
                  description: 'AllowStorageOutbound, for the test plan'
                  protocol: 'Tcp'
                  sourcePortRange: '*'
                  destinationPortRanges: [
                    '443'
                    '445'
                  ]
                  sourceAddressPrefix: 'VirtualNetwork'
                  destinationAddressPrefix: 'Storage.${location}'
                  access: 'Allow'
                  priority: 100
                  direction: 'Outbound'
                }
              }
              {
                name: 'AllowEntraOutbound'
                properties: {
                  description: 'AllowEntraOutbound, for the test plan'
                  protocol: 'Tcp'
                  sourcePortRange: '*'
                  destinationPortRange: '443'
                  sourceAddressPrefix: 'VirtualNetwork'
                  destinationAddressPrefix: 'AzureActiveDirectory'
                  access: 'Allow'
                  priority: 110
                  direction: 'Outbound'
                }
              }
              {
                name: 'AllowVnetOutbound'
                properties: {
                  description: 'AllowVnetOutbound, for the test plan'
                  protocol: '*'
                  sourcePortRange: '*'
                  destinationPortRange: '*'
                  sourceAddressPrefix: 'VirtualNetwork'
                  destinationAddressPrefix: 'VirtualNetwork'
                  access: 'Allow'
                  priority: 120
                  direction: 'Outbound'
                }
              }
            ]
          }
        }

        resource policy 'Microsoft.Network/firewallPolicies@2023-09-01' existing = {
          name: firewallPolicyName
        }

        resource ruleGroup 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@2023-09-01' = {
          parent: policy
          name: 'aml-rules'
          properties: {
            priority: 200
            ruleCollections: [
              {
                ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
                name: 'aml-network'
                priority: 200
                action: {
                  type: 'Allow'
                }
                rules: [
                  {
                    ruleType: 'NetworkRule'
                    name: 'AllowStorage'
                    description: 'AllowStorage rule'
                    ipProtocols: [
                      'TCP'
                    ]
                    sourceAddresses: [
                      '10.0.0.0/24'
                    ]
                    destinationAddresses: [
                      'Storage.${location}'
                    ]
                    destinationPorts: [
                      '443'
                    ]
                  }
                  {
                    ruleType: 'NetworkRule'
                    name: 'AllowNtp'
                    description: 'AllowNtp rule'
                    ipProtocols: [
                      'UDP'
                    ]
                    sourceAddresses: [
                      '10.0.0.0/24'
                    ]
                    destinationAddresses: [
                      '*'
                    ]
                    destinationPorts: [
                      '123'
                    ]
                  }
                ]
              }
              {
                ruleCollectionType: 'FirewallPolicyFilterRuleCollection'
                name: 'aml-application'
                priority: 300
                action: {
                  type: 'Allow'
                }
                rules: [
                  {
                    ruleType: 'ApplicationRule'
                    name: 'AllowMcr'
                    description: 'AllowMcr rule'
                    protocols: [
                      {
                        protocolType: 'Https'
                        port: 443
                      }
                    ]
                    sourceAddresses: [
                      '10.0.0.0/24'
                    ]
                    targetFqdns: [
                      'mcr.microsoft.com'
                      '*.data.mcr.microsoft.com'
                    ]
                  }
                  {
                    ruleType: 'ApplicationRule'
                    name: 'AllowBatch'
                    description: 'AllowBatch rule'
                    protocols: [
                      {
                        protocolType: 'Https'
                        port: 443
                      }
                    ]
                    sourceAddresses: [
                      '10.0.0.0/24'
                    ]
                    targetFqdns: [
                      '*.${location}.batch.azure.com'
                    ]
                  }
                ]
              }
            ]
          }
        }
    "#]]
    .assert_eq(&bicep(&plan()));
}

#[test]
fn terraform_snapshot() {
    expect![[r##"
        # The NSG rules (and firewall policy rules) this configuration needs, for Terraform's azurerm provider.
        # Scenario: Training on a compute cluster
        # Configuration: egress=firewall public_ip=false
        # Generated by vnet-flows; regenerate rather than edit.

        variable "location" {
          type = string
        }

        variable "resource_group_name" {
          type = string
        }

        variable "network_security_group_name" {
          type = string
        }

        variable "firewall_policy_id" {
          type = string
        }

        resource "azurerm_network_security_rule" "allow_azure_ml_inbound" {
          name                        = "AllowAzureMLInbound"
          priority                    = 100
          direction                   = "Inbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_range      = "44224"
          source_address_prefix       = "AzureMachineLearning"
          destination_address_prefix  = "VirtualNetwork"
          description                 = "AllowAzureMLInbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = var.network_security_group_name
        }

        resource "azurerm_network_security_rule" "allow_batch_inbound" {
          name                        = "AllowBatchInbound"
          priority                    = 110
          direction                   = "Inbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_range      = "29876-29877"
          source_address_prefix       = "BatchNodeManagement.${var.location}"
          destination_address_prefix  = "VirtualNetwork"
          description                 = "AllowBatchInbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = var.network_security_group_name
        }

        resource "azurerm_network_security_rule" "allow_storage_outbound" {
          name                        = "AllowStorageOutbound"
          priority                    = 100
          direction                   = "Outbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_ranges     = ["443", "445"]
          source_address_prefix       = "VirtualNetwork"
          destination_address_prefix  = "Storage.${var.location}"
          description                 = "AllowStorageOutbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = var.network_security_group_name
        }

        resource "azurerm_network_security_rule" "allow_entra_outbound" {
          name                        = "AllowEntraOutbound"
          priority                    = 110
          direction                   = "Outbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_range      = "443"
          source_address_prefix       = "VirtualNetwork"
          destination_address_prefix  = "AzureActiveDirectory"
          description                 = "AllowEntraOutbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = var.network_security_group_name
        }

        resource "azurerm_network_security_rule" "allow_vnet_outbound" {
          name                        = "AllowVnetOutbound"
          priority                    = 120
          direction                   = "Outbound"
          access                      = "Allow"
          protocol                    = "*"
          source_port_range           = "*"
          destination_port_range      = "*"
          source_address_prefix       = "VirtualNetwork"
          destination_address_prefix  = "VirtualNetwork"
          description                 = "AllowVnetOutbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = var.network_security_group_name
        }

        resource "azurerm_firewall_policy_rule_collection_group" "aml" {
          name               = "aml-rules"
          priority           = 200
          firewall_policy_id = var.firewall_policy_id
          network_rule_collection {
            name     = "aml-network"
            priority = 200
            action   = "Allow"
            rule {
              name                  = "AllowStorage"
              description           = "AllowStorage rule"
              protocols             = ["TCP"]
              source_addresses      = ["10.0.0.0/24"]
              destination_addresses = ["Storage.${var.location}"]
              destination_ports     = ["443"]
            }
            rule {
              name                  = "AllowNtp"
              description           = "AllowNtp rule"
              protocols             = ["UDP"]
              source_addresses      = ["10.0.0.0/24"]
              destination_addresses = ["*"]
              destination_ports     = ["123"]
            }
          }
          application_rule_collection {
            name     = "aml-application"
            priority = 300
            action   = "Allow"
            rule {
              name        = "AllowMcr"
              description = "AllowMcr rule"
              protocols {
                type = "Https"
                port = 443
              }
              source_addresses  = ["10.0.0.0/24"]
              destination_fqdns = ["mcr.microsoft.com", "*.data.mcr.microsoft.com"]
            }
            rule {
              name        = "AllowBatch"
              description = "AllowBatch rule"
              protocols {
                type = "Https"
                port = 443
              }
              source_addresses  = ["10.0.0.0/24"]
              destination_fqdns = ["*.${var.location}.batch.azure.com"]
            }
          }
        }
    "##]]
    .assert_eq(&terraform(&plan()));
}

#[test]
fn nsg_fix_snapshots() {
    let rule = fix_rule();
    expect![[r#"
        {
          "name": "AllowStorageOutbound",
          "properties": {
            "description": "AllowStorageOutbound, for the test plan",
            "protocol": "Tcp",
            "sourcePortRange": "*",
            "destinationPortRange": "443",
            "sourceAddressPrefix": "VirtualNetwork",
            "destinationAddressPrefix": "[format('Storage.{0}', parameters('location'))]",
            "access": "Allow",
            "priority": 105,
            "direction": "Outbound"
          }
        }
    "#]]
    .assert_eq(&nsg_fix(&rule, Format::Arm, "aml-nsg", None));
    expect![[r#"
        az network nsg rule create \
          --resource-group "$RESOURCE_GROUP" \
          --nsg-name 'aml-nsg' \
          --name 'AllowStorageOutbound' \
          --priority 105 \
          --direction Outbound \
          --access Allow \
          --protocol Tcp \
          --source-address-prefixes 'VirtualNetwork' \
          --source-port-ranges '*' \
          --destination-address-prefixes 'Storage.westeurope' \
          --destination-port-ranges 443 \
          --description 'AllowStorageOutbound, for the test plan'
    "#]]
    .assert_eq(&nsg_fix(&rule, Format::AzCli, "aml-nsg", Some("westeurope")));
    expect![[r#"
        resource "azurerm_network_security_rule" "allow_storage_outbound" {
          name                        = "AllowStorageOutbound"
          priority                    = 105
          direction                   = "Outbound"
          access                      = "Allow"
          protocol                    = "Tcp"
          source_port_range           = "*"
          destination_port_range      = "443"
          source_address_prefix       = "VirtualNetwork"
          destination_address_prefix  = "Storage.${var.location}"
          description                 = "AllowStorageOutbound, for the test plan"
          resource_group_name         = var.resource_group_name
          network_security_group_name = "aml-nsg"
        }
    "#]]
    .assert_eq(&nsg_fix(&rule, Format::Terraform, "aml-nsg", None));
}

#[test]
fn firewall_fix_snapshots() {
    let batch = fix(FirewallRuleSpec::Application(app("AllowBatch", &["*.{location}.batch.azure.com"])));
    let ntp = fix(FirewallRuleSpec::Network(network("AllowStorage", Transport::Tcp, "Storage.{location}", "443")));
    expect![[r#"
        {
          "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
          "name": "fix-batch",
          "priority": 150,
          "action": {
            "type": "Allow"
          },
          "rules": [
            {
              "ruleType": "ApplicationRule",
              "name": "AllowBatch",
              "description": "AllowBatch rule",
              "protocols": [
                {
                  "protocolType": "Https",
                  "port": 443
                }
              ],
              "sourceAddresses": [
                "10.0.0.0/24"
              ],
              "targetFqdns": [
                "[format('*.{0}.batch.azure.com', parameters('location'))]"
              ]
            }
          ]
        }
    "#]]
    .assert_eq(&firewall_fix(&batch, Format::Arm, "aml-policy", None));
    expect![[r#"
        az network firewall policy rule-collection-group collection add-filter-collection \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name 'aml-policy' \
          --rcg-name 'aml-rules' \
          --name 'fix-batch' \
          --collection-priority 150 \
          --action Allow \
          --rule-name 'AllowBatch' \
          --rule-type ApplicationRule \
          --description 'AllowBatch rule' \
          --protocols Https=443 \
          --source-addresses '10.0.0.0/24' \
          --target-fqdns "*.${LOCATION}.batch.azure.com"
    "#]]
    .assert_eq(&firewall_fix(&batch, Format::AzCli, "aml-policy", None));
    expect![[r#"
        application_rule_collection {
          name     = "fix-batch"
          priority = 150
          action   = "Allow"
          rule {
            name        = "AllowBatch"
            description = "AllowBatch rule"
            protocols {
              type = "Https"
              port = 443
            }
            source_addresses  = ["10.0.0.0/24"]
            destination_fqdns = ["*.westeurope.batch.azure.com"]
          }
        }
    "#]]
    .assert_eq(&firewall_fix(&batch, Format::Terraform, "aml-policy", Some("westeurope")));
    expect![[r#"
        {
          "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
          "name": "fix-batch",
          "priority": 150,
          "action": {
            "type": "Allow"
          },
          "rules": [
            {
              "ruleType": "NetworkRule",
              "name": "AllowStorage",
              "description": "AllowStorage rule",
              "ipProtocols": [
                "TCP"
              ],
              "sourceAddresses": [
                "10.0.0.0/24"
              ],
              "destinationAddresses": [
                "Storage.westeurope"
              ],
              "destinationPorts": [
                "443"
              ]
            }
          ]
        }
    "#]]
    .assert_eq(&firewall_fix(&ntp, Format::Arm, "aml-policy", Some("westeurope")));
    expect![[r#"
        az network firewall policy rule-collection-group collection add-filter-collection \
          --resource-group "$RESOURCE_GROUP" \
          --policy-name 'aml-policy' \
          --rcg-name 'aml-rules' \
          --name 'fix-batch' \
          --collection-priority 150 \
          --action Allow \
          --rule-name 'AllowStorage' \
          --rule-type NetworkRule \
          --description 'AllowStorage rule' \
          --ip-protocols TCP \
          --source-addresses '10.0.0.0/24' \
          --destination-addresses 'Storage.westeurope' \
          --destination-ports 443
    "#]]
    .assert_eq(&firewall_fix(&ntp, Format::AzCli, "aml-policy", Some("westeurope")));
    expect![[r#"
        network_rule_collection {
          name     = "fix-batch"
          priority = 150
          action   = "Allow"
          rule {
            name                  = "AllowStorage"
            description           = "AllowStorage rule"
            protocols             = ["TCP"]
            source_addresses      = ["10.0.0.0/24"]
            destination_addresses = ["Storage.${var.location}"]
            destination_ports     = ["443"]
          }
        }
    "#]]
    .assert_eq(&firewall_fix(&ntp, Format::Terraform, "aml-policy", None));
}

#[test]
fn fixes_read_back() {
    let rule = fix_rule();
    let nsg = |read: Result<ReadBack, String>| read.map(|r| r.nsg);
    assert_eq!(nsg(read_az(&nsg_fix(&rule, Format::AzCli, "aml-nsg", None))), Ok(vec![rule.clone()]));
    assert_eq!(nsg(read_terraform(&nsg_fix(&rule, Format::Terraform, "aml-nsg", None))), Ok(vec![rule.clone()]));
    let batch = fix(FirewallRuleSpec::Application(app("AllowBatch", &["*.{location}.batch.azure.com"])));
    let read = read_az(&firewall_fix(&batch, Format::AzCli, "aml-policy", None)).unwrap().firewall.unwrap();
    assert_eq!(
        (read.group.as_str(), read.application_collection.as_str(), read.application_priority),
        ("aml-rules", "fix-batch", 150)
    );
    assert_eq!(FirewallRuleSpec::Application(read.application[0].clone()), batch.rule);
}

#[test]
fn text_that_looks_like_an_arm_expression_stays_text() {
    let mut plan = plan();
    plan.nsg[0].description = "[concat('not', 'an expression')]".into();
    let read = read_arm(&nsg_json(&plan), firewall_json(&plan).as_deref());
    assert_eq!(read, Ok(expected(&plan)));
    assert!(nsg_json(&plan).contains("\"[[concat("));
}

#[test]
fn readers_survive_every_truncated_output() {
    let plan = plan();
    let outputs = [nsg_json(&plan), az_cli(&plan), bicep(&plan), terraform(&plan)];
    for text in &outputs {
        for end in (0..text.len()).step_by(13).filter(|&end| text.is_char_boundary(end)) {
            let cut = &text[..end];
            let _ = (read_az(cut), read_bicep(cut), read_terraform(cut), read_arm(cut, Some(cut)));
        }
    }
}
