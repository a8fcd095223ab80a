//! The widget's state and its one reducer. Everything the reader, the player and the host do is
//! an [`Action`]; [`State::update`] is the only code that changes the state, and it resolves the
//! configuration once per change, into an `Rc` every component shares.
//!
//! Pure like the model: no web names, natively tested (`tests/it/state.rs`). The web layer runs
//! it through Yew's `use_reducer` and derives from it what it tells the host ([`State::report`])
//! and what it writes into the URL hash ([`State::hash`]).
//!
//! Two meanings of "step" meet here: the data's setup *steps* (`Catalog::steps`, what an
//! administrator does), and the animation's position in the flows. This module calls the second
//! the *flow on show* (`State::flow`); only the host interface and the hash say `step` for it.

use std::rc::Rc;

pub use crate::checked::Checked;
use crate::config::Config;
use crate::link::{self, Link};
use crate::model::{Catalog, KeyId, RuleId, ScenarioId};
use crate::resolve::{Resolution, resolve};
use crate::ruleset::pasted::RulesInput;
use crate::ruleset::report::HopVerdict;

/// A host's request: a scenario, settings, or both.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub scenario: Option<String>,
    pub settings: Vec<(String, String)>,
    /// Start from the current configuration (`setConfig`, a new scenario) rather than from the
    /// scenario's defaults (the `config` attribute).
    pub merge: bool,
}

/// The host's requests the widget may not have applied yet, numbered in the order the host made
/// them: `list[0]` is number `first` (the element's attributes are number 0). The element drops
/// the ones the widget reports applied, so it keeps none of a long life's calls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Requests {
    pub first: usize,
    pub list: Vec<Request>,
}

impl Requests {
    /// One past the number of the newest request.
    pub fn end(&self) -> usize {
        self.first + self.list.len()
    }

    /// These requests without the ones numbered below `applied`, and `new` after them.
    pub fn then(&self, applied: usize, new: Request) -> Requests {
        let skip = applied.saturating_sub(self.first).min(self.list.len());
        let mut list = self.list[skip..].to_vec();
        list.push(new);
        Requests { first: self.first + skip, list }
    }
}

impl From<Vec<Request>> for Requests {
    fn from(list: Vec<Request>) -> Requests {
        Requests { first: 0, list }
    }
}

/// The host's latest call of `checkRules` (with the files) or `clearRules` (without), numbered
/// from 1 so that the widget applies each once.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesRequest {
    pub number: u64,
    pub input: Option<Rc<RulesInput>>,
}

/// The state a host can read: ids as in the hash and the command line, and a 1-based step.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub scenario: String,
    pub config: Vec<(String, String)>,
    pub step: usize,
}

/// Who made a change. Only the reader's changes are announced to the host as events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Reader,
    /// The animation moving on by itself.
    Player,
    Host,
}

/// A move in a list that wraps round at its ends: the flows, the tabs, the diagram's places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    To(usize),
    /// The one before, wrapping round to the last.
    Previous,
    /// The one after, wrapping round to the first.
    Next,
    Last,
}

impl Move {
    /// The move an arrow key, Home or End asks for (`key` as the browser names it).
    pub fn of_key(key: &str) -> Option<Move> {
        match key {
            "ArrowRight" | "ArrowDown" => Some(Move::Next),
            "ArrowLeft" | "ArrowUp" => Some(Move::Previous),
            "Home" => Some(Move::To(0)),
            "End" => Some(Move::Last),
            _ => None,
        }
    }

    /// Where the move leads from `at` in a list of `count` items (0 when it is empty).
    pub fn from(self, at: usize, count: usize) -> usize {
        let count = count.max(1);
        match self {
            Move::To(n) => n.min(count - 1),
            Move::Previous => (at.min(count - 1) + count - 1) % count,
            Move::Next => (at + 1) % count,
            Move::Last => count - 1,
        }
    }
}

/// Everything that changes the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The reader chose value number `value` of key `key`.
    SetValue {
        key: KeyId,
        value: usize,
    },
    /// The reader chose a scenario; the keys it shares with the old one keep their values.
    SetScenario(ScenarioId),
    /// Show another flow.
    Step {
        to: Move,
        by: By,
    },
    /// The reader picked a flow in the list: show it and stop playing.
    Pick(usize),
    Play,
    Pause,
    Speed(f64),
    /// The system's motion preference (or the host's `still`): reduced stops the player.
    ReducedMotion(bool),
    /// The rules of what the pointer or focus is on in the diagram (empty when nothing).
    Hover(Vec<RuleId>),
    /// A rule chosen in the table or on the diagram, or none.
    ChooseRule(Option<RuleId>),
    /// The reader chose a cause of an error message they pasted: show the scenario and
    /// configuration where it arises, paused, with its rule (if it is one) chosen and the first
    /// flow that needs the rule on show.
    ShowCause {
        scenario: ScenarioId,
        config: Config,
        rule: Option<RuleId>,
    },
    /// The host's requests not known to be applied, oldest first; those not seen yet are
    /// applied in order.
    HostRequests(Rc<Requests>),
    /// The URL hash changed (the reader edited it, or went back).
    HashChanged(String),
    DismissNotices,
    /// The reader (or the host) gave rule files to check: read them once, and check every
    /// configuration from now on against them.
    CheckRules(Rc<RulesInput>),
    /// Forget the rule files and their verdicts.
    ClearRules,
    /// The host's latest rules request; applied if it is newer than the last one applied.
    HostRules(Rc<RulesRequest>),
    /// Make the rest of the rules' report (unneeded and retired rules) for this configuration;
    /// the web layer sends it a moment after a change, so the change itself draws sooner.
    CompleteCheck,
    /// The first render is on screen: what sits below the diagram may render now.
    Settled,
}

/// The reader's state.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The scenario, configuration and what applies to them, resolved once per change.
    pub resolution: Rc<Resolution>,
    /// The flow on show: an index into `resolution.flows` (0 when there are none).
    pub flow: usize,
    pub playing: bool,
    pub speed: f64,
    pub reduced_motion: bool,
    /// The rules of what the pointer or focus is on in the diagram.
    pub hovered_rules: Vec<RuleId>,
    pub chosen_rule: Option<RuleId>,
    /// What the last host request or link had to ignore.
    pub notices: Vec<String>,
    /// The widget failed and started again ([`RESTARTED`] says so until dismissed).
    pub restarted: bool,
    /// The text for the live region: new findings after a change, a flow chosen by hand.
    pub announcement: String,
    /// How many of the host's requests have been applied.
    pub requests_seen: usize,
    /// Counts changes of scenario, configuration or flow on show; 0 is the starting state.
    pub revision: u64,
    /// Who made the change that `revision` counts.
    pub changed_by: By,
    /// Whether the first render is on screen (see [`Action::Settled`]).
    pub settled: bool,
    /// The reader's rule files and their verdict on the current configuration, if any.
    pub checked: Option<Checked>,
    /// The number of the last host rules request applied (0: none).
    pub rules_seen: u64,
}

/// How a widget starts.
pub struct Start<'a> {
    pub catalog: Rc<Catalog>,
    /// The page's URL hash, when the widget keeps its state there.
    pub hash: Option<&'a str>,
    /// The widget's last state, as a link, when it starts again after a failure: it wins over
    /// the hash and the requests, which it already includes.
    pub restore: Option<&'a str>,
    /// This widget is the one that failed: a notice says it was restarted.
    pub failed: bool,
    /// The host's requests so far (number 0 is the element's attributes).
    pub requests: &'a Requests,
    pub reduced_motion: bool,
}

/// The notice of a widget that failed and started again.
pub const RESTARTED: &str = "This diagram stopped on an internal error and started again where you left it; \
                             the browser console has the details.";

impl State {
    /// The starting state: from a link in the hash, when the widget owns the hash and the link
    /// names a scenario or a setting; otherwise from the host's requests, in order, at the
    /// link's step if it gives only a step.
    pub fn new(start: Start) -> State {
        let catalog = &start.catalog;
        let link = start.restore.or(start.hash).map(link::parse).filter(Link::is_ours);
        let (scenario, config, flow, notices) = match link {
            Some(link) if link.has_state() => {
                let applied = link.apply(catalog, ScenarioId(0), |s, c| resolve(catalog, s, c).flows.len());
                (applied.scenario, applied.config, applied.step, applied.notices)
            }
            link => {
                let first = start.requests.list.first().cloned().unwrap_or_default();
                let (scenario, config, mut notices) = apply_request(catalog, None, &first);
                let mut at = (scenario, config);
                for request in start.requests.list.iter().skip(1) {
                    let (s, c, mut more) = apply_request(catalog, Some(&at), request);
                    at = (s, c);
                    notices.append(&mut more);
                }
                match link {
                    Some(link) => {
                        let applied = step_only(catalog, &link, &at);
                        notices.extend(applied.notices);
                        (at.0, at.1, applied.step, notices)
                    }
                    None => (at.0, at.1, 0, notices),
                }
            }
        };
        let notices = link::cap(notices);
        let resolution = Rc::new(resolve(catalog, scenario, &config));
        State {
            flow: flow.min(resolution.flows.len().saturating_sub(1)),
            resolution,
            playing: !start.reduced_motion,
            speed: 1.0,
            reduced_motion: start.reduced_motion,
            hovered_rules: Vec::new(),
            chosen_rule: None,
            notices,
            restarted: start.failed,
            announcement: String::new(),
            requests_seen: start.requests.end().max(1),
            revision: 0,
            changed_by: By::Host,
            settled: false,
            checked: None,
            rules_seen: 0,
        }
    }

    pub fn catalog(&self) -> &Rc<Catalog> {
        &self.resolution.catalog
    }

    pub fn scenario(&self) -> ScenarioId {
        self.resolution.scenario
    }

    pub fn config(&self) -> &Config {
        &self.resolution.config
    }

    /// Whether the animation runs: playing, and motion not reduced.
    pub fn moving(&self) -> bool {
        self.playing && !self.reduced_motion
    }

    /// Applies `action`.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::SetValue { key, value } => self.set_value(key, value),
            Action::SetScenario(to) => {
                if to.0 < self.catalog().scenarios.len() && to != self.scenario() {
                    let config = self.config().carried_over(self.catalog(), &self.catalog().scenarios[to]);
                    self.choose(to, config, 0, By::Reader);
                }
            }
            Action::Step { to, by } => self.step(to, by),
            Action::Pick(flow) => {
                self.playing = false;
                self.step(Move::To(flow), By::Reader);
            }
            Action::Play => self.playing = !self.reduced_motion,
            Action::Pause => self.playing = false,
            Action::Speed(speed) if speed.is_finite() && speed > 0.0 => self.speed = speed,
            Action::Speed(_) => {}
            Action::ReducedMotion(reduced) => {
                self.reduced_motion = reduced;
                self.playing &= !reduced;
            }
            Action::Hover(rules) => self.hovered_rules = rules,
            Action::ChooseRule(rule) => self.chosen_rule = rule,
            Action::ShowCause { scenario, config, rule } => self.show_cause(scenario, config, rule),
            Action::HostRequests(requests) => self.host_requests(&requests),
            Action::HashChanged(hash) => self.hash_changed(&hash),
            Action::DismissNotices => {
                self.notices.clear();
                self.restarted = false;
            }
            Action::CheckRules(input) => self.check_rules(&input),
            Action::ClearRules => self.clear_rules(),
            Action::HostRules(request) if request.number > self.rules_seen => {
                self.rules_seen = request.number;
                match &request.input {
                    Some(input) => self.check_rules(input),
                    None => self.clear_rules(),
                }
            }
            Action::HostRules(_) => {}
            Action::CompleteCheck => {
                if let Some(checked) = self.checked.as_mut() {
                    checked.complete(&self.resolution);
                }
            }
            Action::Settled => self.settled = true,
        }
    }

    /// What the host is told: the state, and whether the reader made the last change.
    pub fn report(&self) -> (Snapshot, bool) {
        let catalog = self.catalog();
        let scenario = &catalog.scenarios[self.scenario()];
        let config = self.config().pairs(catalog, scenario);
        let config = config.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        (Snapshot { scenario: scenario.id.clone(), config, step: self.flow + 1 }, self.changed_by == By::Reader)
    }

    /// The URL hash for this state, keeping the parts of `current` that are not the widget's.
    pub fn hash(&self, current: &str) -> String {
        let catalog = self.catalog();
        let scenario = &catalog.scenarios[self.scenario()];
        let pairs = self.config().pairs(catalog, scenario);
        link::format(&link::parse(current).others, &scenario.id, &pairs, self.flow)
    }

    /// The rules the diagram lights up in the table: the flow on show's and the hovered ones.
    pub fn highlighted_rules(&self) -> Vec<RuleId> {
        let flow = self.resolution.flows.get(self.flow);
        let own = flow.into_iter().flat_map(|f| f.hops.iter().filter_map(|h| h.rule));
        own.chain(self.hovered_rules.iter().copied()).collect()
    }

    fn set_value(&mut self, key: KeyId, value: usize) {
        let catalog = self.catalog().clone();
        let mut config = self.config().clone();
        if !config.set_value(&catalog.scenarios[self.scenario()], key, value) || config == *self.config() {
            return;
        }
        let before = self.resolution.findings.clone();
        self.choose(self.scenario(), config, self.flow, By::Reader);
        // A new finding is announced: the reader changed a select and may not see it appear.
        let news: Vec<String> = self
            .resolution
            .findings
            .iter()
            .filter(|f| !before.contains(f))
            .map(|&f| format!("{}: {}", catalog.findings[f].severity.label(), catalog.findings[f].text))
            .collect();
        if !news.is_empty() {
            self.announcement = news.join(" ");
        }
    }

    fn step(&mut self, to: Move, by: By) {
        let flow = to.from(self.flow, self.resolution.flows.len());
        // Moving by hand is announced; the player's own moves are not, so autoplay stays quiet.
        if by == By::Reader
            && let Some(f) = self.resolution.flows.get(flow)
        {
            let purpose = &self.catalog().flows[f.flow].purpose;
            self.announcement = format!("Step {} of {}: {purpose}", flow + 1, self.resolution.flows.len());
        }
        if flow != self.flow {
            self.flow = flow;
            self.changed(by);
        }
        self.announce_verdict();
    }

    fn check_rules(&mut self, input: &RulesInput) {
        let checker = Rc::new(input.load(self.catalog()));
        let files = input.files.iter().map(|f| f.name.clone()).collect();
        let checked = Checked::new(files, checker, &self.resolution);
        self.announcement = format!("Rules checked: {}.", checked.report.summary());
        self.checked = Some(checked);
    }

    fn clear_rules(&mut self) {
        if self.checked.take().is_some() {
            self.announcement = "The rules were cleared.".into();
        }
    }

    /// A blocked or unresolved flow on show is announced once per check, whoever moved to it.
    fn announce_verdict(&mut self) {
        let flow = self.flow;
        let Some(checked) = self.checked.as_mut().filter(|c| !c.announced.contains(&flow)) else { return };
        let Some(stop) = checked.stops.get(flow).and_then(Option::as_ref) else { return };
        let word = if stop.verdict == HopVerdict::Blocked { "blocked" } else { "unresolved" };
        self.announcement = format!("Step {}: {word}. {}", flow + 1, stop.reason);
        checked.announced.push(flow);
    }

    fn show_cause(&mut self, scenario: ScenarioId, config: Config, rule: Option<RuleId>) {
        let catalog = self.catalog();
        let Some(s) = catalog.scenarios.get(scenario.0) else { return };
        if !config.fits(catalog, s) {
            return;
        }
        self.playing = false;
        self.choose(scenario, config, 0, By::Reader);
        let Some(rule) = rule.filter(|r| self.resolution.rules.contains(r)) else { return };
        self.chosen_rule = Some(rule);
        let needs = |f: &crate::resolve::RoutedFlow| f.hops.iter().any(|h| h.rule == Some(rule));
        if let Some(flow) = self.resolution.flows.iter().position(needs) {
            self.step(Move::To(flow), By::Reader);
        }
    }

    fn host_requests(&mut self, requests: &Requests) {
        let skip = self.requests_seen.saturating_sub(requests.first);
        self.requests_seen = self.requests_seen.max(requests.end());
        let Some(new) = requests.list.get(skip..).filter(|new| !new.is_empty()) else { return };
        let catalog = self.catalog().clone();
        let mut at = (self.scenario(), self.config().clone());
        let mut notices = Vec::new();
        for request in new {
            let (s, c, mut more) = apply_request(&catalog, Some(&at), request);
            at = (s, c);
            notices.append(&mut more);
        }
        self.notices = link::cap(notices);
        let flow = if at == (self.scenario(), self.config().clone()) { self.flow } else { 0 };
        self.choose(at.0, at.1, flow, By::Host);
    }

    fn hash_changed(&mut self, hash: &str) {
        let link = link::parse(hash);
        if !link.is_ours() {
            return;
        }
        let catalog = self.catalog().clone();
        let applied = if link.has_state() {
            link.apply(&catalog, ScenarioId(0), |s, c| resolve(&catalog, s, c).flows.len())
        } else {
            step_only(&catalog, &link, &(self.scenario(), self.config().clone()))
        };
        self.notices = link::cap(applied.notices);
        self.choose(applied.scenario, applied.config, applied.step, By::Reader);
    }

    /// Moves to `scenario` and `config`, showing flow `flow` (or the last one there is).
    fn choose(&mut self, scenario: ScenarioId, config: Config, flow: usize, by: By) {
        let same = scenario == self.scenario() && config == *self.config();
        if !same {
            self.resolution = Rc::new(resolve(self.catalog(), scenario, &config));
            self.chosen_rule = None;
            self.hovered_rules.clear();
            if let Some(checked) = self.checked.take() {
                self.checked = Some(checked.moved(&self.resolution));
            }
        }
        let flow = flow.min(self.resolution.flows.len().saturating_sub(1));
        if !same || flow != self.flow {
            self.flow = flow;
            self.changed(by);
        }
    }

    fn changed(&mut self, by: By) {
        self.revision += 1;
        self.changed_by = by;
    }
}

/// A link that gives only a step, applied where the widget is: the same scenario and
/// configuration, at that step (with a notice if there is no such step).
fn step_only(catalog: &Rc<Catalog>, link: &Link, at: &(ScenarioId, Config)) -> link::Applied {
    link.apply_over(catalog, at.0, Some(&at.1), |s, c| resolve(catalog, s, c).flows.len())
}

/// Where the host's `request` leads from `current` (the starting state when `None`), and what it
/// had to ignore. A new scenario keeps the values of the keys it shares with the old one, when
/// the request merges; the settings then apply in order, as a link's do.
fn apply_request(
    catalog: &Rc<Catalog>,
    current: Option<&(ScenarioId, Config)>,
    request: &Request,
) -> (ScenarioId, Config, Vec<String>) {
    let link = Link { scenario: request.scenario.clone(), settings: request.settings.clone(), ..Link::default() };
    let fallback = current.map_or(ScenarioId(0), |c| c.0);
    let from = current.filter(|_| request.merge).map(|c| &c.1);
    let applied = link.apply_over(catalog, fallback, from, |_, _| 1);
    (applied.scenario, applied.config, applied.notices)
}
