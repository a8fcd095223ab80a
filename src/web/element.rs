//! The `<vnet-flows>` custom element, Rust side: one [`Instance`] per element, made by the thin
//! JavaScript class in `www/element.js`, which wasm-bindgen bundles as a snippet.
//!
//! An instance turns attributes, property writes and `setConfig` calls into [`Props`] for its
//! Yew app (a host [`Request`] with a new revision, or a new theme), keeps the latest
//! [`Snapshot`] for the property getters, and dispatches `vnet-flows-change` on the element
//! when the reader changes something.
//!
//! A failure is contained: the panic hook tells `element.js`, which keeps each widget's last
//! state (a link, written on the element after every change), starts a fresh instance of the
//! module through the loader, and mounts every widget again where it was.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, Callback};

use super::app::{App, Props, Request, Requests, RulesRequest, Snapshot};
use super::sync::CheckNews;
use crate::host::{self, HeadingLevel};
use crate::link;
use crate::ruleset::model::ReadError;
use crate::ruleset::pasted::{RuleFile, RulesInput};

#[wasm_bindgen(module = "/www/element.js")]
extern "C" {
    /// Defines the element (or, after a failure, hands it this module's `create`); returns
    /// this module instance's generation.
    #[wasm_bindgen(js_name = defineElement)]
    fn define_element(create: &JsValue, css: &str) -> u32;
    /// This module instance failed: every widget is mounted again in a fresh one.
    #[wasm_bindgen(js_name = widgetsFailed)]
    fn widgets_failed(generation: u32);
}

/// The widget's stylesheet, adopted by every element's shadow root.
const CSS: &str = include_str!("../../www/vnet-flows.css");

thread_local! {
    /// Whether a widget already keeps its state in the page's URL hash.
    static HASH_TAKEN: Cell<bool> = const { Cell::new(false) };
}

/// The element property where each widget keeps its last state, as a link, outside the wasm.
const RESTORE: &str = "vfRestore";

/// Defines `<vnet-flows>` (once per page; again after a failure) and installs the panic hook.
pub fn define() {
    type Create = dyn Fn(web_sys::Element, web_sys::HtmlElement, Option<String>, bool) -> JsValue;
    let create = Closure::<Create>::new(
        |root: web_sys::Element, host: web_sys::HtmlElement, restore: Option<String>, failed: bool| {
            JsValue::from(Instance::new(root, host, restore, failed))
        },
    );
    let generation = define_element(create.as_ref(), CSS);
    // The element class calls this for as long as this module instance lives.
    create.forget();
    std::panic::set_hook(Box::new(move |info| {
        gloo::console::error!(format!("vnet-flows stopped: {info}"));
        widgets_failed(generation);
    }));
}

/// One mounted widget, owned by its element.
#[wasm_bindgen]
pub struct Instance {
    handle: Option<AppHandle<App>>,
    props: Props,
    latest: Rc<RefCell<Option<Snapshot>>>,
    /// How many of the requests the widget has applied; those are dropped at the next call.
    applied: Rc<Cell<usize>>,
    owns_hash: bool,
    /// The promises of `checkRules` not yet kept: the request's number and its `resolve`.
    waiting: Rc<RefCell<Vec<(u64, js_sys::Function)>>>,
}

impl Instance {
    fn new(root: web_sys::Element, host: web_sys::HtmlElement, restore: Option<String>, failed: bool) -> Instance {
        let latest = Rc::new(RefCell::new(None));
        let applied = Rc::new(Cell::new(0));
        let on_change = {
            let latest = latest.clone();
            let host = host.clone();
            // The getters must already give the new state when a listener reads them.
            Callback::from(move |(snapshot, by_reader): (Snapshot, bool)| {
                remember(&host, &snapshot);
                *latest.borrow_mut() = Some(snapshot.clone());
                if by_reader {
                    dispatch_change(&host, &snapshot);
                }
            })
        };
        // Only one widget may own the hash: the first that asks.
        let wants_hash = host.get_attribute("hash-state").is_some_and(|v| v != "off" && v != "false");
        let owns_hash = wants_hash && !HASH_TAKEN.with(|t| t.replace(true));
        if wants_hash && !owns_hash {
            gloo::console::warn!("vnet-flows: another widget on this page already keeps its state in the URL hash");
        }
        let waiting = Rc::new(RefCell::new(Vec::new()));
        let props = Props {
            data: super::Data::shipped(),
            hash_state: owns_hash,
            still: false,
            theme: theme(host.get_attribute("theme")),
            heading_level: heading_level(host.get_attribute("heading-level")),
            requests: Rc::new(Requests::from(vec![Request {
                scenario: host.get_attribute("scenario"),
                settings: link::settings(&host.get_attribute("config").unwrap_or_default()),
                merge: false,
            }])),
            restore: restore.map(Into::into),
            failed,
            on_applied: Some({
                let applied = applied.clone();
                Callback::from(move |n: usize| applied.set(n))
            }),
            on_change: Some(on_change),
            rules: None,
            on_check: Some(on_check(&host, &waiting)),
            settings_beside: host.get_bounding_client_rect().width() > super::app::SETTINGS_BESIDE,
        };
        let handle = super::mount(root, props.clone());
        Instance { handle: Some(handle), props, latest, applied, owns_hash, waiting }
    }

    /// Sends the host's next rules request: `input` to check, or none to clear.
    fn rules(&mut self, input: Option<RulesInput>) -> u64 {
        let number = self.props.rules.as_ref().map_or(0, |r| r.number) + 1;
        self.props.rules = Some(Rc::new(RulesRequest { number, input: input.map(Rc::new) }));
        self.update();
        number
    }

    /// Adds a request, dropping those the widget has applied.
    fn ask(&mut self, scenario: Option<String>, settings: Vec<(String, String)>, merge: bool) {
        let request = Request { scenario, settings, merge };
        self.props.requests = Rc::new(self.props.requests.then(self.applied.get(), request));
        self.update();
    }

    fn update(&mut self) {
        if let Some(handle) = &mut self.handle {
            handle.update(self.props.clone());
        }
    }
}

#[wasm_bindgen]
impl Instance {
    /// An observed attribute changed: `scenario`, `config`, `theme` or `heading-level`.
    pub fn attribute(&mut self, name: &str, value: Option<String>) {
        match name {
            "scenario" => self.ask(value, Vec::new(), true),
            // The attribute describes the whole configuration, from the scenario's defaults.
            "config" => self.ask(None, link::settings(&value.unwrap_or_default()), false),
            "theme" => {
                self.props.theme = theme(value);
                self.update();
            }
            "heading-level" => {
                self.props.heading_level = heading_level(value);
                self.update();
            }
            _ => {}
        }
    }

    /// Switches scenario, keeping the values of the keys the scenarios share.
    pub fn set_scenario(&mut self, id: String) {
        self.ask(Some(id), Vec::new(), true);
    }

    /// Changes the keys `pairs` names (`[key, value]` text pairs, which `www/element.js` reads
    /// from the host's object before calling, so no host code runs here); a `scenario` entry
    /// switches scenario first. Other keys keep their values. Anything unknown shows as a notice.
    pub fn set_config(&mut self, pairs: &js_sys::Array) {
        let mut scenario = None;
        let mut settings = Vec::new();
        for pair in pairs.iter().filter_map(|entry| entry.dyn_into::<js_sys::Array>().ok()) {
            let (key, value) =
                (pair.get(0).as_string().unwrap_or_default(), pair.get(1).as_string().unwrap_or_default());
            if key == "scenario" {
                scenario = Some(value);
            } else {
                settings.push((key, value));
            }
        }
        self.ask(scenario, settings, true);
    }

    /// Checks the host's rule files (`files`: `[name, text]` pairs; `unread`: `[name, why]` for
    /// those `www/element.js` could not read) against every configuration from now on; the
    /// promise gives the report, as `vnet-flows check --format json` writes it.
    pub fn check_rules(
        &mut self,
        files: &js_sys::Array,
        unread: &js_sys::Array,
        region: String,
        params: String,
        vnet: String,
    ) -> js_sys::Promise {
        let text = |pair: &js_sys::Array, i| pair.get(i).as_string().unwrap_or_default();
        let pairs = |list: &js_sys::Array| -> Vec<(String, String)> {
            let arrays = list.iter().filter_map(|e| e.dyn_into::<js_sys::Array>().ok());
            arrays.map(|p| (text(&p, 0), text(&p, 1))).collect()
        };
        let input = RulesInput {
            files: pairs(files).into_iter().map(|(name, text)| RuleFile { name, text }).collect(),
            unread: pairs(unread)
                .into_iter()
                .map(|(file, message)| ReadError { file, at: String::new(), message })
                .collect(),
            region,
            params,
            vnet,
        };
        let number = self.rules(Some(input));
        let waiting = self.waiting.clone();
        js_sys::Promise::new(&mut |resolve, _| waiting.borrow_mut().push((number, resolve)))
    }

    /// Forgets the host's or the reader's rules.
    pub fn clear_rules(&mut self) {
        self.rules(None);
    }

    pub fn scenario(&self) -> String {
        self.latest.borrow().as_ref().map(|s| s.scenario.clone()).unwrap_or_default()
    }

    /// The configuration as an object of key → value (empty before the first render).
    pub fn config(&self) -> JsValue {
        config_object(self.latest.borrow().as_ref().map_or(&[][..], |s| &s.config)).into()
    }

    /// The current step, counted from 1.
    pub fn step(&self) -> u32 {
        self.latest.borrow().as_ref().map_or(1, |s| s.step as u32)
    }

    /// Test builds only (`--features test-panic`): fails as a bug in the widget would, so the
    /// end-to-end tests can see a failure contained. What ships has no such method.
    #[cfg(feature = "test-panic")]
    pub fn fail_for_test(&self) {
        panic!("vnet-flows test build: failing on request");
    }

    /// Unmounts the app; the element is leaving the page.
    pub fn destroy(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        if self.owns_hash {
            HASH_TAKEN.with(|t| t.set(false));
            self.owns_hash = false;
        }
    }
}

/// The theme attribute's value, or `auto` (with a console warning) when it is not one we know.
fn theme(value: Option<String>) -> yew::AttrValue {
    warned(host::theme(&value.unwrap_or_default())).into()
}

/// The heading-level attribute's value, or 2 (with a console warning) when it is not 1 to 6.
fn heading_level(value: Option<String>) -> HeadingLevel {
    warned(HeadingLevel::parse(&value.unwrap_or_default()))
}

/// An attribute's value as read, with its problem, if any, in the console.
fn warned<T>((value, problem): (T, Option<String>)) -> T {
    if let Some(problem) = problem {
        gloo::console::warn!(format!("vnet-flows: {problem}"));
    }
    value
}

/// Keeps the widget's state on its element, outside the wasm, for a restart after a failure.
fn remember(host: &web_sys::HtmlElement, snapshot: &Snapshot) {
    let pairs: Vec<(&str, &str)> = snapshot.config.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let link = link::format(&[], &snapshot.scenario, &pairs, snapshot.step.saturating_sub(1));
    let _ = js_sys::Reflect::set(host, &RESTORE.into(), &link.into());
}

fn config_object(pairs: &[(String, String)]) -> js_sys::Object {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        let _ = js_sys::Reflect::set(&object, &key.into(), &value.into());
    }
    object
}

/// Tells the page what the reader changed: `vnet-flows-change` with `{scenario, config, step}`,
/// bubbling out of the shadow root.
fn dispatch_change(host: &web_sys::HtmlElement, snapshot: &Snapshot) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"scenario".into(), &snapshot.scenario.as_str().into());
    let _ = js_sys::Reflect::set(&detail, &"config".into(), &config_object(&snapshot.config));
    let _ = js_sys::Reflect::set(&detail, &"step".into(), &(snapshot.step as u32).into());
    dispatch(host, "vnet-flows-change", &detail);
}

/// Dispatches event `name` with `detail` on the element, bubbling out of the shadow root.
fn dispatch(host: &web_sys::HtmlElement, name: &str, detail: &JsValue) {
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

/// Tells the host of each new report: keeps the promises of the requests it answers, and
/// dispatches `vnet-flows-check` with the summary (a `null` detail when the rules were cleared).
fn on_check(host: &web_sys::HtmlElement, waiting: &Rc<RefCell<Vec<(u64, js_sys::Function)>>>) -> Callback<CheckNews> {
    let (host, waiting) = (host.clone(), waiting.clone());
    Callback::from(move |(seen, report): CheckNews| {
        let kept: Vec<js_sys::Function> = {
            let mut waiting = waiting.borrow_mut();
            let (now, later) = waiting.drain(..).partition(|(number, _)| *number <= seen);
            *waiting = later;
            now.into_iter().map(|(_, resolve)| resolve).collect()
        };
        // The JSON is made only when a promise waits for it, not at every change.
        let json = match (&report, kept.is_empty()) {
            (Some(r), false) => js_sys::JSON::parse(&r.json()).unwrap_or(JsValue::NULL),
            _ => JsValue::NULL,
        };
        for resolve in kept {
            let _ = resolve.call1(&JsValue::NULL, &json);
        }
        let detail = report.as_ref().map_or(JsValue::NULL, |r| summary_object(r).into());
        dispatch(&host, "vnet-flows-check", &detail);
    })
}

/// `{summary, blocked, unresolved, allowed, unneeded, obsolete, errors}` of a report.
fn summary_object(report: &crate::ruleset::report::CheckReport) -> js_sys::Object {
    let c = report.counts();
    let object = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&object, &"summary".into(), &report.summary().into());
    let counts = [
        ("blocked", c.blocked),
        ("unresolved", c.unresolved),
        ("allowed", c.allowed),
        ("unneeded", c.unneeded),
        ("obsolete", c.obsolete),
        ("errors", report.errors.len()),
    ];
    for (name, n) in counts {
        let _ = js_sys::Reflect::set(&object, &name.into(), &(n as u32).into());
    }
    object
}
