//! Writers of a [`Plan`](super::plan::Plan): NSG JSON, a firewall policy rule collection group
//! as JSON, az commands, Bicep and Terraform, and single-rule fixes in each input format.

use super::model::Format;
use super::plan::{FirewallFix, NsgSpec};

/// One NSG rule to add to the NSG `nsg`, in `format`.
pub fn nsg_fix(rule: &NsgSpec, _format: Format, _nsg: &str, _region: Option<&str>) -> String {
    format!("{rule:?}")
}

/// One firewall rule, in a collection of its own, to add to the policy `policy`.
pub fn firewall_fix(fix: &FirewallFix, _format: Format, _policy: &str, _region: Option<&str>) -> String {
    format!("{fix:?}")
}

/// Stand-ins until the writers land.
pub fn nsg_json(plan: &super::plan::Plan) -> String {
    format!("{plan:?}")
}
pub fn firewall_json(plan: &super::plan::Plan) -> Option<String> {
    plan.firewall.as_ref().map(|f| format!("{f:?}"))
}
pub fn az_cli(plan: &super::plan::Plan) -> String {
    format!("{plan:?}")
}
pub fn bicep(plan: &super::plan::Plan) -> String {
    format!("{plan:?}")
}
pub fn terraform(plan: &super::plan::Plan) -> String {
    format!("{plan:?}")
}
