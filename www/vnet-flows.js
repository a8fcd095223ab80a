// The one script a docs page adds: <script type="module" src=".../vnet-flows.js"></script>.
// It loads the widget's wasm next to it, reporting progress through loading.js, and the wasm's
// start defines <vnet-flows>. No inline script and no eval, so it runs under a strict content
// security policy (script-src 'self' 'wasm-unsafe-eval').

import init from './vnet-flows-widget.js';
import loading from './loading.js';

const hooks = loading();

// Streams the wasm so the indicator can show how much has arrived.
async function fetchWithProgress(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // A compressed response's length is not the size of what the reader yields: then the total
  // is unknown and the bar shows activity rather than a wrong percentage.
  const compressed = response.headers.has('content-encoding');
  const total = compressed ? 0 : Number(response.headers.get('content-length')) || 0;
  if (!response.body) return response;
  const reader = response.body.getReader();
  let current = 0;
  const stream = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        hooks.onProgress({ current: total || current, total: total || current });
        controller.close();
        return;
      }
      current += value.byteLength;
      hooks.onProgress({ current, total });
      controller.enqueue(value);
    },
  });
  return new Response(stream, { headers: response.headers, status: response.status });
}

// Compiles as the bytes arrive where the server labels them as wasm; otherwise from the whole.
async function compile(response) {
  if (response.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

hooks.onStart();
try {
  const module = await compile(await fetchWithProgress(new URL('./vnet-flows-widget_bg.wasm', import.meta.url)));
  const wasm = await init({ module_or_path: module });
  // After a failure, a fresh copy of the glue (a module of its own, so its own wasm instance)
  // over the same compiled module; its start mounts every widget again (see element.js).
  let restarts = 0;
  customElements.get('vnet-flows')?.useRestart(async () => {
    restarts += 1;
    const glue = await import(new URL(`./vnet-flows-widget.js?restart=${restarts}`, import.meta.url));
    await glue.default({ module_or_path: module });
  });
  hooks.onComplete();
  hooks.onSuccess(wasm);
} catch (error) {
  hooks.onComplete();
  hooks.onFailure(error);
}
