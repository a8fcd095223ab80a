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

hooks.onStart();
try {
  const wasm = await init({ module_or_path: fetchWithProgress(new URL('./vnet-flows-widget_bg.wasm', import.meta.url)) });
  hooks.onComplete();
  hooks.onSuccess(wasm);
} catch (error) {
  hooks.onComplete();
  hooks.onFailure(error);
}
