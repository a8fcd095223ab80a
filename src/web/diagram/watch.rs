//! What the diagram watches for as long as it lives: its width (a resize observer), whether it
//! is on screen (an intersection observer), the window's size and pixel ratio, the tab's
//! visibility, scrolling (a tall diagram paints its bands as they come near) and printing.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::renderer::{Renderer, schedule};

/// Sets `width` to the container's content width, bumps `generation` when the window resizes
/// (the pixel ratio may have changed with the zoom), and tells `renderer` what it needs to know
/// to stop asking for frames.
#[hook]
pub fn use_watchers(
    container: &NodeRef,
    width: &UseStateHandle<f64>,
    generation: &UseStateHandle<u32>,
    renderer: &Rc<RefCell<Renderer>>,
) {
    let (container, width, generation, renderer) =
        (container.clone(), width.clone(), generation.clone(), renderer.clone());
    use_effect_with((), move |_| {
        let mut keep: Vec<Box<dyn std::any::Any>> = Vec::new();
        let mut cleanup: Vec<Box<dyn FnOnce()>> = Vec::new();
        if let Some(el) = container.cast::<web_sys::Element>() {
            // Measured as the resize observer measures (floored content width), so its first
            // report does not lay the diagram out a second time.
            width.set(el.get_bounding_client_rect().width().floor());
            let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                    let w = entry.content_rect().width().floor();
                    if w > 0.0 {
                        width.set(w);
                    }
                }
            });
            if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                observer.observe(&el);
                cleanup.push(Box::new(move || observer.disconnect()));
            }
            keep.push(Box::new(on_resize));
            let on_view = {
                let renderer = renderer.clone();
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    // The last entry is the current state when several arrive at once.
                    let last = entries.length().saturating_sub(1);
                    if let Some(entry) = entries.get(last).dyn_ref::<web_sys::IntersectionObserverEntry>() {
                        renderer.borrow_mut().set_visible(Some(entry.is_intersecting()), None);
                        schedule(&renderer);
                    }
                })
            };
            if let Ok(observer) = web_sys::IntersectionObserver::new(on_view.as_ref().unchecked_ref()) {
                observer.observe(&el);
                cleanup.push(Box::new(move || observer.disconnect()));
            }
            keep.push(Box::new(on_view));
        }
        if let Some(window) = web_sys::window() {
            keep.push(Box::new(EventListener::new(&window, "resize", move |_| generation.set(*generation + 1))));
            if let Some(document) = window.document() {
                keep.extend(page_listeners(&window, &document, &renderer));
            }
        }
        move || {
            for f in cleanup {
                f();
            }
            drop(keep);
            renderer.borrow_mut().stop();
        }
    });
}

/// The tab's visibility, scrolling and printing.
fn page_listeners(
    window: &web_sys::Window,
    document: &web_sys::Document,
    renderer: &Rc<RefCell<Renderer>>,
) -> Vec<Box<dyn std::any::Any>> {
    let visible = renderer.clone();
    let doc = document.clone();
    let on_visibility = EventListener::new(document, "visibilitychange", move |_| {
        let shown = doc.visibility_state() == web_sys::VisibilityState::Visible;
        visible.borrow_mut().set_visible(None, Some(shown));
        schedule(&visible);
    });
    // A tall diagram paints its bands as they come near the screen, whatever scrolls (scroll
    // events reach the document in its capture phase), and all of them before printing.
    let near = renderer.clone();
    let options = EventListenerOptions::run_in_capture_phase();
    let on_scroll =
        EventListener::new_with_options(document, "scroll", options, move |_| near.borrow_mut().paint_near(false));
    let all = renderer.clone();
    let on_print = EventListener::new(window, "beforeprint", move |_| all.borrow_mut().paint_near(true));
    vec![Box::new(on_visibility), Box::new(on_scroll), Box::new(on_print)]
}
