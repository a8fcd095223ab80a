// The <vnet-flows> custom element: a thin shell that gives each widget its own shadow root and
// hands everything else to Rust (src/web/element.rs), which imports this file through
// wasm-bindgen and calls defineElement once the wasm has started.
//
// Attributes: scenario, config ("key=value key=value"), theme (auto | light | dark |
// high-contrast), heading-level (1 to 6, default 2: the level of the widget's section headings),
// hash-state (present: this widget keeps its state in the page's URL hash; only one widget on a
// page should). Properties and methods for hosts: scenario (get/set), config (get), step (get,
// 1-based), setConfig({key: value, ...}) (a plain object, read whole here); a change shows in
// the getters after the next render (a microtask). Event: vnet-flows-change, with detail
// {scenario, config, step}, when the reader changes something.

export function defineElement(create, css) {
  if (customElements.get('vnet-flows')) return;
  // One stylesheet object shared by every widget on the page. Constructed stylesheets are not
  // inline styles, so a strict content security policy allows them.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);

  class VnetFlows extends HTMLElement {
    static get observedAttributes() {
      return ['scenario', 'config', 'theme', 'heading-level'];
    }

    connectedCallback() {
      // A host may have set `scenario` before this class was defined: that value sits on the
      // element itself and would hide the accessor, so it is taken and applied properly.
      let early;
      if (Object.hasOwn(this, 'scenario')) {
        early = this.scenario;
        delete this.scenario;
      }
      if (!this.vfWidget) this.mount();
      if (early !== undefined) this.scenario = early;
      if (this.vfWidget && this.vfPending) {
        this.vfWidget.set_config(this.vfPending);
        this.vfPending = undefined;
      }
    }

    mount() {
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      shadow.adoptedStyleSheets = [sheet];
      const root = document.createElement('div');
      shadow.replaceChildren(root);
      // The light-DOM content (a static table and picture, a loading indicator) stays for
      // readers without JavaScript; the shadow root hides it from everyone else.
      try {
        this.vfWidget = create(root, this);
      } catch (error) {
        // Show the light-DOM content again rather than an empty box.
        shadow.replaceChildren(document.createElement('slot'));
        console.error('vnet-flows: the widget could not start', error);
      }
    }

    disconnectedCallback() {
      // Moving the element (disconnect, then connect again at once) keeps the widget and the
      // reader's state; only an element that stays out of the page is torn down.
      queueMicrotask(() => {
        if (this.isConnected || !this.vfWidget) return;
        const widget = this.vfWidget;
        this.vfWidget = undefined;
        widget.destroy();
        widget.free();
      });
    }

    attributeChangedCallback(name, before, after) {
      if (this.vfWidget && before !== after) this.vfWidget.attribute(name, after);
    }

    get scenario() {
      return (this.vfWidget && this.vfWidget.scenario()) || this.getAttribute('scenario');
    }

    set scenario(id) {
      if (this.vfWidget) this.vfWidget.set_scenario(String(id));
      else this.setAttribute('scenario', String(id));
    }

    get config() {
      return this.vfWidget ? this.vfWidget.config() : {};
    }

    get step() {
      return this.vfWidget ? this.vfWidget.step() : 1;
    }

    setConfig(values) {
      const pairs = settingsOf(values);
      if (this.vfWidget) this.vfWidget.set_config(pairs);
      else this.vfPending = [...(this.vfPending ?? []), ...pairs];
    }
  }

  customElements.define('vnet-flows', VnetFlows);
}

const SET_CONFIG_USAGE = 'vnet-flows: setConfig takes a plain object such as {compute_public_ip: "on"}';

// A host's settings object, read completely here, before any of it reaches the widget: an
// object that is not plain (an array, a Map, a Date, a class instance) or that throws while it is
// read (a getter, a proxy) gets a TypeError and changes nothing, and no host code runs while
// the widget is busy. Values become text: strings and numbers as they are, true and false as
// on and off; anything else is left empty, so the widget's notice reports it.
function settingsOf(values) {
  let entries;
  try {
    const proto = values !== null && typeof values === 'object' ? Object.getPrototypeOf(values) : undefined;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(SET_CONFIG_USAGE);
    entries = Object.entries(values);
  } catch (error) {
    if (error instanceof TypeError && error.message === SET_CONFIG_USAGE) throw error;
    throw new TypeError(`${SET_CONFIG_USAGE}; this one could not be read: ${error}`);
  }
  return entries.map(([key, value]) => [key, textOf(value)]);
}

function textOf(value) {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return '';
}
