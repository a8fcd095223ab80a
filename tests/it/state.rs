//! The widget's reducer (`src/state.rs`): every action, and the interleavings of reader, player,
//! host and URL hash that the browser tests also guard.

use std::rc::Rc;

use vnet_flows::model::{Catalog, KeyId, RuleId, ScenarioId};
use vnet_flows::ruleset::pasted::{RuleFile, RulesInput};
use vnet_flows::ruleset::report::{FlowVerdict, HopVerdict};
use vnet_flows::state::{Action, By, Move, Request, Requests, Start, State};

use crate::catalog;

fn start(hash: Option<&str>, requests: &[Request]) -> State {
    State::new(Start {
        catalog: catalog(),
        hash,
        restore: None,
        failed: false,
        requests: &requests.to_vec().into(),
        reduced_motion: false,
    })
}

/// A widget on `scenario` in its defaults, as the element's attributes ask.
fn on(scenario: &str) -> State {
    start(None, &[ask(Some(scenario), &[], false)])
}

fn ask(scenario: Option<&str>, settings: &[(&str, &str)], merge: bool) -> Request {
    Request {
        scenario: scenario.map(str::to_string),
        settings: settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        merge,
    }
}

/// The action that sets `key` to `value` (ids, as the reader sees them in a select).
fn set(catalog: &Catalog, key: &str, value: &str) -> Action {
    let k = KeyId(catalog.keys.iter().position(|k| k.id == key).expect("a key"));
    let v = catalog.keys[k].values.iter().position(|v| v == value).expect("a value");
    Action::SetValue { key: k, value: v }
}

fn scenario_id(state: &State) -> &str {
    &state.catalog().scenarios[state.scenario()].id
}

fn value<'s>(state: &'s State, key: &str) -> &'s str {
    let k = KeyId(state.catalog().keys.iter().position(|k| k.id == key).expect("a key"));
    state.config().value_id(state.catalog(), k)
}

fn host(state: &mut State, requests: &mut Vec<Request>, request: Request) {
    requests.push(request);
    state.update(Action::HostRequests(Rc::new(requests.clone().into())));
}

#[test]
fn starts_from_the_hosts_requests_in_order() {
    let first = ask(Some("compute"), &[("egress", "firewall")], false);
    let second = ask(None, &[("compute_public_ip", "on")], true);
    let s = start(None, &[first, second]);
    assert_eq!(scenario_id(&s), "compute");
    assert_eq!((value(&s, "egress"), value(&s, "compute_public_ip")), ("firewall", "on"));
    assert_eq!((s.flow, s.revision, s.requests_seen), (0, 0, 2));
    assert!(s.playing && !s.settled && s.notices.is_empty());
    assert!(!s.report().1, "the starting state is not the reader's change");
}

#[test]
fn a_link_in_the_hash_wins_over_the_attributes_and_a_step_alone_keeps_their_scenario() {
    let attrs = [ask(Some("compute"), &[], false)];
    let s = start(Some("#vf.scenario=aks&vf.step=2"), &attrs);
    assert_eq!((scenario_id(&s), s.flow), ("aks", 1));
    let s = start(Some("#intro&vf.step=2"), &attrs);
    assert_eq!((scenario_id(&s), s.flow), ("compute", 1));
    let s = start(Some("#intro"), &attrs);
    assert_eq!((scenario_id(&s), s.flow), ("compute", 0));
}

#[test]
fn starting_with_reduced_motion_does_not_play() {
    let s = State::new(Start {
        catalog: catalog(),
        hash: None,
        restore: None,
        failed: false,
        requests: &Requests::default(),
        reduced_motion: true,
    });
    assert!(!s.playing && !s.moving());
    assert_eq!(s.scenario(), ScenarioId(0));
}

#[test]
fn set_value_resolves_once_and_announces_new_findings() {
    let mut s = on("compute");
    let before = s.resolution.clone();
    let catalog = s.catalog().clone();
    s.update(set(&catalog, "workspace_pe", "off"));
    assert_eq!(value(&s, "workspace_pe"), "off");
    assert!(!Rc::ptr_eq(&before, &s.resolution));
    assert_eq!(s.resolution.config, *s.config());
    assert_eq!((s.revision, s.changed_by), (1, By::Reader));
    assert!(s.report().1);
    assert!(s.announcement.starts_with("Will not work: "), "{}", s.announcement);
}

#[test]
fn set_value_ignores_what_changes_nothing_or_is_not_there() {
    let mut s = on("compute");
    let catalog = s.catalog().clone();
    let same = s.clone();
    s.update(set(&catalog, "workspace_pe", "on"));
    s.update(Action::SetValue { key: KeyId(999), value: 0 });
    s.update(Action::SetValue { key: KeyId(0), value: 999 });
    // `aks_private` is not a key of `compute`.
    s.update(set(&catalog, "aks_private", "on"));
    assert_eq!(s, same);
    assert!(Rc::ptr_eq(&s.resolution, &same.resolution));
}

#[test]
fn set_scenario_keeps_the_shared_keys_and_ignores_an_unknown_scenario() {
    let mut s = on("compute");
    let catalog = s.catalog().clone();
    s.update(set(&catalog, "egress", "firewall"));
    s.update(Action::Step { to: Move::To(3), by: By::Reader });
    s.update(Action::SetScenario(catalog.scenario_id("aks").unwrap()));
    assert_eq!((scenario_id(&s), value(&s, "egress"), s.flow), ("aks", "firewall", 0));
    assert_eq!(s.changed_by, By::Reader);
    let same = s.clone();
    s.update(Action::SetScenario(ScenarioId(catalog.scenarios.len())));
    s.update(Action::SetScenario(s.scenario()));
    assert_eq!(s, same);
}

#[test]
fn steps_wrap_round_and_only_the_readers_are_announced() {
    let mut s = on("compute");
    let count = s.resolution.flows.len();
    s.update(Action::Step { to: Move::Previous, by: By::Player });
    assert_eq!((s.flow, s.changed_by), (count - 1, By::Player));
    assert!(s.announcement.is_empty(), "the player moves quietly");
    assert!(!s.report().1);
    s.update(Action::Step { to: Move::Next, by: By::Reader });
    assert_eq!(s.flow, 0);
    assert!(s.announcement.starts_with(&format!("Step 1 of {count}: ")), "{}", s.announcement);
    assert_eq!(s.report().0.step, 1);
    s.update(Action::Step { to: Move::Last, by: By::Host });
    assert_eq!((s.flow, s.changed_by), (count - 1, By::Host));
    let revision = s.revision;
    s.update(Action::Step { to: Move::To(count + 10), by: By::Reader });
    assert_eq!((s.flow, s.revision), (count - 1, revision), "past the end is the last, and no change");
}

#[test]
fn pick_shows_the_flow_and_stops_playing() {
    let mut s = on("compute");
    s.update(Action::Pick(2));
    assert_eq!((s.flow, s.playing, s.changed_by), (2, false, By::Reader));
}

#[test]
fn play_pause_speed_and_reduced_motion() {
    let mut s = on("compute");
    s.update(Action::Pause);
    assert!(!s.playing);
    s.update(Action::Play);
    assert!(s.moving());
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        s.update(Action::Speed(bad));
        assert_eq!(s.speed, 1.0);
    }
    s.update(Action::Speed(2.0));
    assert_eq!(s.speed, 2.0);
    s.update(Action::ReducedMotion(true));
    assert!(!s.playing);
    s.update(Action::Play);
    assert!(!s.playing && !s.moving(), "reduced motion keeps the player still");
    s.update(Action::ReducedMotion(false));
    s.update(Action::Play);
    assert!(s.moving());
    assert_eq!(s.revision, 0, "none of these changes the scenario, configuration or flow");
}

#[test]
fn hover_and_chosen_rule_light_up_rules_until_the_configuration_changes() {
    let mut s = on("compute");
    let catalog = s.catalog().clone();
    let own: Vec<RuleId> = s.resolution.flows[0].hops.iter().filter_map(|h| h.rule).collect();
    s.update(Action::Hover(vec![RuleId(999_999)]));
    s.update(Action::ChooseRule(Some(RuleId(3))));
    let lit = s.highlighted_rules();
    assert!(own.iter().all(|r| lit.contains(r)) && lit.contains(&RuleId(999_999)));
    s.update(set(&catalog, "egress", "firewall"));
    assert!(s.hovered_rules.is_empty() && s.chosen_rule.is_none());
    s.update(Action::ChooseRule(Some(RuleId(1))));
    s.update(Action::ChooseRule(None));
    assert_eq!(s.chosen_rule, None);
}

#[test]
fn host_requests_apply_only_the_new_ones_and_report_no_reader_change() {
    let mut requests = vec![ask(Some("compute"), &[], false)];
    let mut s = start(None, &requests);
    host(&mut s, &mut requests, ask(None, &[("egress", "nat-gateway")], true));
    assert_eq!((value(&s, "egress"), s.changed_by, s.requests_seen), ("nat-gateway", By::Host, 2));
    assert!(!s.report().1);
    // The reader changes a key; replaying the same list must not undo it.
    let catalog = s.catalog().clone();
    s.update(set(&catalog, "egress", "firewall"));
    s.update(Action::HostRequests(Rc::new(requests.clone().into())));
    assert_eq!(value(&s, "egress"), "firewall");
    // The `config` attribute starts from the defaults; `setConfig` merges.
    host(&mut s, &mut requests, ask(None, &[("compute_public_ip", "on")], false));
    assert_eq!((value(&s, "egress"), value(&s, "compute_public_ip")), ("default", "on"));
}

#[test]
fn a_host_request_with_unknown_keys_gets_notices_that_the_reader_can_dismiss() {
    let mut requests = vec![ask(Some("compute"), &[], false)];
    let mut s = start(None, &requests);
    host(&mut s, &mut requests, ask(Some("nope"), &[("colour", "blue"), ("egress", "teleport")], true));
    assert_eq!(scenario_id(&s), "compute");
    assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
    s.update(Action::DismissNotices);
    assert!(s.notices.is_empty());
}

#[test]
fn hash_changes_apply_as_the_readers_and_a_hash_without_state_is_ignored() {
    let mut s = on("compute");
    s.update(Action::HashChanged("#vf.scenario=aks&vf.egress=firewall&vf.step=3".into()));
    assert_eq!((scenario_id(&s), value(&s, "egress"), s.flow), ("aks", "firewall", 2));
    assert_eq!(s.changed_by, By::Reader);
    let same = s.clone();
    s.update(Action::HashChanged("#top".into()));
    s.update(Action::HashChanged(String::new()));
    assert_eq!(s, same);
    s.update(Action::HashChanged("#vf.scenario=aks&vf.colour=blue".into()));
    assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
}

#[test]
fn the_hash_of_a_state_starts_the_same_state_and_keeps_the_pages_own_parts() {
    let mut s = on("compute");
    let catalog = s.catalog().clone();
    s.update(set(&catalog, "egress", "firewall"));
    s.update(Action::Step { to: Move::To(4), by: By::Reader });
    let hash = s.hash("#intro&vf.scenario=studio");
    assert!(hash.starts_with("#intro&vf.scenario=compute&"), "{hash}");
    let again = start(Some(&hash), &[]);
    assert_eq!((again.scenario(), again.config(), again.flow), (s.scenario(), s.config(), 4));
    // A page anchor that starts with `#` survives rewrite after rewrite.
    let first = s.hash("##notes&vf.scenario=studio");
    assert!(first.starts_with("##notes&vf.scenario=compute&"), "{first}");
    assert_eq!(s.hash(&first), first);
}

#[test]
fn settled_is_set_once() {
    let mut s = on("compute");
    s.update(Action::Settled);
    s.update(Action::Settled);
    assert!(s.settled);
    assert_eq!(s.revision, 0);
}

#[test]
fn a_host_request_during_playback_keeps_playing_from_the_first_flow() {
    let mut requests = vec![ask(Some("compute"), &[], false)];
    let mut s = start(None, &requests);
    s.update(Action::Step { to: Move::To(5), by: By::Player });
    host(&mut s, &mut requests, ask(None, &[("egress", "firewall")], true));
    assert!(s.moving());
    assert_eq!((s.flow, s.changed_by), (0, By::Host));
    // A request that changes nothing leaves the player where it is.
    s.update(Action::Step { to: Move::To(3), by: By::Player });
    host(&mut s, &mut requests, ask(None, &[("egress", "firewall")], true));
    assert_eq!((s.flow, s.changed_by), (3, By::Player));
}

#[test]
fn a_hash_change_between_host_requests_is_kept_and_the_next_request_builds_on_it() {
    let mut requests = vec![ask(Some("compute"), &[], false)];
    let mut s = start(None, &requests);
    host(&mut s, &mut requests, ask(None, &[("egress", "firewall")], true));
    s.update(Action::HashChanged("#vf.scenario=aks&vf.egress=nat-gateway".into()));
    assert_eq!((scenario_id(&s), value(&s, "egress")), ("aks", "nat-gateway"));
    host(&mut s, &mut requests, ask(None, &[("aks_private", "on")], true));
    assert_eq!((scenario_id(&s), value(&s, "egress"), value(&s, "aks_private")), ("aks", "nat-gateway", "on"));
    assert_eq!(s.requests_seen, 3);
}

#[test]
fn a_key_changed_while_playing_keeps_playing_and_keeps_the_flow_in_range() {
    let mut s = on("compute");
    let catalog = s.catalog().clone();
    s.update(Action::Step { to: Move::Last, by: By::Player });
    let last = s.flow;
    s.update(set(&catalog, "workspace_pe", "off"));
    assert!(s.moving());
    assert!(s.flow < s.resolution.flows.len());
    assert!(s.flow <= last);
    assert_eq!(s.changed_by, By::Reader);
}

#[test]
fn moves_wrap_round_and_keys_name_them() {
    assert_eq!(Move::Next.from(4, 5), 0);
    assert_eq!(Move::Previous.from(0, 5), 4);
    assert_eq!(Move::Previous.from(9, 5), 3, "from past the end, the one before the last");
    assert_eq!(Move::To(7).from(0, 5), 4);
    assert_eq!(Move::Last.from(0, 5), 4);
    for m in [Move::Next, Move::Previous, Move::To(3), Move::Last] {
        assert_eq!(m.from(0, 0), 0, "an empty list stays at 0");
    }
    assert_eq!(Move::of_key("ArrowDown"), Some(Move::Next));
    assert_eq!(Move::of_key("ArrowLeft"), Some(Move::Previous));
    assert_eq!(Move::of_key("Home"), Some(Move::To(0)));
    assert_eq!(Move::of_key("End"), Some(Move::Last));
    assert_eq!(Move::of_key("a"), None);
}

/// A link that gives only a step moves to that step where the widget is (the host's scenario
/// and settings stay); a step that does not exist is reported, not ignored silently.
#[test]
fn a_link_with_only_a_step_shows_that_step_or_says_why_not() {
    let requests = [ask(Some("compute"), &[("egress", "firewall")], false)];
    let s = start(Some("#vf.step=3"), &requests);
    assert_eq!((scenario_id(&s), value(&s, "egress"), s.flow), ("compute", "firewall", 2));
    assert!(s.notices.is_empty(), "{:?}", s.notices);
    for bad in ["99", "abc", "-1", "0", ""] {
        let s = start(Some(&format!("#vf.step={bad}")), &requests);
        assert_eq!((scenario_id(&s), s.flow), ("compute", 0), "step {bad}");
        assert_eq!(s.notices.len(), 1, "step {bad}: {:?}", s.notices);
        assert!(s.notices[0].contains("step"), "{:?}", s.notices);
    }
    let mut s = start(None, &requests);
    let config = s.config().clone();
    s.update(Action::HashChanged("#top&vf.step=2".into()));
    assert_eq!((scenario_id(&s), s.config(), s.flow), ("compute", &config, 1));
    assert_eq!(s.changed_by, By::Reader);
    s.update(Action::HashChanged("#vf.step=1000".into()));
    assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
}

/// Notices quote at most 40 characters of what they were given and list at most five items,
/// the rest counted, whatever a link or a host sends.
#[test]
fn notices_stay_short_whatever_they_are_given() {
    let long = "x".repeat(2_000);
    let s = start(Some(&format!("#vf.scenario={long}&vf.{long}={long}&vf.egress={long}&vf.step={long}")), &[]);
    assert_eq!(s.notices.len(), 4, "{:?}", s.notices);
    for notice in &s.notices {
        assert!(notice.chars().count() < 400, "{} characters: {}", notice.len(), &notice[..200]);
        assert!(notice.contains(&format!("{}…", "x".repeat(40))), "{notice}");
    }
    let many: Vec<String> = (0..1_000).map(|i| format!("vf.key{i}=v")).collect();
    let s = start(Some(&format!("#vf.scenario=aks&{}", many.join("&"))), &[]);
    assert_eq!(s.notices.len(), 5, "{:?}", s.notices);
    assert_eq!(s.notices[4], "And 996 more were ignored.");
    let mut requests = vec![ask(Some("compute"), &[], false)];
    let mut s = start(None, &requests);
    let settings: Vec<(String, String)> = (0..50).map(|i| (format!("k{i}"), long.clone())).collect();
    requests.push(Request { scenario: None, settings, merge: true });
    s.update(Action::HostRequests(Rc::new(requests.into())));
    assert_eq!(s.notices.len(), 5, "{:?}", s.notices);
    assert!(s.notices.iter().all(|n| n.chars().count() < 400));
}

/// The element drops the requests the widget has applied: the list it passes holds only the
/// new ones, numbered on from the old, and each still applies once.
#[test]
fn requests_numbered_on_apply_once_after_the_applied_ones_are_dropped() {
    let mut requests = Requests::from(vec![ask(Some("compute"), &[], false)]);
    let mut s = start(None, &requests.list);
    for (i, egress) in ["firewall", "nat-gateway", "default", "firewall"].into_iter().enumerate() {
        requests = requests.then(s.requests_seen, ask(None, &[("egress", egress)], true));
        assert_eq!((requests.first, requests.list.len()), (i + 1, 1), "only the new request is kept");
        s.update(Action::HostRequests(Rc::new(requests.clone())));
        assert_eq!((value(&s, "egress"), s.requests_seen), (egress, i + 2));
    }
    // Two in one tick, before the widget applies either: both are kept, and both apply.
    requests = requests.then(s.requests_seen, ask(None, &[("compute_public_ip", "on")], true));
    requests = requests.then(1, ask(None, &[("egress", "nat-gateway")], true));
    assert_eq!(requests.list.len(), 2);
    s.update(Action::HostRequests(Rc::new(requests.clone())));
    assert_eq!((value(&s, "compute_public_ip"), value(&s, "egress")), ("on", "nat-gateway"));
    // The same list again changes nothing.
    let before = s.clone();
    s.update(Action::HostRequests(Rc::new(requests)));
    assert_eq!(s, before);
}

/// After a failure a widget starts again from its last state (kept outside the wasm as a link),
/// which wins over the hash and the attributes; only the widget that failed says so.
#[test]
fn a_restart_resumes_the_last_state_and_the_failed_widget_says_so() {
    let catalog = catalog();
    let mut before = on("compute");
    before.update(set(&catalog, "compute_public_ip", "on"));
    before.update(Action::Step { by: By::Reader, to: Move::Next });
    let last = before.hash("");
    for failed in [false, true] {
        let after = State::new(Start {
            catalog: catalog.clone(),
            hash: Some("#vf.scenario=studio"),
            restore: Some(&last),
            failed,
            requests: &vec![ask(Some("aks"), &[], false)].into(),
            reduced_motion: false,
        });
        assert_eq!(scenario_id(&after), "compute");
        assert_eq!(after.config(), before.config());
        assert_eq!(after.flow, before.flow);
        assert_eq!(after.restarted, failed);
        assert!(after.notices.is_empty(), "{:?}", after.notices);
        let mut dismissed = after.clone();
        dismissed.update(Action::DismissNotices);
        assert!(!dismissed.restarted);
    }
}

/// Choosing a cause of an error message shows where it arises: its scenario and configuration,
/// paused, its rule chosen and the first flow that needs it on show; a configuration that does
/// not fit the scenario changes nothing.
#[test]
fn showing_a_cause_goes_to_its_scenario_configuration_rule_and_flow() {
    use vnet_flows::symptoms::{CauseKind, Index, explain};
    let catalog = catalog();
    let index = Index::new(&catalog);
    let rule_match = explain(&catalog, &index, "compute instance creation failed storage mount", 20)
        .into_iter()
        .find(|m| m.cause.kind == CauseKind::Rule)
        .expect("a rule matches a storage mount failure");
    let rule = RuleId(rule_match.cause.item);
    let mut s = on("studio");
    s.update(Action::ShowCause { scenario: rule_match.scenario, config: rule_match.config.clone(), rule: Some(rule) });
    assert_eq!(s.scenario(), rule_match.scenario);
    assert_eq!(s.config(), &rule_match.config);
    assert_eq!(s.chosen_rule, Some(rule));
    assert!(!s.playing);
    let flow = &s.resolution.flows[s.flow];
    assert!(flow.hops.iter().any(|h| h.rule == Some(rule)), "the flow on show needs the rule");
    let before = s.clone();
    let wrong = vnet_flows::config::Config::from_values(vec![0]);
    s.update(Action::ShowCause { scenario: ScenarioId(0), config: wrong, rule: None });
    assert_eq!(s, before);
    s.update(Action::ShowCause { scenario: ScenarioId(999), config: rule_match.config, rule: Some(rule) });
    assert_eq!(s, before);
}

/// The administrator's template that lacks the SMB rule, as the panel would hand it over.
fn missing_smb(region: &str) -> Rc<RulesInput> {
    let text = std::fs::read_to_string("tests/fixtures/rulesets/real/arm-template-missing-smb.json").unwrap();
    Rc::new(RulesInput {
        files: vec![RuleFile { name: "template.json".into(), text }],
        region: region.into(),
        params: String::new(),
        ..RulesInput::default()
    })
}

fn blocked_flows(state: &State) -> Vec<String> {
    let report = &state.checked.as_ref().expect("rules checked").report;
    report.flows.iter().filter(|f| f.verdict == FlowVerdict::Blocked).map(|f| f.id.clone()).collect()
}

#[test]
fn pasted_rules_are_checked_now_and_after_every_change_and_cleared_on_request() {
    let mut s = on("compute");
    s.update(set(&s.catalog().clone(), "dependencies", "service-endpoint"));
    let hash = s.hash("");
    s.update(Action::CheckRules(missing_smb("westeurope")));
    assert_eq!(blocked_flows(&s), ["compute-storage-file-direct"]);
    assert!(s.announcement.starts_with("Rules checked: 1 flow blocked"), "{}", s.announcement);
    let checked = s.checked.as_ref().unwrap();
    assert_eq!(checked.files, ["template.json"]);
    // Each verdict names its flow by position, so the diagram and the list can find it.
    for flow in &checked.report.flows {
        assert_eq!(s.catalog().flows[s.resolution.flows[flow.index].flow].id, flow.id);
        assert_eq!(flow.hops.len(), s.resolution.flows[flow.index].hops.len());
    }
    // The table's verdicts: the rule of the blocked hop, with its fix and what blocked it;
    // every other rule admitted, each by a named rule.
    let blocked: Vec<_> = checked.rules.iter().filter(|(_, v)| v.verdict == HopVerdict::Blocked).collect();
    assert_eq!(blocked.len(), 1);
    let (rule, verdict) = blocked[0];
    assert!(s.resolution.flows[verdict.flow].hops.iter().any(|h| h.rule == Some(*rule)));
    assert_eq!(s.catalog().flows[s.resolution.flows[verdict.flow].flow].id, "compute-storage-file-direct");
    assert!(verdict.fix.as_deref().is_some_and(|f| f.contains("\"445\"")), "{:?}", verdict.fix);
    assert_eq!((verdict.by[0].rule.as_str(), verdict.by[0].priority), ("deny-all-outbound", Some(4096)));
    for (_, v) in checked.rules.iter().filter(|(_, v)| v.verdict == HopVerdict::Allowed) {
        assert!(!v.by.is_empty() && v.by.iter().all(|b| !b.rule.is_empty()), "{v:?}");
    }
    // The rules never reach the URL.
    assert_eq!(s.hash(""), hash);

    // A new configuration is checked against the same prepared rules.
    let checker = checked.checker.clone();
    s.update(set(&s.catalog().clone(), "dependencies", "private-endpoint"));
    let after = s.checked.as_ref().unwrap();
    assert!(Rc::ptr_eq(&after.checker, &checker));
    assert_eq!(after.report.config.0.iter().find(|(k, _)| k == "dependencies").unwrap().1, "private-endpoint");
    assert!(!blocked_flows(&s).contains(&"compute-storage-file-direct".to_string()));

    s.update(Action::ClearRules);
    assert!(s.checked.is_none());
    assert_eq!(s.announcement, "The rules were cleared.");
}

#[test]
fn a_blocked_flow_is_announced_once_whoever_shows_it() {
    let mut s = on("compute");
    s.update(set(&s.catalog().clone(), "dependencies", "service-endpoint"));
    s.update(Action::CheckRules(missing_smb("westeurope")));
    let blocked =
        s.checked.as_ref().unwrap().report.flows.iter().find(|f| f.verdict == FlowVerdict::Blocked).unwrap().index;
    let marks = &s.checked.as_ref().unwrap().marks;
    let marked: Vec<usize> =
        (0..marks.len()).filter(|&f| marks[f].contains(&vnet_flows::scene::Mark::Blocked)).collect();
    assert_eq!(marked, [blocked], "the diagram marks the blocked flow's hop, and only that");
    s.update(Action::Step { to: Move::To(blocked), by: By::Player });
    assert!(s.announcement.starts_with(&format!("Step {}: blocked.", blocked + 1)), "{}", s.announcement);
    assert!(s.announcement.contains("deny-all-outbound"), "{}", s.announcement);
    s.update(Action::Step { to: Move::Next, by: By::Player });
    s.announcement.clear();
    s.update(Action::Step { to: Move::To(blocked), by: By::Player });
    assert_eq!(s.announcement, "", "announced a second time");
}

#[test]
fn broken_files_and_parameters_are_listed_and_the_rest_is_checked() {
    let mut s = on("compute");
    s.update(set(&s.catalog().clone(), "dependencies", "service-endpoint"));
    let mut input = (*missing_smb("westeurope")).clone();
    input.files.push(RuleFile { name: "broken.json".into(), text: "{\"resources\": [".into() });
    input.params = "good=1\nno equals sign here\n# a comment\n".into();
    s.update(Action::CheckRules(Rc::new(input)));
    let report = &s.checked.as_ref().unwrap().report;
    let errors: Vec<(&str, &str)> = report.errors.iter().map(|e| (e.file.as_str(), e.at.as_str())).collect();
    assert_eq!(errors, [("broken.json", "line 1, column 15"), ("parameters", "line 2")]);
    assert_eq!(blocked_flows(&s), ["compute-storage-file-direct"]);
}

#[test]
fn nothing_but_text_and_nothing_at_all_check_without_a_panic() {
    let mut s = on("compute");
    s.update(Action::CheckRules(Rc::new(RulesInput::default())));
    let report = &s.checked.as_ref().unwrap().report;
    assert!(report.errors.is_empty());
    s.update(Action::CheckRules(Rc::new(RulesInput {
        files: vec![RuleFile { name: "pasted".into(), text: "Error: AuthorizationFailed".into() }],
        ..RulesInput::default()
    })));
    let report = &s.checked.as_ref().unwrap().report;
    let error = &report.errors[0];
    assert_eq!((report.errors.len(), error.file.as_str(), error.at.as_str()), (1, "pasted", "line 1, column 1"));
    assert!(!error.message.is_empty());
}

#[test]
fn host_rules_requests_apply_once_each_in_order() {
    use vnet_flows::state::RulesRequest;
    let mut s = on("compute");
    s.update(set(&s.catalog().clone(), "dependencies", "service-endpoint"));
    let check = Rc::new(RulesRequest { number: 1, input: Some(missing_smb("westeurope")) });
    s.update(Action::HostRules(check.clone()));
    assert_eq!((s.rules_seen, blocked_flows(&s).len()), (1, 1));
    // The same request again (a re-render) is not applied twice: the prepared rules stay.
    let checker = s.checked.as_ref().unwrap().checker.clone();
    s.update(Action::HostRules(check));
    assert!(Rc::ptr_eq(&s.checked.as_ref().unwrap().checker, &checker));
    // The reader's Clear, then the host's older request, changes nothing; a newer clear does.
    s.update(Action::ClearRules);
    s.update(Action::HostRules(Rc::new(RulesRequest { number: 1, input: Some(missing_smb("")) })));
    assert!(s.checked.is_none());
    s.update(Action::HostRules(Rc::new(RulesRequest { number: 2, input: Some(missing_smb("")) })));
    assert!(s.checked.as_ref().unwrap().report.region.is_none(), "no region given: the workspace's assumed");
    s.update(Action::HostRules(Rc::new(RulesRequest { number: 3, input: None })));
    assert_eq!((s.rules_seen, s.checked.is_none()), (3, true));
}

#[test]
fn after_a_change_the_verdicts_come_at_once_and_the_rest_on_complete_check() {
    let mut s = on("compute");
    s.update(set(&s.catalog().clone(), "dependencies", "service-endpoint"));
    s.update(Action::CheckRules(missing_smb("westeurope")));
    let first = s.checked.as_ref().unwrap();
    assert!(first.complete, "the reader's own check is whole at once");
    let unneeded_before = first.report.unneeded.len();
    s.update(set(&s.catalog().clone(), "dependencies", "private-endpoint"));
    let moved = s.checked.as_ref().unwrap();
    assert!(!moved.complete);
    let whole = moved.checker.check(&s.resolution);
    // The verdicts are the new configuration's; the rest is the old one's until completed.
    assert_eq!(serde_json::to_string(&moved.report.flows).unwrap(), serde_json::to_string(&whole.flows).unwrap());
    assert_eq!(moved.report.unneeded.len(), unneeded_before);
    let (marks, rules, stops) = (moved.marks.clone(), moved.rules.clone(), moved.stops.clone());
    s.update(Action::CompleteCheck);
    let done = s.checked.as_ref().unwrap();
    assert!(done.complete);
    // What the diagram, table and step list show is kept as it was, so they do not render again.
    assert!(Rc::ptr_eq(&done.marks, &marks) && Rc::ptr_eq(&done.rules, &rules) && Rc::ptr_eq(&done.stops, &stops));
    assert_eq!(done.report.json(), whole.json());
    let same = done.report.clone();
    s.update(Action::CompleteCheck);
    assert!(Rc::ptr_eq(&s.checked.as_ref().unwrap().report, &same), "completing twice does nothing");
}

#[test]
fn the_vnet_address_space_settles_what_an_address_range_left_open() {
    // An NSG that allows one public range and denies the rest: without the VNet's address space
    // the range may hold the private endpoints; with it, it plainly does not.
    let nsg = r#"{"name": "nsg-training", "properties": {"securityRules": [
        {"name": "allow-range", "properties": {"priority": 100, "direction": "Outbound", "access": "Allow", "protocol": "*",
          "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*", "destinationAddressPrefix": "13.64.0.0/11", "destinationPortRange": "*"}},
        {"name": "deny-out", "properties": {"priority": 4096, "direction": "Outbound", "access": "Deny", "protocol": "*",
          "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"}}]}}"#;
    let verdict = |vnet: &str| {
        let mut s = on("compute");
        let files = vec![RuleFile { name: "nsg.json".into(), text: nsg.into() }];
        let input = RulesInput { files, region: "westeurope".into(), vnet: vnet.into(), ..RulesInput::default() };
        s.update(Action::CheckRules(Rc::new(input)));
        let report = s.checked.as_ref().unwrap().report.clone();
        let flow = report.flows.iter().find(|f| f.id == "compute-workspace-pe").map(|f| f.verdict);
        (flow, report.errors.iter().map(|e| (e.file.clone(), e.message.clone())).collect::<Vec<_>>())
    };
    assert_eq!(verdict("").0, Some(FlowVerdict::Unresolved));
    assert_eq!(verdict("10.0.0.0/16").0, Some(FlowVerdict::Blocked));
    let (flow, errors) = verdict("10.0.0.0/16, 10.0.0.0/33");
    assert_eq!(flow, Some(FlowVerdict::Blocked));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, "VNet address space");
    assert!(errors[0].1.contains("`10.0.0.0/33`"), "{}", errors[0].1);
}
