// The <vnet-flows> custom element: a thin shell that gives each widget its own shadow root and
// hands everything else to Rust (src/web/element.rs), which imports this file through
// wasm-bindgen and calls defineElement once the wasm has started.
//
// Attributes: scenario, config ("key=value key=value"), theme (auto | light | dark |
// high-contrast), heading-level (1 to 6, default 2: the level of the widget's section headings),
// hash-state (present: this widget keeps its state in the page's URL hash; only one widget on a
// page should). Properties and methods for hosts: scenario (get/set), config (get), step (get,
// 1-based), setConfig({key: value, ...}) (a plain object, read whole here); a change shows in
// the getters after the next render (a microtask). checkRules(text | File | [text | File, ...],
// {region, params, vnet}) checks rule files against every configuration from then on (a
// promise of the report, the shape `vnet-flows check --format json` prints); clearRules()
// forgets them.
// Events: vnet-flows-change, with detail {scenario, config, step}, when the reader changes
// something; vnet-flows-check, with detail {summary, blocked, unresolved, allowed, unneeded,
// obsolete, errors} after every check (the reader's too, and after every change while rules
// are loaded), or null when the rules are cleared.
//
// A failure stays contained. When the wasm panics, every widget on the page stops with it (they
// share one module instance); this file outlives it. Each widget's last state sits on its
// element (`vfRestore`, a link the Rust side writes after every change), so the loader's restart
// function (given through `VnetFlows.useRestart`) starts a fresh instance of the module, whose
// start calls defineElement again, and every widget mounts again where it was. The one that
// last took input or a host call says it started again. A page without a restart function, or a
// second failure within RETRY_AFTER_MS of a restart, gets a message in each widget instead.

const RETRY_AFTER_MS = 5000;
const STOPPED = 'The traffic diagram stopped because of an internal error. Reload the page to try '
  + 'again; the browser console has the details.';

// The module instance in use: its widget factory and its generation, so a failed instance's
// late reports are told apart.
let create;
let generation = 0;
let sheet;
// Starts a fresh instance of the module; set by the loader.
let restart;
// Every element with a widget, in the order they mounted.
const live = new Set();
// The element that last took input or a host call: the likely one to have failed.
let touched;
let failing = false;
let restartedAt = -Infinity;

export function defineElement(createWidget, css) {
  create = createWidget;
  generation += 1;
  if (!sheet) {
    // One stylesheet object shared by every widget on the page. Constructed stylesheets are not
    // inline styles, so a strict content security policy allows them.
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  if (customElements.get('vnet-flows')) mountAgain();
  else customElements.define('vnet-flows', VnetFlows);
  return generation;
}

// Called by the panic hook of the module instance `from`, before the wasm traps.
export function widgetsFailed(from) {
  if (from !== generation || failing) return;
  failing = true;
  for (const el of live) {
    el.vfWidget = undefined;
    el.vfAbandonChecks();
  }
  // After the trap has unwound.
  setTimeout(async () => {
    try {
      if (!restart) throw new Error('this page gives no way to start the widget again');
      if (performance.now() - restartedAt < RETRY_AFTER_MS) throw new Error('it failed again right after a restart');
      restartedAt = performance.now();
      await restart();
    } catch (error) {
      console.error('vnet-flows: the widgets could not start again', error);
      for (const el of live) el.vfStopped();
    }
  });
}

// A fresh module instance has started: every widget mounts again, in its last state.
function mountAgain() {
  const culprit = touched;
  const widgets = [...live];
  live.clear();
  failing = false;
  touched = undefined;
  for (const el of widgets) {
    // Only text is a state; anything else a host may have put there is not ours.
    const restore = typeof el.vfRestore === 'string' ? el.vfRestore : undefined;
    if (el.isConnected) el.mount(restore, el === culprit);
  }
}

class VnetFlows extends HTMLElement {
  static get observedAttributes() {
    return ['scenario', 'config', 'theme', 'heading-level'];
  }

  // The loader's way to start a fresh instance of the module after a failure.
  static useRestart(startAgain) {
    restart = startAgain;
  }

  constructor() {
    super();
    // Input events cross the shadow boundary, so the host sees them all.
    for (const type of ['pointerdown', 'keydown', 'focusin']) {
      this.addEventListener(type, () => { touched = this; }, { capture: true });
    }
  }

  connectedCallback() {
    // A host may have set `scenario` before this class was defined: that value sits on the
    // element itself and would hide the accessor, so it is taken and applied properly.
    let early;
    if (Object.hasOwn(this, 'scenario')) {
      early = this.scenario;
      delete this.scenario;
    }
    if (!this.vfWidget && !failing) this.mount();
    if (early !== undefined) this.scenario = early;
  }

  // Mounts a widget: from the attributes, or after a failure from its last state (`restore`).
  mount(restore, failedHere = false) {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    shadow.adoptedStyleSheets = [sheet];
    const root = document.createElement('div');
    shadow.replaceChildren(root);
    // The light-DOM content (a static table and picture, a loading indicator) stays for
    // readers without JavaScript; the shadow root hides it from everyone else.
    try {
      this.vfWidget = create(root, this, restore, failedHere);
      live.add(this);
    } catch (error) {
      // Show the light-DOM content again rather than an empty box.
      shadow.replaceChildren(document.createElement('slot'));
      console.error('vnet-flows: the widget could not start', error);
    }
    if (this.vfWidget && this.vfPending) {
      this.#call((w) => w.set_config(this.vfPending));
      this.vfPending = undefined;
    }
  }

  // The widget cannot come back: a message, and the light-DOM content below it.
  vfStopped() {
    const message = document.createElement('p');
    message.className = 'vf-failure';
    message.setAttribute('role', 'alert');
    message.textContent = STOPPED;
    (this.shadowRoot ?? this.attachShadow({ mode: 'open' })).replaceChildren(message, document.createElement('slot'));
  }

  disconnectedCallback() {
    // Moving the element (disconnect, then connect again at once) keeps the widget and the
    // reader's state; only an element that stays out of the page is torn down.
    queueMicrotask(() => {
      if (this.isConnected) return;
      live.delete(this);
      this.vfRestore = undefined;
      if (!this.vfWidget) return;
      const widget = this.vfWidget;
      this.vfWidget = undefined;
      widget.destroy();
      widget.free();
    });
  }

  attributeChangedCallback(name, before, after) {
    if (this.vfWidget && before !== after) this.#call((w) => w.attribute(name, after));
  }

  // Calls into the widget. If the wasm fails on the way, widgetsFailed has already taken over
  // (the panic hook ran first), so the host's code goes on without an exception.
  #call(use, touch = true) {
    if (touch) touched = this;
    try {
      return use(this.vfWidget);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) return undefined;
      throw error;
    }
  }

  get scenario() {
    return (this.vfWidget && this.#call((w) => w.scenario(), false)) || this.getAttribute('scenario');
  }

  set scenario(id) {
    if (this.vfWidget) this.#call((w) => w.set_scenario(String(id)));
    else if (failing) this.vfPending = [...(this.vfPending ?? []), ['scenario', String(id)]];
    else this.setAttribute('scenario', String(id));
  }

  get config() {
    return (this.vfWidget && this.#call((w) => w.config(), false)) || {};
  }

  get step() {
    return (this.vfWidget && this.#call((w) => w.step(), false)) || 1;
  }

  setConfig(values) {
    const pairs = settingsOf(values);
    if (this.vfWidget) this.#call((w) => w.set_config(pairs));
    else this.vfPending = [...(this.vfPending ?? []), ...pairs];
  }

  async checkRules(input, options = {}) {
    const { files, unread } = await rulesOf(input);
    const { region, params, vnet } = checkOptionsOf(options);
    if (!this.vfWidget) throw new Error('vnet-flows: checkRules needs a running widget (it is loading, or it stopped)');
    const answer = this.#call((w) => w.check_rules(files, unread, region, params, vnet));
    if (!answer) throw new Error(CHECK_ABANDONED);
    // Kept until the report comes, so that a failure before then rejects the promise rather than
    // leaving the host waiting for a widget that is gone.
    return new Promise((resolve, reject) => {
      const waiting = { reject };
      this.#checks.add(waiting);
      const settle = (then) => (value) => { this.#checks.delete(waiting); then(value); };
      answer.then(settle(resolve), settle(reject));
    });
  }

  // The promises of checkRules not yet kept.
  #checks = new Set();

  // Called when the wasm fails: the checks in flight will never be done.
  vfAbandonChecks() {
    for (const { reject } of this.#checks) reject(new Error(CHECK_ABANDONED));
    this.#checks.clear();
  }

  clearRules() {
    if (this.vfWidget) this.#call((w) => w.clear_rules());
  }
}

const CHECK_RULES_USAGE = 'vnet-flows: checkRules takes text, a File, or an array of them';
const CHECK_ABANDONED = 'vnet-flows: the widget stopped before the check was done; call checkRules again once it is back';
// The largest file read, as in the command line.
const MAX_BYTES = 20 * 1024 * 1024;

// The host's rule files, read here as text before anything reaches the widget: strings are
// pasted text, Blobs (Files) are read; anything else is a TypeError naming the item. A file too
// large or that cannot be read is listed as unread, and the others are still checked.
async function rulesOf(input) {
  let items;
  try {
    items = Array.isArray(input) ? [...input] : [input];
  } catch (error) {
    throw new TypeError(`${CHECK_RULES_USAGE}; this one could not be read: ${error}`);
  }
  const files = [];
  const unread = [];
  for (const [i, item] of items.entries()) {
    const fallback = items.length === 1 ? 'pasted' : `text ${i + 1}`;
    if (typeof item === 'string') {
      files.push([fallback, item]);
    } else if (item instanceof Blob) {
      const name = typeof item.name === 'string' && item.name ? item.name : fallback;
      if (item.size > MAX_BYTES) {
        unread.push([name, `${item.size} bytes is more than the ${MAX_BYTES} bytes read`]);
        continue;
      }
      try {
        files.push([name, await item.text()]);
      } catch (error) {
        unread.push([name, `the browser could not read it: ${error}`]);
      }
    } else {
      const kind = item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item;
      throw new TypeError(`${CHECK_RULES_USAGE}; item ${i + 1} is ${kind}`);
    }
  }
  return { files, unread };
}

// `{region: 'westeurope', params: {name: value} | 'NAME=VALUE lines', vnet: '10.0.0.0/16' |
// ['10.0.0.0/16', ...]}`, read whole here.
function checkOptionsOf(options) {
  try {
    const region = typeof options?.region === 'string' ? options.region : '';
    const vnet = Array.isArray(options?.vnet) ? options.vnet.map(String).join(' ') : typeof options?.vnet === 'string' ? options.vnet : '';
    const params = options?.params;
    if (typeof params === 'string') return { region, params, vnet };
    if (params === undefined || params === null) return { region, params: '', vnet };
    const lines = Object.entries(params).map(([name, value]) => `${name}=${textOf(value)}`);
    return { region, params: lines.join('\n'), vnet };
  } catch (error) {
    throw new TypeError(`vnet-flows: checkRules options are {region, params, vnet}; these could not be read: ${error}`);
  }
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
