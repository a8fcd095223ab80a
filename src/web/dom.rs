//! Small helpers over web-sys: media queries, CSS custom properties, the device pixel ratio,
//! focus movement in lists, the clipboard, downloads and reading the reader's files.

use crate::paint::Palette;
use crate::ruleset::model::ReadError;
use crate::ruleset::pasted::{MAX_FILES, RuleFile};
use crate::ruleset::read::MAX_BYTES;

/// Whether a media query matches now.
pub fn matches(query: &str) -> bool {
    web_sys::window().and_then(|w| w.match_media(query).ok().flatten()).is_some_and(|m| m.matches())
}

pub fn reduced_motion() -> bool {
    matches("(prefers-reduced-motion: reduce)")
}

pub fn device_pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(0.5, 8.0)
}

/// The canvas palette, read from the CSS custom properties in effect on `el`.
///
/// Each property is resolved through a hidden probe's `color`, so any CSS colour works: hex,
/// names, and the system colours of forced-colours mode (the probe opts out of forced colours,
/// so it reports the property's colour rather than the forced one).
pub fn palette(el: &web_sys::Element) -> Palette {
    use wasm_bindgen::JsCast;
    let probe = el
        .owner_document()
        .and_then(|d| d.create_element("span").ok())
        .and_then(|p| p.dyn_into::<web_sys::HtmlElement>().ok());
    let Some(probe) = probe else { return Palette::LIGHT };
    let style = probe.style();
    let _ = style.set_property("position", "absolute");
    let _ = style.set_property("visibility", "hidden");
    let _ = style.set_property("forced-color-adjust", "none");
    if el.append_child(&probe).is_err() {
        return Palette::LIGHT;
    }
    let computed = web_sys::window().and_then(|w| w.get_computed_style(&probe).ok().flatten());
    let palette = crate::theme::palette(|name| {
        style.set_property("color", &format!("var({name})")).ok()?;
        let value = computed.as_ref()?.get_property_value("color").ok()?;
        (!value.trim().is_empty()).then_some(value)
    });
    probe.remove();
    palette
}

/// Positions and sizes `el` in CSS pixels through its style object (allowed under a strict
/// content security policy, unlike `style` attributes).
pub fn place(el: Option<&web_sys::HtmlElement>, at: Option<(f64, f64)>, size: Option<(f64, f64)>) {
    let Some(el) = el else { return };
    let style = el.style();
    let px = |name: &str, value: f64| {
        let _ = style.set_property(name, &format!("{value}px"));
    };
    if let Some((x, y)) = at {
        px("left", x);
        px("top", y);
    }
    if let Some((w, h)) = size {
        px("width", w);
        px("height", h);
    }
}

/// The current `performance.now()` in milliseconds.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Sets a `performance.mark`, so benchmarks can time the widget from navigation start.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// The position of the event's target among its siblings: where focus is when a key is pressed.
/// Arrow keys move from here, not from the last render's selection, which lags behind presses
/// that come faster than the widget re-renders.
pub fn target_index(event: &web_sys::KeyboardEvent) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let siblings = target.parent_element()?.children();
    (0..siblings.length()).find(|&i| siblings.item(i).as_ref() == Some(&target)).map(|i| i as usize)
}

/// Moves focus to the `index`th child of the focused element's parent: arrow-key movement in a
/// tab list or in the diagram's items. Yew delegates events to its root, so the list is found
/// from the event's target, not from `current_target`.
pub fn focus_sibling(event: &web_sys::KeyboardEvent, index: usize) {
    use wasm_bindgen::JsCast;
    let sibling = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.parent_element())
        .and_then(|list| list.children().item(index as u32))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = sibling {
        let _ = el.focus();
    }
}

/// Puts `text` on the clipboard, then calls `done` with whether it worked (pages served over
/// plain http have no clipboard API; a browser may refuse).
pub fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(window) = web_sys::window() else { return done(false) };
    let navigator = window.navigator();
    let available = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| !c.is_undefined());
    if !available {
        return done(false);
    }
    let promise = navigator.clipboard().write_text(text);
    yew::platform::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Offers `text` as a file named `name` to download; whether the browser took it.
pub fn download(name: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let offer = || -> Option<()> {
        let parts = js_sys::Array::of1(&text.into());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/plain;charset=utf-8");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let link =
            web_sys::window()?.document()?.create_element("a").ok()?.dyn_into::<web_sys::HtmlAnchorElement>().ok()?;
        link.set_href(&url);
        link.set_download(name);
        link.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Some(())
    };
    offer().is_some()
}

/// Reads the files a reader chose or dropped as text, in order, then calls `done` with them
/// and a problem for each that could not be read. Nothing is kept but what `done` keeps.
pub fn read_files(list: web_sys::FileList, done: impl FnOnce(Vec<RuleFile>, Vec<ReadError>) + 'static) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    yew::platform::spawn_local(async move {
        let (mut read, mut problems) = (Vec::new(), Vec::new());
        for file in files.into_iter().take(MAX_FILES + 1) {
            let name = file.name();
            let problem = |message: String| ReadError { file: name.clone(), at: String::new(), message };
            if file.size() > MAX_BYTES as f64 {
                problems.push(problem(format!("{} bytes is more than the {MAX_BYTES} bytes read", file.size())));
                continue;
            }
            match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string()) {
                Some(text) => read.push(RuleFile { name, text }),
                None => problems.push(problem("the browser could not read this file as text".into())),
            }
        }
        done(read, problems);
    });
}

/// The text of the input or text area an input event came from.
pub fn input_value(e: &yew::InputEvent) -> String {
    use wasm_bindgen::JsCast;
    let target = e.target();
    if let Some(area) = target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>()) {
        return area.value();
    }
    target.and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default()
}

/// The files chosen in the file input a change event came from.
pub fn chosen_files(e: &yew::Event) -> Option<web_sys::FileList> {
    use wasm_bindgen::JsCast;
    e.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?.files()
}

/// Scrolls the requirements table's row of rule `id` into view, in the widget `e` happened in,
/// once the next render has put it there.
pub fn reveal_row(e: &yew::MouseEvent, id: &str) {
    reveal(e, &format!("tr[data-rule=\"{}\"]", id.replace(['"', '\\'], "")));
}

/// Scrolls what `selector` finds in the widget `e` happened in into view, once the next render
/// has put it there; a closed disclosure opens, and its first button or summary takes focus.
pub fn reveal(e: &yew::MouseEvent, selector: &str) {
    use wasm_bindgen::JsCast;
    let root = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".vf-root").ok().flatten());
    let Some(root) = root else { return };
    let selector = selector.to_string();
    gloo::timers::callback::Timeout::new(0, move || {
        let Ok(Some(found)) = root.query_selector(&selector) else { return };
        if let Some(details) = found.dyn_ref::<web_sys::HtmlDetailsElement>() {
            details.set_open(true);
        }
        found.scroll_into_view();
        let focus = if found.matches("button, summary").unwrap_or(false) {
            Some(found)
        } else {
            found.query_selector("button, summary").ok().flatten()
        };
        if let Some(el) = focus.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
    .forget();
}
