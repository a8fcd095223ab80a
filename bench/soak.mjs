// The soak test: three widgets on one page play their flows for SOAK_MINUTES (default 10) while
// the reader changes a setting every second, in turn in each widget. Compares the first and the
// last minute (frame intervals while playing) and the memory at the start and the end (wasm
// memory, and the JS heap after a forced collection): flat within 1 MB, no slower frames.
// Writes its rows to target/bench/soak.md. Usage: node bench/soak.mjs [dist].
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../e2e/serve.mjs';

const dist = path.resolve(process.argv[2] || 'dist');
const MINUTES = Number(process.env.SOAK_MINUTES || 10);
const server = await serve(dist);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
// Tall enough that all three diagrams are on screen, so all three animate.
const context = await browser.newContext({ viewport: { width: 1280, height: 5200 } });
await context.addInitScript(() => {
  addEventListener('TrunkApplicationStarted', (e) => { window.wasmExports = e.detail.wasm; });
});
const page = await context.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(e.message));
await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
await page.evaluate(() => {
  for (const scenario of ['compute', 'aks']) {
    const el = document.createElement('vnet-flows');
    el.setAttribute('scenario', scenario);
    document.querySelector('main').append(el);
  }
});
await page.waitForFunction(() => [...document.querySelectorAll('vnet-flows')]
  .every((h) => h.shadowRoot?.querySelector('.vf-canvas[role=img]')?.width > 0), null, { timeout: 30000 });

const cdp = await context.newCDPSession(page);
const memory = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const wasm = await page.evaluate(() => window.wasmExports.memory.buffer.byteLength);
  return { heap, wasm };
};

// Frame intervals, recorded by a loop of our own beside the widgets'; a change a second, by the
// reader, in each widget in turn (the next value of one of its selects).
await page.evaluate(() => {
  window.soak = { intervals: [], changes: 0 };
  let last = performance.now();
  const tick = (now) => { window.soak.intervals.push(now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  setInterval(() => {
    const hosts = [...document.querySelectorAll('vnet-flows')];
    const host = hosts[window.soak.changes % hosts.length];
    const selects = [...host.shadowRoot.querySelectorAll('.vf-config select')];
    const select = selects[Math.floor(window.soak.changes / hosts.length) % selects.length];
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    window.soak.changes += 1;
  }, 1000);
});

const minute = () => page.evaluate(async () => {
  window.soak.intervals = [];
  await new Promise((resolve) => setTimeout(resolve, 60000));
  return window.soak.intervals;
});
const playing = () => page.evaluate(() => [...document.querySelectorAll('vnet-flows')]
  .filter((h) => h.shadowRoot.querySelector('.vf-play')?.textContent.includes('Pause')).length);

const start = await memory();
const first = await minute();
const stillPlaying = await playing();
await page.waitForTimeout(Math.max(0, (MINUTES - 2) * 60000));
const last = await minute();
const end = await memory();
const changes = await page.evaluate(() => window.soak.changes);
await browser.close();
server.close();

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const frames = (xs) => `${xs.length} frames, p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
const mb = (n) => `${(n / 1048576).toFixed(2)} MB`;
const growth = (end.wasm - start.wasm) + (end.heap - start.heap);
const slower = quantile(last, 0.95) > quantile(first, 0.95) * 1.1 + 1;
const rows = [
  `| soak: ${MINUTES} min, 3 widgets playing (${stillPlaying} after the first minute), ${changes} changes | first minute: ${frames(first)} | |`,
  `| | last minute: ${frames(last)} | no slower frames: ${slower ? '**missed**' : 'met'} |`,
  `| | wasm memory ${mb(start.wasm)} → ${mb(end.wasm)}; JS heap ${mb(start.heap)} → ${mb(end.heap)} | flat within 1 MB: ${growth <= 1048576 ? 'met' : '**missed**'} (${mb(growth)}) |`,
  `| | console errors: ${errors.length} | |`,
];
const table = ['| soak test | figure | goal |', '|---|---|---|', ...rows].join('\n');
console.log(table);
if (errors.length) console.log(errors.slice(0, 5).join('\n'));
fs.mkdirSync('target/bench', { recursive: true });
fs.writeFileSync('target/bench/soak.md', `${table}\n`);
