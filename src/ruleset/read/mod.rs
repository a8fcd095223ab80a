//! Readers of rule sets from outside files: ARM templates, Azure CLI output and Terraform JSON.
//!
//! [`read`] checks the size, parses the JSON, tells the format from the content and hands the
//! document to `arm`, `az` or `terraform`. It never panics: every problem becomes a
//! [`ReadError`] with the file and a JSON pointer, and the rest of the file is still read.

mod arm;
mod az;
mod expr;
mod json;
mod terraform;

use super::model::{Format, NsgDirection, ReadError, RuleSet};
use expr::Scope;
use json::{Node, Reader};
use serde_json::Value;

/// What a reader needs besides the text: template parameters and the region being checked.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--param NAME=VALUE`, over a template's default values.
    pub params: Vec<(String, String)>,
    /// `--region`; `resourceGroup().location` evaluates to it.
    pub region: Option<String>,
}

/// The largest file read.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The inputs this module reads, for messages about files it cannot.
const KNOWN_FORMATS: &str = "an ARM template (or the NSG JSON `vnet-flows export` writes), \
    `az network nsg show|list`, `az network nsg rule list`, \
    `az network firewall policy rule-collection-group show|list`, `az network firewall show`, \
    or `terraform show -json`";

/// Reads one file's rules.
pub fn read(file: &str, text: &str, options: &ReadOptions) -> RuleSet {
    if text.len() > MAX_BYTES {
        let message = format!("the file has {} bytes, more than the {MAX_BYTES} bytes read", text.len());
        return only_error(file, String::new(), message);
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return only_error(file, format!("line {}, column {}", e.line(), e.column()), not_json(&e)),
    };
    let mut reader = read_value(file, &value, options);
    duplicate_priorities(&mut reader);
    let mut seen = std::collections::HashSet::new();
    reader.out.notes.retain(|note| seen.insert(note.clone()));
    reader.out
}

fn only_error(file: &str, at: String, message: String) -> RuleSet {
    RuleSet { errors: vec![ReadError { file: file.to_string(), at, message }], ..RuleSet::default() }
}

fn not_json(e: &serde_json::Error) -> String {
    if e.to_string().contains("recursion limit") {
        return "the JSON is nested deeper than 128 levels, which is not read".into();
    }
    format!("this is not JSON ({e}); the files read are {KNOWN_FORMATS}")
}

/// The shape of a whole document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Terraform,
    Template,
    /// One ARM resource (`type` and `properties`), or the export's `{"securityRules": [...]}`.
    Resource,
    /// One az object, or a list of them.
    Az,
    /// An object the readers know as an ARM shape but az also prints (an NSG, an rcg).
    ArmObject(az::AzShape),
    Unknown,
}

fn detect(value: &Value) -> Shape {
    let root = Node::root(value);
    let has = |key: &str| root.key(key).is_some();
    if value.is_array() {
        return Shape::Az;
    }
    if has("format_version") && (has("values") || has("planned_values")) {
        return Shape::Terraform;
    }
    let schema = root.plain("$schema").unwrap_or_default().to_ascii_lowercase();
    let resources = root.key("resources").is_some_and(|r| r.value.is_array() || r.value.is_object());
    if schema.contains("deploymenttemplate") || resources {
        return Shape::Template;
    }
    let wrapped = root.key("properties").is_some_and(|p| p.value.is_object());
    if wrapped && root.plain("type").is_some_and(|t| t.contains('/')) {
        return Shape::Resource;
    }
    match az::shape(&root) {
        Some(shape) if wrapped => Shape::ArmObject(shape),
        Some(az::AzShape::Nsg) if !has("defaultSecurityRules") && !has("type") => Shape::ArmObject(az::AzShape::Nsg),
        Some(_) => Shape::Az,
        None => Shape::Unknown,
    }
}

/// The stem of a file's name, for an NSG the file does not name.
fn stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn read_value(file: &str, value: &Value, options: &ReadOptions) -> Reader {
    let root = Node::root(value);
    let fallback = stem(file);
    match detect(value) {
        Shape::Terraform => {
            let mut r = Reader::new(file, Format::Terraform);
            terraform::read(&mut r, &root);
            r
        }
        Shape::Template | Shape::Resource => {
            let mut r = Reader::new(file, Format::Arm);
            let given = options.params.iter().map(|(k, v)| (k.clone(), Scope::given_text(v))).collect();
            let scope = Scope::template(value, given, options.region.clone());
            match detect(value) {
                Shape::Template => arm::template(&mut r, &root, scope),
                _ => arm::single(&mut r, &root, scope),
            }
            r
        }
        Shape::ArmObject(shape) => {
            // An ARM-shaped piece (the export's NSG JSON or rule collection group) may hold
            // expressions over `location`, as the export writes regional tags.
            let mut r = Reader::new(file, Format::Arm);
            let given = options.params.iter().map(|(k, v)| (k.clone(), Scope::given_text(v))).collect();
            r.scope = std::rc::Rc::new(Scope::template(&Value::Null, given, options.region.clone()));
            az::read(&mut r, &root, shape, fallback);
            r
        }
        Shape::Az => read_az(file, &root, fallback),
        Shape::Unknown => {
            let mut r = Reader::new(file, Format::Arm);
            r.error("", format!("this JSON is none of the shapes read, which are {KNOWN_FORMATS}"));
            r
        }
    }
}

/// Az output: one object, or a list of NSGs, NSG rules, rule collection groups or firewalls.
fn read_az(file: &str, root: &Node, fallback: &str) -> Reader {
    let mut r = Reader::new(file, Format::AzCli);
    let objects = if root.value.is_array() { root.items() } else { vec![root.clone()] };
    if objects.is_empty() {
        r.note(format!("{file} holds an empty list"));
    }
    for object in objects {
        match az::shape(&object) {
            Some(shape) => az::read(&mut r, &object, shape, fallback),
            None => _ = r.error(&object.pointer, format!("this entry is not an NSG, an NSG rule, a rule collection group or a firewall; the files read are {KNOWN_FORMATS}")),
        }
    }
    r
}

/// Reports a second rule with the priority of an earlier one in the same direction of an NSG.
fn duplicate_priorities(r: &mut Reader) {
    let mut found = Vec::new();
    for nsg in &r.out.nsgs {
        let mut seen: Vec<(NsgDirection, u16, &str)> = Vec::new();
        for rule in &nsg.rules {
            match seen.iter().find(|(d, p, _)| *d == rule.direction && *p == rule.priority) {
                Some((_, _, first)) => found.push((rule.origin.pointer.clone(), format!(
                    "NSG `{}`: rule `{}` has priority {} like rule `{first}` in the {} direction; Azure refuses this",
                    nsg.name, rule.name, rule.priority, rule.direction.id()
                ))),
                None => seen.push((rule.direction, rule.priority, &rule.name)),
            }
        }
    }
    for (pointer, message) in found {
        r.error(&pointer, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::model::{Address, FirewallRule, NsgRule};
    use crate::testing::Rng;
    use expect_test::{Expect, expect};
    use std::fmt::Write;

    const FIXTURES: [&str; 9] = [
        "az-nsg-show.json",
        "az-nsg-rule-list.json",
        "az-rcg-show.json",
        "az-firewall-classic.json",
        "arm-export.json",
        "arm-nested.json",
        "tf-state.json",
        "tf-plan.json",
        "broken-priorities.json",
    ];

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/rulesets/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn list<T: std::fmt::Display>(items: &[T]) -> String {
        items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    }

    fn dump_rule(out: &mut String, rule: &NsgRule) {
        let (d, a, p) = (rule.direction.id(), rule.access.id(), rule.protocol.nsg_id());
        let (src, sp, dst, dp) =
            (list(&rule.sources), list(&rule.source_ports), list(&rule.destinations), list(&rule.destination_ports));
        let at = &rule.origin.pointer;
        _ = writeln!(out, "  {} {} {d} {a} {p} {src}:{sp} -> {dst}:{dp} @{at}", rule.priority, rule.name);
    }

    fn dump_firewall_rule(out: &mut String, rule: &FirewallRule) {
        match rule {
            FirewallRule::Network { name, protocols, sources, destinations, ports, origin } => {
                let protocols: Vec<_> = protocols.iter().map(|p| p.firewall_id()).collect();
                let (src, dst, ports) = (list(sources), list(destinations), list(ports));
                let at = &origin.pointer;
                _ = writeln!(out, "    net {name} {} {src} -> {dst}:{ports} @{at}", protocols.join(","));
            }
            FirewallRule::Application { name, protocols, sources, fqdns, fqdn_tags, origin } => {
                let protocols: Vec<_> = protocols.iter().map(|(p, port)| format!("{}:{port}", p.id())).collect();
                let (src, at) = (list(sources), &origin.pointer);
                let (fqdns, tags) = (fqdns.join(","), fqdn_tags.join(","));
                _ = writeln!(out, "    app {name} {} {src} -> {fqdns} tags[{tags}] @{at}", protocols.join(","));
            }
        }
    }

    /// A compact text of everything read, for expect tests.
    fn dump(set: &RuleSet) -> String {
        let mut out = String::new();
        for nsg in &set.nsgs {
            _ = writeln!(out, "nsg {} ({}) @{}", nsg.name, nsg.format.label(), nsg.origin.pointer);
            nsg.rules.iter().for_each(|rule| dump_rule(&mut out, rule));
        }
        for s in &set.subnets {
            let nsg = s.nsg.as_deref().unwrap_or("-");
            let at = &s.origin.pointer;
            _ = writeln!(out, "subnet {} [{}] nsg={nsg} pe={} @{at}", s.name, list(&s.prefixes), s.endpoint_policies);
        }
        for fw in &set.firewalls {
            _ = writeln!(out, "firewall {} ({}) @{}", fw.name, fw.format.label(), fw.origin.pointer);
            for c in &fw.collections {
                let (kind, action) = (format!("{:?}", c.kind), c.action.id());
                let head = format!("{}/{} {}/{}", c.group, c.name, c.group_priority, c.priority);
                _ = writeln!(out, "  collection {head} {kind} {action} @{}", c.origin.pointer);
                c.rules.iter().for_each(|rule| dump_firewall_rule(&mut out, rule));
            }
        }
        set.errors.iter().for_each(|e| _ = writeln!(out, "error {}: {}", e.at, e.message));
        set.notes.iter().for_each(|n| _ = writeln!(out, "note: {n}"));
        out
    }

    fn check_fixture(name: &str, options: &ReadOptions, expected: Expect) {
        expected.assert_eq(&dump(&read(name, &fixture(name), options)));
    }

    fn region() -> ReadOptions {
        ReadOptions { params: Vec::new(), region: Some("westeurope".into()) }
    }

    #[test]
    fn az_nsg_show() {
        check_fixture(
            "az-nsg-show.json",
            &ReadOptions::default(),
            expect![[r#"
            nsg nsg-training (Azure CLI output) @
              130 AllowAzureMLInbound Inbound Allow Tcp AzureMachineLearning:* -> VirtualNetwork:44224 @/securityRules/0
              200 AllowStorageAndEntraOut Outbound Allow Tcp 10.0.1.0/24:* -> Storage.WestEurope,AzureActiveDirectory:443,445 @/securityRules/1
              4000 DenyInternetOut Outbound Deny * *:* -> Internet:* @/securityRules/2
            subnet snet-training [] nsg=nsg-training pe=false @/subnets/0
        "#]],
        );
    }

    #[test]
    fn az_nsg_rule_list() {
        check_fixture(
            "az-nsg-rule-list.json",
            &ReadOptions::default(),
            expect![[r#"
            nsg nsg-compute (Azure CLI output) @/0
              110 AllowAcrOut Outbound Allow Tcp VirtualNetwork:* -> AzureContainerRegistry:443 @/0
              120 AllowBastionIn Inbound Allow Tcp 10.0.250.0/26:* -> *,(unresolved: application security group asg-jumpbox: its members are not in the files):22,3389 @/1
              130 AllowBatchIn Inbound Allow Tcp BatchNodeManagement:* -> BatchNodeManagement.WestEurope:29876-29877 @/2
        "#]],
        );
    }

    #[test]
    fn az_rule_collection_group() {
        check_fixture(
            "az-rcg-show.json",
            &ReadOptions::default(),
            expect![[r#"
            firewall fwpol-hub (Azure CLI output) @
              collection rcg-aml/aml-network 300/310 Network Allow @/ruleCollections/0
                net aml-service-tags TCP 10.0.1.0/24 -> AzureMachineLearning,Storage.westeurope:443 @/ruleCollections/0/rules/0
                net ntp UDP IP group /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/ipGroups/ipg-ml-subnets -> *:123 @/ruleCollections/0/rules/1
              collection rcg-aml/aml-hosts 300/320 Application Allow @/ruleCollections/1
                app aml-endpoints Https:443 10.0.1.0/24 -> *.tundra.azureml.ms,*.instances.azureml.ms tags[] @/ruleCollections/1/rules/0
                app windows-update Http:80,Https:443 * ->  tags[WindowsUpdate] @/ruleCollections/1/rules/1
              collection rcg-aml/inbound-dnat 300/400 Nat Allow @/ruleCollections/2
            note: application rule `windows-update`: `webCategories` is not evaluated
            note: the DNAT rules of collection `inbound-dnat` are not evaluated
        "#]],
        );
    }

    #[test]
    fn az_classic_firewall() {
        check_fixture(
            "az-firewall-classic.json",
            &ReadOptions::default(),
            expect![[r#"
            firewall fw-hub (Azure CLI output) @
              collection fw-hub/aml-net 0/100 Network Allow @/networkRuleCollections/0
                net monitor TCP 10.0.0.0/16 -> AzureMonitor:443 @/networkRuleCollections/0/rules/0
                net ntp UDP * -> time.windows.com:123 @/networkRuleCollections/0/rules/1
              collection fw-hub/block-smb 0/150 Network Deny @/networkRuleCollections/1
                net no-smb-out Any * -> *:445 @/networkRuleCollections/1/rules/0
              collection fw-hub/aml-app 0/200 Application Allow @/applicationRuleCollections/0
                app pypi Https:443 10.0.1.0/24 -> pypi.org,files.pythonhosted.org tags[] @/applicationRuleCollections/0/rules/0
              collection fw-hub/dnat-web 0/100 Nat Allow @/natRuleCollections/0
            note: the DNAT rules of collection `dnat-web` on firewall `fw-hub` are not evaluated
        "#]],
        );
    }

    #[test]
    fn arm_export() {
        check_fixture(
            "arm-export.json",
            &region(),
            expect![[r#"
            nsg nsg-training (ARM template) @/resources/0
              130 AllowAzureMLInbound Inbound Allow Tcp AzureMachineLearning:* -> VirtualNetwork:44224 @/resources/0/properties/securityRules/0
              200 AllowStorageOut Outbound Allow Tcp VirtualNetwork:* -> Storage.westeurope:443,445 @/resources/0/properties/securityRules/1
              210 AllowGatewayOut Outbound Allow * VirtualNetwork:* -> (unresolved: `[reference('vnetGateway').bgpSettings.bgpPeeringAddress]` is not evaluated: the function `reference()` is not evaluated):* @/resources/0/properties/securityRules/2
              4000 DenyInternetOut Outbound Deny * *:* -> Internet:* @/resources/1
            subnet snet-training [10.0.1.0/24] nsg=nsg-training pe=false @/resources/2/properties/subnets/0
            subnet snet-endpoints [10.0.2.0/24] nsg=- pe=true @/resources/2/properties/subnets/1
            subnet snet-compute [10.0.3.0/24] nsg=nsg-training pe=false @/resources/3
            note: the parameter `location` was taken to be the region being checked, westeurope.
        "#]],
        );
    }

    #[test]
    fn arm_export_without_region_and_with_a_param() {
        let options = ReadOptions {
            params: vec![("networkSecurityGroups_nsg_training_name".into(), "nsg-other".into())],
            region: None,
        };
        let set = read("arm-export.json", &fixture("arm-export.json"), &options);
        let names: Vec<_> = set.nsgs.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["nsg-other"]);
        let storage = &set.nsgs[0].rules[1].destinations;
        // The workspace's region, unnamed: the checker takes it to be the region checked.
        assert_eq!(storage, &[Address::Tag("Storage.<region>".into())]);
        expect!["the parameter `location` stands for the workspace's region, written `<region>`: give --region"]
            .assert_eq(&set.notes.join("\n"));
    }

    #[test]
    fn arm_nested_inner_scope() {
        check_fixture(
            "arm-nested.json",
            &ReadOptions::default(),
            expect![[r#"
            firewall fwpol-hub (ARM template) @/resources/0/properties/template/resources/0
              collection rcg-aml/aml-network 200/210 Network Allow @/resources/0/properties/template/resources/0/properties/ruleCollections/0
                net aml-tags TCP 10.0.1.0/24 -> Storage.westeurope,AzureMachineLearning:443 @/resources/0/properties/template/resources/0/properties/ruleCollections/0/rules/0
              collection rcg-aml/aml-app 200/220 Application Allow @/resources/0/properties/template/resources/0/properties/ruleCollections/1
                app ml-hosts Https:443 10.0.1.0/24 -> *.westeurope.api.azureml.ms tags[] @/resources/0/properties/template/resources/0/properties/ruleCollections/1/rules/0
            note: the resource `nsg-fwpol-hub` (Microsoft.Network/networkSecurityGroups) is repeated by a `copy` loop, which is not evaluated: it is left out
        "#]],
        );
    }

    #[test]
    fn terraform_state() {
        check_fixture(
            "tf-state.json",
            &ReadOptions::default(),
            expect![[r#"
            nsg nsg-training (Terraform JSON) @/values/root_module/resources/0/values
              130 AllowAzureMLInbound Inbound Allow Tcp AzureMachineLearning:* -> VirtualNetwork:44224 @/values/root_module/resources/0/values/security_rule/0
              200 AllowControlPlaneOut Outbound Allow Tcp VirtualNetwork:* -> AzureActiveDirectory,AzureResourceManager:443 @/values/root_module/resources/0/values/security_rule/1
              4000 DenyInternetOut Outbound Deny * *:* -> Internet:* @/values/root_module/resources/1/values
            subnet snet-training [10.0.1.0/24] nsg=nsg-training pe=true @/values/root_module/resources/2/values
            firewall fwpol-hub (Terraform JSON) @/values/root_module/resources/4/values
              collection rcg-aml/aml-net 500/510 Network Allow @/values/root_module/resources/4/values/network_rule_collection/0
                net aml-tag TCP,UDP 10.0.1.0/24 -> AzureMachineLearning:443,8787 @/values/root_module/resources/4/values/network_rule_collection/0/rule/0
              collection rcg-aml/aml-app 500/520 Application Allow @/values/root_module/resources/4/values/application_rule_collection/0
                app aml-hosts Https:443 10.0.1.0/24 -> *.api.azureml.ms,*.tundra.azureml.ms tags[] @/values/root_module/resources/4/values/application_rule_collection/0/rule/0
        "#]],
        );
    }

    #[test]
    fn terraform_plan_resolves_associations_through_the_configuration() {
        check_fixture(
            "tf-plan.json",
            &ReadOptions::default(),
            expect![[r#"
            nsg nsg-compute (Terraform JSON) @/planned_values/root_module/child_modules/0/resources/0/values
              100 AllowStorageOut Outbound Allow Tcp VirtualNetwork:* -> Storage.WestEurope:443 @/planned_values/root_module/child_modules/0/resources/0/values/security_rule/0
            subnet snet-compute [10.0.4.0/24] nsg=nsg-compute pe=false @/planned_values/root_module/child_modules/0/resources/1/values
        "#]],
        );
    }

    #[test]
    fn broken_priorities() {
        check_fixture(
            "broken-priorities.json",
            &ReadOptions::default(),
            expect![[r#"
            nsg broken-priorities (ARM template) @
              300 First Outbound Allow Tcp VirtualNetwork:* -> AzureMonitor:443 @/securityRules/2
              300 SameAsFirst Outbound Deny Udp VirtualNetwork:* -> Internet:53 @/securityRules/3
              300 SameButInbound Inbound Allow Tcp AzureLoadBalancer:* -> *:* @/securityRules/4
              310 PortTooBig Outbound Allow Tcp VirtualNetwork:* -> Storage:443 @/securityRules/5
            error /securityRules/0/properties/priority: NSG rule `TooLow` has priority 50, outside 100 to 4096
            error /securityRules/1/properties/priority: NSG rule `TooHigh` has priority 5000, outside 100 to 4096
            error /securityRules/5/properties/destinationPortRanges/1: `70000` is not a port number from 0 to 65535; this port entry is left out
            error /securityRules/6/properties/destinationPortRange: port range `500-100` runs backwards; this port entry is left out
            error /securityRules/6: NSG rule `RangeBackwards` has no destination ports left to check; the rule is left out
            error /securityRules/7/properties/protocol: NSG rule `Tunnel` has `protocol` `Gre`, which is not Tcp, Udp, Icmp, Esp, Ah or *; the rule is left out
            error /securityRules/3: NSG `broken-priorities`: rule `SameAsFirst` has priority 300 like rule `First` in the Outbound direction; Azure refuses this
        "#]],
        );
    }

    fn shape_of(label: &str, text: &str) -> String {
        let shape = serde_json::from_str(text).map(|value| detect(&value));
        let set = read("x.json", text, &ReadOptions::default());
        let formats: Vec<&str> =
            set.nsgs.iter().map(|n| n.format.label()).chain(set.firewalls.iter().map(|f| f.format.label())).collect();
        let errors: String = set.errors.iter().map(|e| format!(" error at `{}`", e.at)).collect();
        let counts = format!("{} nsg, {} firewall", set.nsgs.len(), set.firewalls.len());
        format!("{label}: {shape:?} {counts} [{}]{errors}", formats.join(","))
    }

    #[test]
    fn detection_of_each_shape() {
        let fields = r#""priority":100,"direction":"Inbound","access":"Allow","protocol":"*","sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"*""#;
        let (rule, wrapped) =
            (format!(r#"{{"name":"r",{fields}}}"#), format!(r#"{{"name":"r","properties":{{{fields}}}}}"#));
        let nsg_type = r#""type":"Microsoft.Network/networkSecurityGroups""#;
        let rcg = r#"{"name":"g","priority":100,"ruleCollections":[]}"#;
        let schema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
        let cases = [
            ("terraform", r#"{"format_version":"1.0","values":{"root_module":{}}}"#.to_string()),
            ("template", format!(r#"{{"$schema":"{schema}","resources":[]}}"#)),
            (
                "symbolic",
                format!(
                    r#"{{"resources":{{"nsg":{{{nsg_type},"name":"n","properties":{{"securityRules":[{wrapped}]}}}}}}}}"#
                ),
            ),
            ("export nsg", format!(r#"{{"securityRules":[{wrapped}]}}"#)),
            ("arm nsg", format!(r#"{{{nsg_type},"name":"n","properties":{{"securityRules":[{wrapped}]}}}}"#)),
            ("az nsg", format!(r#"{{"name":"n","securityRules":[{rule}],"defaultSecurityRules":[]}}"#)),
            ("az nsg typed", format!(r#"{{"name":"n",{nsg_type},"securityRules":[{rule}]}}"#)),
            ("az nsg list", format!(r#"[{{"name":"n","securityRules":[{rule}],"defaultSecurityRules":[]}}]"#)),
            ("az rule list", format!("[{rule}]")),
            ("az rcg", rcg.to_string()),
            ("az rcg list", format!("[{rcg}]")),
            ("arm rcg", r#"{"name":"p/g","properties":{"priority":100,"ruleCollections":[]}}"#.to_string()),
            ("az firewall", r#"{"name":"fw","networkRuleCollections":[]}"#.to_string()),
            ("unknown", r#"{"hello":"world"}"#.to_string()),
            ("list of numbers", "[1]".to_string()),
            ("empty list", "[]".to_string()),
        ];
        let shown: Vec<String> = cases.iter().map(|(label, text)| shape_of(label, text)).collect();
        expect![[r#"
            terraform: Ok(Terraform) 0 nsg, 0 firewall []
            template: Ok(Template) 0 nsg, 0 firewall []
            symbolic: Ok(Template) 1 nsg, 0 firewall [ARM template]
            export nsg: Ok(ArmObject(Nsg)) 1 nsg, 0 firewall [ARM template]
            arm nsg: Ok(Resource) 1 nsg, 0 firewall [ARM template]
            az nsg: Ok(Az) 1 nsg, 0 firewall [Azure CLI output]
            az nsg typed: Ok(Az) 1 nsg, 0 firewall [Azure CLI output]
            az nsg list: Ok(Az) 1 nsg, 0 firewall [Azure CLI output]
            az rule list: Ok(Az) 1 nsg, 0 firewall [Azure CLI output]
            az rcg: Ok(Az) 0 nsg, 1 firewall [Azure CLI output]
            az rcg list: Ok(Az) 0 nsg, 1 firewall [Azure CLI output]
            arm rcg: Ok(ArmObject(RuleCollectionGroup)) 0 nsg, 1 firewall [ARM template]
            az firewall: Ok(Az) 0 nsg, 1 firewall [Azure CLI output]
            unknown: Ok(Unknown) 0 nsg, 0 firewall [] error at ``
            list of numbers: Ok(Az) 0 nsg, 0 firewall [] error at `/0`
            empty list: Ok(Az) 0 nsg, 0 firewall []"#]]
        .assert_eq(&shown.join("\n"));
    }

    #[test]
    fn not_json_deep_nesting_and_oversize() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let big = " ".repeat(MAX_BYTES + 1);
        let shown: Vec<String> = ["nsg: {", deep.as_str(), big.as_str()]
            .iter()
            .map(|text| read("f.json", text, &ReadOptions::default()).errors)
            .map(|errors| errors.iter().map(|e| format!("{} | {}", e.at, e.message)).collect::<Vec<_>>().join("; "))
            .collect();
        expect![[r#"
            line 1, column 2 | this is not JSON (expected ident at line 1 column 2); the files read are an ARM template (or the NSG JSON `vnet-flows export` writes), `az network nsg show|list`, `az network nsg rule list`, `az network firewall policy rule-collection-group show|list`, `az network firewall show`, or `terraform show -json`
            line 1, column 128 | the JSON is nested deeper than 128 levels, which is not read
             | the file has 20971521 bytes, more than the 20971520 bytes read"#]].assert_eq(&shown.join("\n"));
    }

    const SOUP: [&str; 24] = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"securityRules\"",
        "\"priority\"",
        "\"properties\"",
        "\"resources\"",
        "\"[parameters('x')]\"",
        "\"[concat(variables('a'), 'b')]\"",
        "\"ruleCollections\"",
        "\"format_version\"",
        "\"values\"",
        "\"root_module\"",
        "100",
        "-1",
        "1e400",
        "null",
        "true",
        "\"*\"",
        "\"1-2\"",
        "\"name\"",
    ];

    fn soup(rng: &mut Rng) -> String {
        (0..rng.below(60)).map(|_| SOUP[rng.below(SOUP.len())]).collect()
    }

    fn random_value(rng: &mut Rng) -> Value {
        match rng.below(8) {
            0 => Value::String("[variables('v')]".into()),
            1 => Value::from(u64::MAX),
            2 => Value::from(-1),
            3 => serde_json::json!([[["x"]], {"a": [1]}]),
            4 => Value::Null,
            5 => Value::String("70000".into()),
            6 => serde_json::json!({"properties": {"priority": 4096}}),
            _ => Value::String(String::new()),
        }
    }

    /// Replaces a random value somewhere in `value`.
    fn replace_random(value: &mut Value, rng: &mut Rng, depth: usize) {
        let children: usize = match value {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 0,
        };
        if children == 0 || depth > 12 || rng.below(5) == 0 {
            *value = random_value(rng);
            return;
        }
        let pick = rng.below(children);
        let child = match value {
            Value::Array(items) => items.get_mut(pick),
            Value::Object(map) => map.values_mut().nth(pick),
            _ => None,
        };
        if let Some(child) = child {
            replace_random(child, rng, depth + 1);
        }
    }

    fn mutate_bytes(text: &str, rng: &mut Rng) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => _ = bytes.remove(at),
                1 => bytes.insert(at, bytes[at]),
                _ => bytes[at] ^= 1 << rng.below(8),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn reading_never_panics_and_errors_say_something() {
        let texts: Vec<String> = FIXTURES.iter().map(|f| fixture(f)).collect();
        let values: Vec<Value> = texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
        let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
        let options = ReadOptions { params: vec![("location".into(), "[1,2]".into())], region: None };
        for i in 0..20_000 {
            let pick = rng.below(texts.len());
            let text = match i % 4 {
                0 => String::from_utf8_lossy(&(0..rng.below(200)).map(|_| rng.number() as u8).collect::<Vec<_>>())
                    .into_owned(),
                1 => soup(&mut rng),
                2 => mutate_bytes(&texts[pick], &mut rng),
                _ => {
                    let mut value = values[pick].clone();
                    for _ in 0..1 + rng.below(3) {
                        replace_random(&mut value, &mut rng, 0);
                    }
                    value.to_string()
                }
            };
            let set = read("fuzz.json", &text, &options);
            assert!(set.errors.iter().all(|e| !e.message.trim().is_empty()), "{text}");
        }
    }
}
