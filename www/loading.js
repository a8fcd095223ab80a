// Shows a small progress indicator inside every <vnet-flows> element while the wasm loads, and a
// message if it cannot load. It follows Trunk's initializer interface (index.html names it in
// data-initializer), and vnet-flows.js calls the same hooks on pages Trunk does not build.
// The indicator sits in the element's light DOM, so the shadow root hides it once the widget
// mounts; readers without JavaScript never see it.

const LABEL = 'Loading the interactive diagram';

function pending() {
  return [...document.querySelectorAll('vnet-flows')].filter((el) => !el.shadowRoot);
}

function indicator(el) {
  let box = el.querySelector(':scope > .vf-loading');
  if (!box) {
    // The progress bar is named by the text beside it; no live region, so several widgets on a
    // page do not each announce themselves.
    box = document.createElement('p');
    box.className = 'vf-loading';
    const bar = document.createElement('progress');
    bar.max = 100;
    const text = document.createElement('span');
    text.textContent = ` ${LABEL}…`;
    text.id = `vf-loading-${document.querySelectorAll('vnet-flows > .vf-loading').length + 1}`;
    bar.setAttribute('aria-labelledby', text.id);
    box.append(bar, text);
    el.prepend(box);
  }
  return box;
}

export default function loading() {
  return {
    onStart() {
      for (const el of pending()) indicator(el);
    },
    onProgress({ current, total }) {
      const percent = total > 0 ? Math.min(100, Math.round((current / total) * 100)) : null;
      for (const el of pending()) {
        const bar = indicator(el).querySelector('progress');
        if (percent === null) bar.removeAttribute('value');
        else bar.value = percent;
      }
    },
    onComplete() {},
    onSuccess() {
      for (const box of document.querySelectorAll('vnet-flows > .vf-loading')) box.remove();
    },
    onFailure(error) {
      console.error('vnet-flows: the widget could not load', error);
      for (const el of pending()) {
        const box = indicator(el);
        box.setAttribute('role', 'alert');
        box.textContent = el.querySelector('table')
          ? 'The interactive diagram could not load. The table below still lists the rules.'
          : 'The interactive diagram could not load. Reload the page to try again.';
      }
    },
  };
}
