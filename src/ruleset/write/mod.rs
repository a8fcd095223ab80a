//! Writers of a [`Plan`]: the NSG rules as the `securityRules` of an ARM template, the firewall
//! rules as a policy's rule collection group, an az script, a Bicep file and a Terraform file,
//! and single-rule fixes in the format a reader's file came in.
//!
//! Every writer works from the same plan and adds nothing of its own: the only freedom is how a
//! format spells strings and the deployment's region. The per-format rules for that live beside
//! each writer (`arm`, `az`, `bicep`, `terraform`); what they share is here. Outputs are
//! byte-stable and end with a newline. `test_readers` reads the text outputs back, so that tests
//! can check that nothing was lost on the way.

mod arm;
mod az;
mod bicep;
mod shape;
mod terraform;
#[doc(hidden)]
pub mod test_readers;
#[cfg(test)]
mod tests;

use super::model::{Format, PortRange};
use super::plan::{FirewallFix, Located, NsgSpec, Plan};

/// The files `vnet-flows export` writes, and the widget's export menu offers: one place for
/// their names, their labels and the writer behind each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    NsgJson,
    FirewallJson,
    AzCli,
    Bicep,
    Terraform,
}

impl Export {
    /// In the order the command line's usage and the widget's menu list them.
    pub const ALL: [Export; 5] =
        [Export::NsgJson, Export::FirewallJson, Export::AzCli, Export::Bicep, Export::Terraform];

    /// The `--format` value.
    pub fn id(self) -> &'static str {
        match self {
            Export::NsgJson => "nsg-json",
            Export::FirewallJson => "firewall-json",
            Export::AzCli => "az-cli",
            Export::Bicep => "bicep",
            Export::Terraform => "terraform",
        }
    }

    pub fn parse(id: &str) -> Option<Export> {
        Export::ALL.into_iter().find(|e| e.id() == id)
    }

    /// What a reader sees in the widget's menu.
    pub fn label(self) -> &'static str {
        match self {
            Export::NsgJson => "NSG rules (ARM JSON)",
            Export::FirewallJson => "Firewall policy rules (ARM JSON)",
            Export::AzCli => "Azure CLI script",
            Export::Bicep => "Bicep",
            Export::Terraform => "Terraform",
        }
    }

    /// The name of the downloaded file for a scenario.
    pub fn file_name(self, scenario: &str) -> String {
        let (what, extension) = match self {
            Export::NsgJson => ("nsg-rules", "json"),
            Export::FirewallJson => ("firewall-rules", "json"),
            Export::AzCli => ("rules", "sh"),
            Export::Bicep => ("rules", "bicep"),
            Export::Terraform => ("rules", "tf"),
        };
        format!("vnet-flows-{scenario}-{what}.{extension}")
    }

    /// The file for `plan`; `None` for the firewall policy when nothing goes through a firewall.
    pub fn write(self, plan: &Plan) -> Option<String> {
        match self {
            Export::NsgJson => Some(nsg_json(plan)),
            Export::FirewallJson => firewall_json(plan),
            Export::AzCli => Some(az_cli(plan)),
            Export::Bicep => Some(bicep(plan)),
            Export::Terraform => Some(terraform(plan)),
        }
    }
}

/// The NSG rules as the `securityRules` of an ARM template's NSG resource, pretty JSON.
pub fn nsg_json(plan: &Plan) -> String {
    arm::nsg_json(plan)
}

/// The firewall rules as an ARM firewall policy rule collection group; None without a firewall.
pub fn firewall_json(plan: &Plan) -> Option<String> {
    plan.firewall.as_ref().map(arm::firewall_json)
}

/// A bash script of `az` commands creating every rule of the plan.
pub fn az_cli(plan: &Plan) -> String {
    az::script(plan)
}

/// A Bicep file with the NSG and (with a firewall) the rule collection group.
pub fn bicep(plan: &Plan) -> String {
    bicep::file(plan)
}

/// A Terraform file of `azurerm` resources for the plan's rules.
pub fn terraform(plan: &Plan) -> String {
    terraform::file(plan)
}

/// One NSG rule to add to an existing NSG named `nsg`, in the format the reader's file came in.
pub fn nsg_fix(rule: &NsgSpec, format: Format, nsg: &str, region: Option<&str>) -> String {
    match format {
        Format::Arm => arm::nsg_fix(rule, region),
        Format::AzCli => az::nsg_fix(rule, nsg, region),
        Format::Terraform => terraform::nsg_fix(rule, nsg, region),
    }
}

/// One firewall rule (in a new collection) to add to the policy `policy`.
pub fn firewall_fix(fix: &FirewallFix, format: Format, policy: &str, region: Option<&str>) -> String {
    match format {
        Format::Arm => arm::firewall_fix(fix, region),
        Format::AzCli => az::firewall_fix(fix, policy, region),
        Format::Terraform => terraform::firewall_fix(fix, region),
    }
}

/// The text with the region written in when it is known; otherwise the marker stays for the
/// format to spell as its own reference to the region.
fn place(text: &Located, region: Option<&str>) -> Located {
    match region {
        Some(region) => Located(text.with_region(region)),
        None => text.clone(),
    }
}

/// Ports as Azure writes them (`443`, `8000-8010`, `*`); no ports at all means any port.
fn port_texts(ports: &[PortRange]) -> Vec<String> {
    if ports.is_empty() { vec!["*".to_string()] } else { ports.iter().map(|p| p.to_string()).collect() }
}

/// Text for a one-line comment: line breaks and other control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The header's lines (without comment marks): what the file is, the scenario and configuration.
fn header(plan: &Plan, what: &str) -> Vec<String> {
    let config: Vec<String> = plan.config.iter().map(|(k, v)| format!("{k}={v}")).collect();
    vec![
        one_line(what),
        format!("Scenario: {}", one_line(&plan.scenario)),
        format!("Configuration: {}", one_line(&config.join(" "))),
        "Generated by vnet-flows; regenerate rather than edit.".to_string(),
    ]
}

/// Resource labels for names: snake case, letters, digits and `_` only, never starting with a
/// digit, and unique (a repeat gets `_2`, `_3`, ...).
fn labels<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    for name in names {
        let base = snake_case(name);
        let mut label = base.clone();
        let mut n = 2;
        while taken.contains(&label) {
            label = format!("{base}_{n}");
            n += 1;
        }
        taken.push(label);
    }
    taken
}

/// `AllowAzureMLInbound` gives `allow_azure_ml_inbound`; other characters become `_`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied().unwrap_or('_');
        let next = chars.get(i + 1).copied().unwrap_or('_');
        let starts_word = prev.is_ascii_lowercase() || prev.is_ascii_digit() || next.is_ascii_lowercase();
        if c.is_ascii_uppercase() && prev.is_ascii_alphanumeric() && starts_word && !out.ends_with('_') {
            out.push('_');
        }
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ if !out.ends_with('_') => out.push('_'),
            _ => {}
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        None => "rule".to_string(),
        Some(c) if c.is_ascii_digit() => format!("rule_{out}"),
        Some(_) => out,
    }
}
