//! The browser widget: Yew components over the model and the scene.
//!
//! This is the only code that touches the DOM, web-sys, gloo or wasm-bindgen. The reader's state
//! lives in one reducer ([`crate::state`]); components keep only what is theirs (what the
//! pointer is on, what is expanded) and send actions; everything they show is computed by
//! [`crate::resolve`] (once per change), [`crate::scene`] and [`crate::export`].
//!
//! - [`element`]: the `<vnet-flows>` custom element (shadow root, attributes, properties,
//!   events) over one app per element;
//! - [`app`]: shows the data or its errors, and the widget: the state's reducer
//!   ([`crate::state`]) and the components it feeds;
//! - [`sync`]: the hooks that keep the state in step with the system, the host and the hash;
//! - [`tabs`], [`config_panel`], [`player`], [`flows`], [`rules_table`], [`export_menu`],
//!   [`setup`], [`why`] (the error search): one component each;
//! - [`diagram`]: the canvases (the base, the step's highlight, the moving packet, the
//!   pointer's surface), the animation loop, hit testing and the keyboard overlay;
//! - [`canvas`]: the canvas as a plotters backend that sets styles only when they change;
//! - [`heading`]: a heading at the level the host asked for;
//! - [`dom`]: small helpers over web-sys (media queries, computed styles, focus).

pub mod app;
pub mod canvas;
pub mod check_panel;
pub mod config_panel;
pub mod diagram;
pub mod dom;
pub mod element;
pub mod export_menu;
pub mod flows;
pub mod heading;
pub mod player;
pub mod rules_table;
pub mod setup;
pub mod sync;
pub mod tabs;
pub mod why;

use yew::AppHandle;

pub use app::{App, Props, Request, Snapshot};

/// Starts the widget on a page: defines `<vnet-flows>`, so every such element, present or
/// added later, mounts its own widget.
pub fn start() {
    element::define();
}

/// Mounts one widget into `host`, replacing what it held (for example a static table).
pub fn mount(host: web_sys::Element, props: Props) -> AppHandle<App> {
    // Child by child rather than through `innerHTML`, which a Trusted Types policy forbids.
    while let Some(child) = host.first_child() {
        let _ = host.remove_child(&child);
    }
    yew::Renderer::<App>::with_root_and_props(host, props).render()
}

/// What a widget shows: a catalog, or the errors that kept one from loading. Equal when it is
/// the same allocation.
#[derive(Clone)]
pub enum Data {
    Ready(Shared),
    Broken(std::rc::Rc<Vec<crate::data::DataError>>),
}

impl Data {
    /// The shipped data, decoded once per page and shared by every widget on it.
    pub fn shipped() -> Data {
        thread_local! {
            static SHIPPED: Data = Data::from(crate::shipped_catalog());
        }
        SHIPPED.with(Data::clone)
    }
}

impl From<Result<std::rc::Rc<crate::model::Catalog>, Vec<crate::data::DataError>>> for Data {
    fn from(loaded: Result<std::rc::Rc<crate::model::Catalog>, Vec<crate::data::DataError>>) -> Data {
        match loaded {
            Ok(catalog) => Data::Ready(Shared(catalog)),
            Err(errors) => Data::Broken(std::rc::Rc::new(errors)),
        }
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Data) -> bool {
        match (self, other) {
            (Data::Ready(a), Data::Ready(b)) => a == b,
            (Data::Broken(a), Data::Broken(b)) => std::rc::Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The loaded catalog, shared by every component; equal when it is the same allocation, so
/// props compare in constant time.
#[derive(Clone)]
pub struct Shared(pub std::rc::Rc<crate::model::Catalog>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = crate::model::Catalog;
    fn deref(&self) -> &crate::model::Catalog {
        &self.0
    }
}
