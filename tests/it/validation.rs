//! Broken data files: each test appends broken entries to a minimal valid file and checks the
//! full list of reported problems, with their lines, through `vnet-flows check-data`'s logic.

use std::rc::Rc;

use expect_test::{Expect, expect};
use vnet_flows::check::check as consistency;
use vnet_flows::data::load;

const MINIMAL: &str = include_str!("fixtures/minimal.toml");

/// Loads `MINIMAL` followed by `extra` and compares every reported problem with `expected`.
/// Lines in the messages count from the start of `extra` + the length of `MINIMAL`.
fn check(extra: &str, expected: Expect) {
    let text = format!("{MINIMAL}\n{extra}");
    let offset = MINIMAL.lines().count() + 1;
    let errors = match load(&text) {
        Ok(catalog) => consistency(&Rc::new(catalog), &text),
        Err(errors) => errors,
    };
    let rendered: Vec<String> = errors
        .iter()
        .map(|e| {
            // Report lines relative to `extra`, so the expectations survive edits to MINIMAL.
            let line = match e.line {
                Some(l) if l > offset => format!("+{}", l - offset),
                Some(l) => format!("base {l}"),
                None => "?".into(),
            };
            format!("{line}: {}: {}", e.location, e.message)
        })
        .collect();
    expected.assert_eq(&rendered.join("\n"));
}

#[test]
fn minimal_file_is_valid() {
    check("", expect![[""]]);
}

#[test]
fn toml_syntax_error_names_the_line() {
    check("[[rules]\nid = 1\n", expect![[r#"+1: data file: unclosed array table, expected `]`"#]]);
}

#[test]
fn every_bad_field_is_reported_at_once() {
    check(
        r#"
[[nodes]]
id = "vm"
label = "Again"
zone = "cloud"
subnet = "x"
about = "x"

[[rules]]
id = "bad"
scenarios = ["demo", "nope"]
direction = "sideways"
source = "a"
destination = "b"
protocol = "ICMP"
ports = ["0", "70000", "20-10", "443"]
purpose = "x"
when = "pip=maybe & colour=red & client=sdk"
fqdns = ["https://example.com"]

[[steps]]
id = "s"
scenarios = ["demo"]
kind = "magic"
text = "x"
sources = ["S9"]
"#,
        expect![[r#"
            +2: node "vm", id: duplicate id `vm`
            +2: node "vm", zone: unknown zone `cloud` (zones: client, vnet, azure, managed, internet)
            +2: node "vm", subnet: only nodes in the vnet zone sit in a subnet
            +9: rule "bad", scenarios: unknown scenario `nope` (scenarios: demo)
            +9: rule "bad", direction: unknown direction `sideways` (inbound, outbound or private)
            +9: rule "bad", protocol: unknown protocol `ICMP` (TCP, UDP or Any)
            +9: rule "bad", ports: `0` is not a port number from 1 to 65535
            +9: rule "bad", ports: `70000` is not a port number from 1 to 65535
            +9: rule "bad", ports: range `20-10` runs backwards
            +9: rule "bad", fqdns: `https://example.com` is not a host name
            +9: rule "bad", when: unknown value `maybe` for key `pip` (values: on, off)
            +9: rule "bad", when: unknown key `colour` (keys: client, access, egress, pip)
            +9: rule "bad", sources: cites no source; every item needs at least one
            +21: step "s", kind: unknown kind `magic` (dns, route, role, storage, image-build, other)
            +21: step "s", sources: unknown source `S9`"#]],
    );
}

#[test]
fn condition_keys_must_belong_to_the_scenario() {
    check(
        r#"
[[steps]]
id = "s"
scenarios = ["demo"]
kind = "dns"
text = "x"
when = "client=sdk"
sources = ["S1"]
"#,
        expect![[r#"+2: step "s", when: key `client` is not a key of scenario demo"#]],
    );
}

#[test]
fn wrong_shape_and_unknown_fields_are_located() {
    check(
        r#"
[[flows]]
id = "f"
scenarios = ["demo"]
purpose = "x"
hops = "vm to svc"

[[findings]]
id = "x"
scenarios = ["demo"]
severity = "warning"
text = "x"
sources = ["S1"]
colour = "red"
"#,
        expect![[r#"
            +2: flow "f": invalid type: string "vm to svc", expected a sequence
            +8: finding "x": unknown field `colour`, expected one of `id`, `scenarios`, `severity`, `text`, `when`, `flows`, `sources`, `symptoms`"#]],
    );
}

#[test]
fn hops_must_name_known_nodes_and_chain() {
    check(
        r#"
[[flows]]
id = "f"
scenarios = ["demo"]
purpose = "x"
hops = [
  { from = "vm", to = "nowhere", protocol = "TCP", port = "443", rule = "out-svc" },
  { from = "vm", to = "svc", protocol = "Any", port = "443", rule = "missing" },
]
"#,
        expect![[r#"
            +2: flow "f", hops[1].to: unknown node `nowhere`
            +2: flow "f", hops[2]: starts at `vm` but the hop before ends at `nowhere`
            +2: flow "f", hops[2].protocol: a hop carries TCP or UDP, not Any
            +2: flow "f", hops[2].rule: unknown rule `missing`"#]],
    );
}

#[test]
fn crossing_hop_without_admitting_rule_is_reported_with_its_configuration() {
    check(
        r#"
[[rules]]
id = "in-vm"
scenarios = ["demo"]
direction = "inbound"
source = "Service"
destination = "VM"
protocol = "TCP"
ports = ["44224"]
purpose = "x"
when = "pip=on"
sources = ["S1"]

[[flows]]
id = "svc-vm"
scenarios = ["demo"]
purpose = "x"
when = "pip=off"
hops = [{ from = "svc", to = "vm", protocol = "TCP", port = "44224", rule = "in-vm" }]

[[flows]]
id = "vm-svc-udp"
scenarios = ["demo"]
purpose = "x"
hops = [{ from = "vm", to = "svc", protocol = "UDP", port = "5831", rule = "out-svc" }]

[[flows]]
id = "vm-svc-none"
scenarios = ["demo"]
purpose = "x"
hops = [{ from = "vm", to = "svc", protocol = "TCP", port = "443" }]
"#,
        expect![[r#"
            +3: rule "in-vm": applies but no flow that applies uses it, in scenario demo with egress=default pip=on (and 2 more configurations)
            +15: flow "svc-vm": hop svc → vm (TCP 44224) names rule `in-vm`, which does not apply, in scenario demo with egress=default pip=off (and 2 more configurations)
            +22: flow "vm-svc-udp": hop firewall → svc (UDP 5831) is not admitted by rule `out-svc` (its protocol or ports differ), in scenario demo with egress=firewall pip=on (and 1 more configurations)
            +22: flow "vm-svc-udp": hop nat-gateway → svc (UDP 5831) is not admitted by rule `out-svc` (its protocol or ports differ), in scenario demo with egress=nat-gateway pip=on (and 1 more configurations)
            +22: flow "vm-svc-udp": hop vm → svc (UDP 5831) is not admitted by rule `out-svc` (its protocol or ports differ), in scenario demo with egress=default pip=on (and 1 more configurations)
            +28: flow "vm-svc-none": hop vm → svc (TCP 443) crosses from vnet to azure but names no rule, in scenario demo with egress=default pip=on (and 5 more configurations)"#]],
    );
}

#[test]
fn findings_must_name_flows_that_apply() {
    check(
        r#"
[[flows]]
id = "only-on"
scenarios = ["demo"]
purpose = "x"
when = "pip=on"
hops = [{ from = "vm", to = "svc", protocol = "TCP", port = "443", rule = "out-svc" }]

[[findings]]
id = "broken"
scenarios = ["demo"]
severity = "blocked"
text = "x"
when = "egress=firewall"
flows = ["only-on"]
sources = ["S1"]
"#,
        expect![[
            r#"+10: finding "broken": names flow `only-on`, which does not apply, in scenario demo with egress=firewall pip=off"#
        ]],
    );
}

#[test]
fn a_blocked_finding_must_name_what_it_blocks() {
    check(
        r#"
[[findings]]
id = "empty"
scenarios = ["demo"]
severity = "blocked"
text = "x"
sources = ["S1"]
"#,
        expect![[r#"+2: finding "empty", flows: a blocked finding must name the flows it blocks"#]],
    );
}

#[test]
fn routing_needs_its_nodes_and_keys() {
    let text = MINIMAL.replace("id = \"firewall\"", "id = \"wall\"").replace("\"nat-gateway\"]", "\"nat\"]");
    let errors = load(&text).unwrap_err();
    let rendered: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.location, e.message)).collect();
    expect![[r#"
        data file, keys: key `egress` needs the value `nat-gateway` for routing
        data file, nodes: node `firewall` is needed for routing but missing"#]]
    .assert_eq(&rendered.join("\n"));
}

#[test]
fn nothing_panics_on_garbage() {
    let samples = [
        "",
        "\u{0}\u{1}binary",
        "[[rules]]\n[[rules]]\n",
        "keys = 5",
        "[[flows]]\nid = \"f\"\nhops = [{}]",
        "[[keys]]\nid = \"k\"\nlabel = \"\"\nexplain = \"\"\nvalues = []\ndefault = \"\"",
        &"[".repeat(10_000),
        // A key with too many values, used in a negated condition.
        &format!(
            "{MINIMAL}\n[[keys]]\nid = \"many\"\nlabel = \"x\"\nexplain = \"x\"\nvalues = [{}]\ndefault = \"v0\"\n\
             [[steps]]\nid = \"s\"\nscenarios = [\"demo\"]\nkind = \"dns\"\ntext = \"x\"\nwhen = \"many!=v70\"\nsources = [\"S1\"]\n",
            (0..100).map(|i| format!("\"v{i}\"")).collect::<Vec<_>>().join(", ")
        ),
        &format!(
            "{MINIMAL}\n[[keys]]\nid = \"none\"\nlabel = \"x\"\nexplain = \"x\"\nvalues = []\ndefault = \"\"\n[[scenarios]]\nid = \"s2\"\ntitle = \"x\"\nsummary = \"x\"\nkeys = [\"none\", \"none=\"]\n"
        ),
    ];
    for sample in samples {
        assert!(load(sample).is_err(), "{sample:?} loaded");
    }
}

#[test]
fn a_declared_key_must_change_something() {
    // `client` is a routing key, so it counts as used; `pip` loses the one condition naming it.
    let text = MINIMAL
        .replace(r#"keys = ["egress", "pip"]"#, r#"keys = ["egress", "pip", "client"]"#)
        .replace(r#"when = "pip=on""#, "");
    let catalog = Rc::new(load(&text).expect("loads"));
    let rendered: Vec<String> = consistency(&catalog, &text).iter().map(|e| e.to_string()).collect();
    expect![[r#"line 95: scenario "demo": key `pip` changes nothing in this scenario: no condition names it"#]]
        .assert_eq(&rendered.join("\n"));
    // Named, but every value has the same effect: the resolutions tell.
    let text = MINIMAL.replace(r#"when = "pip=on""#, r#"when = "pip=on|off""#);
    let catalog = Rc::new(load(&text).expect("loads"));
    let rendered: Vec<String> = consistency(&catalog, &text).iter().map(|e| e.to_string()).collect();
    expect![[r#"line 95: scenario "demo": key `pip` changes nothing in this scenario, in any configuration"#]]
        .assert_eq(&rendered.join("\n"));
}

#[test]
fn value_labels_must_match_the_values() {
    check(
        r#"
[[keys]]
id = "extra"
label = "Extra"
explain = "A key with one label too few."
values = ["a", "b"]
labels = ["Only one"]
default = "a"
"#,
        expect![[r#"+2: key "extra", labels: 1 labels for 2 values: give one per value"#]],
    );
}

#[test]
fn symptoms_need_a_text_and_known_sources_and_say_which_line() {
    check(
        r#"
[[findings]]
id = "f"
scenarios = ["demo"]
severity = "warning"
text = "x"
sources = ["S1"]
symptoms = [
  { text = "It times out.", sources = ["S1", "S9"] },
  { text = "It is refused." },
  { text = " ", sources = ["S1"] },
]

[[steps]]
id = "s"
scenarios = ["demo"]
kind = "dns"
text = "x"
sources = ["S1"]
symptoms = [{ text = "Nothing resolves.", sources = [], note = "x" }]
"#,
        expect![[r#"
            +9: finding "f", symptoms[1]: unknown source `S9`
            +10: finding "f", symptoms[2]: cites no source; every symptom needs at least one
            +11: finding "f", symptoms[3]: the text is empty
            +14: step "s": unknown field `note`, expected `text` or `sources`"#]],
    );
}

#[test]
fn a_hop_through_the_firewall_contradicts_a_route_around_it() {
    check(
        r#"
[[rules]]
id = "out-svc-udp"
scenarios = ["demo"]
direction = "outbound"
source = "VM subnet"
destination = "Service"
protocol = "UDP"
ports = ["5831"]
purpose = "x"
sources = ["S1"]

[[flows]]
id = "vm-svc-udp"
scenarios = ["demo"]
purpose = "x"
hops = [{ from = "vm", to = "svc", protocol = "UDP", port = "5831", rule = "out-svc-udp" }]

[[steps]]
id = "route-svc"
scenarios = ["demo"]
kind = "route"
text = "Send the Svc tag to next hop Internet."
when = "egress=firewall & pip=on"
sources = ["S1"]
internet_tags = ["Svc"]

[[steps]]
id = "not-a-route"
scenarios = ["demo"]
kind = "dns"
text = "x"
sources = ["S1"]
internet_tags = ["Svc", "two words"]
"#,
        expect![[r#"
            +28: step "not-a-route", internet_tags: only a `route` step can send service tags to the internet
            +28: step "not-a-route", internet_tags: `two words` is not a service tag"#]],
    );
    check(
        r#"
[[rules]]
id = "out-svc-udp"
scenarios = ["demo"]
direction = "outbound"
source = "VM subnet"
destination = "Service"
protocol = "UDP"
ports = ["5831"]
purpose = "x"
sources = ["S1"]

[[flows]]
id = "vm-svc-udp"
scenarios = ["demo"]
purpose = "x"
hops = [{ from = "vm", to = "svc", protocol = "UDP", port = "5831", rule = "out-svc-udp" }]

[[steps]]
id = "route-svc"
scenarios = ["demo"]
kind = "route"
text = "Send the Svc tag to next hop Internet."
when = "egress=firewall & pip=on"
sources = ["S1"]
internet_tags = ["Svc"]
"#,
        expect![[
            r#"+14: flow "vm-svc-udp": hop vm → svc (UDP 5831) passes the firewall, but route step `route-svc` sends Svc (rule `out-svc`) to next hop Internet, in scenario demo with egress=firewall pip=on"#
        ]],
    );
}
