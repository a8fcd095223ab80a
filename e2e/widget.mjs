// End-to-end tests of the Trunk build (dist/) in Debian's Chromium through playwright-core.
// Usage: node e2e/widget.mjs [dist dir]. Screenshots go to target/screenshots/.
// Exits 1 with a list of failures; every check runs even when an earlier one fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, dist, finish, launch, shots } from './harness.mjs';
import { serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const server = await serve(dist);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch();

/** A browser context whose pages can reach into the widget's shadow root: `vf(selector)`,
 * `vfAll(selector)` and `vfActive()` in scripts run in the page. */
async function vfContext(options) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    const scope = () => document.querySelector('vnet-flows')?.shadowRoot ?? document;
    window.vf = (selector) => scope().querySelector(selector);
    window.vfAll = (selector) => [...scope().querySelectorAll(selector)];
    window.vfActive = () => scope().activeElement ?? document.activeElement;
    addEventListener('TrunkApplicationStarted', (e) => { window.wasmExports = e.detail.wasm; });
  });
  return context;
}

/** A page that records console errors and any request not to 127.0.0.1. */
async function open(options = {}, hash = '') {
  const context = await vfContext(options);
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue();
    page.problems.push(`request left 127.0.0.1: ${url.href}`);
    return route.abort();
  });
  await page.goto(base + hash);
  await page.waitForSelector('.vf-canvas[role=img]');
  await page.waitForFunction(() => vf('.vf-canvas[role=img]').width > 0);
  return page;
}

const diagram = (page) => page.locator('.vf-canvas-box');
const tabs = (page) => page.locator('.vf-tab');

// 1. Every scenario, every key switched, in light and dark at 1280 px.
for (const scheme of ['light', 'dark']) {
  const page = await open({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  const count = await tabs(page).count();
  check(count >= 5, `${scheme}: ${count} scenario tabs`);
  for (let i = 0; i < count; i++) {
    await tabs(page).nth(i).click();
    const title = (await tabs(page).nth(i).textContent()).trim();
    const selects = page.locator('.vf-config select');
    const keys = await selects.count();
    for (let k = 0; k < keys; k++) {
      const options = await selects.nth(k).locator('option').count();
      for (let o = 0; o < options; o++) await selects.nth(k).selectOption({ index: o });
      await selects.nth(k).selectOption({ index: 0 });
    }
    const rows = await page.locator('tr.vf-row').count();
    const steps = await page.locator('.vf-flow').count();
    check(steps > 0, `${scheme}: "${title}" shows ${steps} steps and ${rows} rules after switching ${keys} keys`);
  }
  await tabs(page).first().click();
  await page.waitForTimeout(400);
  if (scheme === 'light') {
    const first = await page.evaluate(() => performance.getEntriesByName('vnet-flows-first-frame')[0]?.startTime);
    check(first > 0, `first complete diagram frame marked at ${Math.round(first)} ms after navigation start`);
  }
  await page.screenshot({ path: path.join(shots, `widget-1280-${scheme}.png`), fullPage: true });
  check(page.problems.length === 0, `${scheme}: no console error and no outside request (${page.problems.join('; ')})`);
  await page.context().close();
}

// 2. Narrow: 360 px, light and dark; the table turns into cards and the tabs into a select.
for (const scheme of ['light', 'dark']) {
  const page = await open({ viewport: { width: 360, height: 800 }, colorScheme: scheme });
  check(await page.locator('.vf-tabselect select').isVisible(), `${scheme} 360px: scenarios in a select`);
  const display = await page.locator('.vf-table tbody tr.vf-row').first().evaluate((el) => getComputedStyle(el).display);
  check(display === 'block', `${scheme} 360px: table rows stack as cards (display ${display})`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${scheme} 360px: nothing sticks out sideways (${overflow}px)`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, `widget-360-${scheme}.png`), fullPage: true });
  await page.locator('.vf-canvas-box').screenshot({ path: path.join(shots, `diagram-360-${scheme}.png`) });
  check(page.problems.length === 0, `${scheme} 360px: no console error (${page.problems.join('; ')})`);
  await page.context().close();
}

// 2b. The narrowest width, and a mangled link: a notice, no error, nothing sticking out.
{
  const page = await open({ viewport: { width: 320, height: 700 } }, '#vf.scenario=%E0%A4%A&vf.step=abc&&vf.=&vf.cloud=mars');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `320px: nothing sticks out sideways (${overflow}px)`);
  const notice = (await page.locator('.vf-notice').textContent()) || '';
  check(notice.includes('mars') && notice.includes('abc'), `mangled link: a notice says what was ignored ("${notice.slice(0, 90)}")`);
  check(page.problems.length === 0, `mangled link: no console error (${page.problems.join('; ')})`);
  await page.context().close();
}

// 3. Motion: with reduced motion nothing moves; without it the packets do.
{
  const still = await open({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await still.waitForTimeout(500);
  const a = await diagram(still).screenshot();
  await still.waitForTimeout(1000);
  const b = await diagram(still).screenshot();
  check(a.equals(b), 'reduced motion: two screenshots a second apart are identical');
  check(await still.locator('.vf-play').count() === 0, 'reduced motion: no play button');
  check(await still.locator('.vf-packet').evaluate((el) => getComputedStyle(el).visibility) === 'hidden',
    'reduced motion: no packet is shown');
  await still.locator('button.vf-next').click();
  const said = await still.locator('[aria-live=polite]').textContent();
  check(said.startsWith('Step 2 of'), `reduced motion: stepping works and is announced ("${said}")`);
  await still.context().close();

  const moving = await open({ viewport: { width: 1280, height: 900 }, reducedMotion: 'no-preference' });
  await moving.waitForTimeout(500);
  const c = await diagram(moving).screenshot();
  await moving.waitForTimeout(1000);
  const d = await diagram(moving).screenshot();
  check(!c.equals(d), 'animation: two screenshots a second apart differ');
  // A key that changes no traffic (the cloud) must survive the player moving on.
  await moving.locator('select[data-key=cloud]').selectOption('usgov');
  const stepBefore = await moving.locator('.vf-flowcount').textContent();
  await moving.waitForFunction((s) => vf('.vf-flowcount').textContent !== s, stepBefore, { timeout: 6000 });
  check(await moving.locator('select[data-key=cloud]').evaluate((s) => s.value) === 'usgov',
    'playing: the player moving on keeps a key just changed');
  await moving.locator('.vf-play').click();
  await moving.waitForTimeout(200);
  const e = await diagram(moving).screenshot();
  await moving.waitForTimeout(600);
  const f = await diagram(moving).screenshot();
  check(e.equals(f), 'paused: the diagram stands still');
  await moving.context().close();
}

// 4. Hash state, notices, pointing, choosing rows, keyboard focus.
{
  const page = await open({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' },
    '#intro&vf.scenario=compute&vf.compute_public_ip=on&vf.egress=firewall&vf.colour=blue&vf.step=2');
  check((await page.locator('.vf-tab[aria-selected=true]').textContent()).startsWith('Compute'), 'hash: scenario restored');
  check(await page.locator('select[data-key=compute_public_ip]').evaluate((s) => s.value) === 'on', 'hash: key restored');
  check(await page.locator('.vf-flow[aria-current=step]').evaluate((li) => [...li.parentNode.children].indexOf(li)) === 1, 'hash: step restored');
  const notice = await page.locator('.vf-notice').textContent();
  check(notice.includes('colour'), `hash: unknown key reported ("${notice.trim().slice(0, 80)}")`);
  const hash = await page.evaluate(() => location.hash);
  check(hash.startsWith('#intro&vf.scenario=compute'), `hash: the page's own part is kept (${hash})`);
  await page.locator('select[data-key=egress]').selectOption('default');
  await page.waitForFunction(() => location.hash.includes('vf.egress=default'), null, { timeout: 3000 }).catch(() => {});
  check((await page.evaluate(() => location.hash)).includes('vf.egress=default'), 'hash: follows a change');

  // Editing the hash (or going back) moves the widget too.
  await page.evaluate(() => { location.hash = 'intro&vf.scenario=aks&vf.aks_private=on'; });
  await page.waitForFunction(() => vf('.vf-tab[aria-selected=true]').textContent.startsWith('Azure Kubernetes'));
  check(await page.locator('select[data-key=aks_private]').evaluate((s) => s.value) === 'on', 'hash: an edited hash is followed');
  await page.evaluate(() => { location.hash = 'intro&vf.scenario=compute&vf.compute_public_ip=on&vf.egress=default'; });
  await page.waitForFunction(() => vf('.vf-tab[aria-selected=true]').textContent.startsWith('Compute'));

  // Choosing a rule row emphasises its flows in the diagram.
  const before = await diagram(page).screenshot();
  await page.locator('.vf-rowpick').first().click();
  const after = await diagram(page).screenshot();
  check(!before.equals(after), 'choosing a table row highlights its traffic in the diagram');

  // Keyboard: a diagram item takes focus, shows what it is and lights its rules in the table.
  await page.locator('.vf-rowpick').first().click();
  await page.locator('.vf-target').nth(1).focus();
  const tip = await page.locator('.vf-tooltip').textContent();
  check(tip.length > 5, `focusing a diagram item shows a tooltip ("${tip.slice(0, 60)}")`);
  const ring = await page.locator('.vf-target').nth(1).evaluate((el) => getComputedStyle(el).outlineStyle);
  check(ring !== 'none', `focused diagram item has a visible focus ring (${ring})`);
  const edge = page.locator('.vf-target[aria-label*=" to "]').first();
  await edge.focus();
  check(await page.locator('tr.vf-row.vf-lit').count() > 0, 'focusing an edge lights its rules in the table');

  // The diagram's items are one Tab stop with arrow keys between them; Enter on a connection
  // chooses its rule; Escape lets go.
  const stops = await page.locator('.vf-target[tabindex="0"]').count();
  check(stops === 1, `diagram items take ${stops} Tab stop`);
  await page.locator('.vf-target[tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  const second = await page.evaluate(() => vfAll('.vf-target').indexOf(vfActive()));
  check(second === 1, `ArrowRight moves to the next diagram item (${second})`);
  await page.keyboard.press('End');
  // Back up to a connection that needs a rule (connections inside one network need none).
  for (let i = 0; i < 40; i++) {
    const label = await page.evaluate(() => vfActive().getAttribute('aria-label') || '');
    if (/\((inbound|outbound|private endpoint)\)/.test(label)) break;
    await page.keyboard.press('ArrowLeft');
  }
  await page.keyboard.press('Enter');
  check(await page.locator('tr.vf-row.vf-chosen').count() === 1, 'Enter on a connection chooses its rule in the table');
  await page.keyboard.press('Escape');
  check(await page.locator('.vf-tooltip').count() === 0, 'Escape hides the tooltip');
  check(await page.locator('tr.vf-row.vf-chosen').count() === 0, 'Escape lets go of the chosen rule');
  const stays = await page.evaluate(() => vfActive()?.classList.contains('vf-target') ?? false);
  check(stays, 'Escape keeps the keyboard focus on the diagram');

  // A change that makes the scenario fail is announced (public dependencies add a finding).
  const findingsBefore = await page.locator('.vf-finding').count();
  await page.locator('select[data-key=dependencies]').selectOption('public');
  const said = await page.locator('[aria-live=polite]').textContent();
  check(said.startsWith('Watch out:'), `a new finding after a change is announced ("${said.slice(0, 70)}")`);
  const findingsAfter = await page.locator('.vf-finding').count();
  check(findingsAfter === findingsBefore + 1, `the finding shows above the diagram (${findingsBefore} → ${findingsAfter})`);
  await page.locator('select[data-key=dependencies]').selectOption('private-endpoint');

  // Pointer: hovering a node shows its tooltip.
  const box = await page.locator('.vf-pointer').boundingBox();
  const nodes = await page.locator('.vf-target').evaluateAll((els) => els.map((el) => [el.offsetLeft + 20, el.offsetTop + 10]));
  await page.mouse.move(box.x + nodes[0][0], box.y + nodes[0][1]);
  check(await page.locator('.vf-tooltip').isVisible(), 'hovering a node shows a tooltip');
  check(page.problems.length === 0, `interaction: no console error (${page.problems.join('; ')})`);
  await page.context().close();
}

// 5. Idle means idle: no animation-frame callbacks while paused, hidden or scrolled away.
{
  const context = await vfContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'no-preference' });
  await context.addInitScript(() => {
    window.__frames = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (f) => raf((t) => { window.__frames += 1; f(t); });
  });
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('.vf-canvas[role=img]');
  const frames = async (ms) => {
    const start = await page.evaluate(() => window.__frames);
    await page.waitForTimeout(ms);
    return (await page.evaluate(() => window.__frames)) - start;
  };
  check(await frames(500) > 5, 'playing: animation frames are requested');
  // The packet is a small canvas of its own that moves by transform, inside the diagram.
  const packet = () => page.locator('.vf-packet').evaluate((el) => {
    const [box, area] = [el.getBoundingClientRect(), el.parentElement.getBoundingClientRect()];
    return { at: getComputedStyle(el).transform, visible: getComputedStyle(el).visibility === 'visible', inked: el.width > 0,
      inside: box.left >= area.left - 1 && box.right <= area.right + 1 && box.top >= area.top - 1 && box.bottom <= area.bottom + 1 };
  });
  const p1 = await packet();
  await page.waitForTimeout(300);
  const p2 = await packet();
  check(p1.visible && p1.inked && p1.inside && p2.inside && p1.at !== p2.at && p2.at.startsWith('matrix'),
    `playing: the packet moves within the diagram (${p1.at} → ${p2.at})`);
  await page.locator('.vf-play').click();
  await page.waitForTimeout(500); // let a fade or a last frame finish
  const paused = await frames(1000);
  check(paused === 0, `paused: ${paused} animation-frame callbacks in a second`);
  await page.locator('.vf-play').click();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(300);
  const away = await frames(1000);
  check(away === 0, `scrolled out of view: ${away} animation-frame callbacks in a second`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  check(await frames(500) > 5, 'back in view: the animation resumes');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(300);
  const hidden = await frames(1000);
  check(hidden === 0, `tab hidden: ${hidden} animation-frame callbacks in a second`);

  // Copy as Markdown puts the command line's table on the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.locator('button', { hasText: 'Copy as Markdown' }).click();
  await page.waitForSelector('text=Copied the table as Markdown.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied.includes('| Direction |') && copied.includes('login.microsoftonline.com'),
    `copy as Markdown: ${copied.length} characters of table`);

  // Keyboard: arrow keys move between tabs, and focus follows.
  await page.locator('.vf-tab').first().focus();
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => vfActive().getAttribute('aria-selected'));
  check(focused === 'true', 'arrow keys move the selected tab and its focus');
  // Presses back to back, faster than the widget re-renders: each moves one tab from where
  // focus is (issue 15, defect 6: 13 of 24 such trials used to land on the wrong tab).
  const tabCount = await page.locator('.vf-tab').count();
  for (let trial = 0; trial < 24; trial++) {
    const presses = 1 + (trial % (tabCount + 2));
    const key = trial % 2 ? 'ArrowLeft' : 'ArrowRight';
    await page.locator('.vf-tab').first().focus();
    await page.locator('.vf-tab').first().click();
    await page.evaluate(({ presses, key }) => {
      for (let i = 0; i < presses; i++) {
        vfActive().dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      }
    }, { presses, key });
    const want = key === 'ArrowRight' ? presses % tabCount : (tabCount - (presses % tabCount)) % tabCount;
    await page.waitForFunction((want) => vf(`.vf-tab:nth-child(${want + 1})`).getAttribute('aria-selected') === 'true', want,
      { timeout: 2000 }).catch(() => {});
    const landed = await page.evaluate(() => [...vfAll('.vf-tab')].findIndex((t) => t.getAttribute('aria-selected') === 'true'));
    const focusedAt = await page.evaluate(() => [...vfAll('.vf-tab')].indexOf(vfActive()));
    if (landed !== want || focusedAt !== want) {
      check(false, `quick arrows: ${presses} × ${key} landed on tab ${landed} (focus ${focusedAt}), not ${want}`);
      break;
    }
    if (trial === 23) check(true, 'quick arrows: 24 trials of back-to-back presses each land one tab per press');
  }
  check(page.problems === undefined || page.problems.length === 0, 'idle checks: no problems');
  await context.close();
}

// 5b. A long life of host calls: the element keeps none of them once applied, so wasm memory
// stays where it was (2,000 calls carrying 50 KB each would otherwise keep 100 MB).
{
  const page = await open({ viewport: { width: 1280, height: 900 } }, '#vf.scenario=compute');
  const memory = () => page.evaluate(() => window.wasmExports.memory.buffer.byteLength);
  const calls = (n) => page.evaluate(async (n) => {
    const el = document.querySelector('vnet-flows');
    const done = () => new Promise((resolve) => { const c = new MessageChannel(); c.port1.onmessage = () => resolve(); c.port2.postMessage(0); });
    const big = 'x'.repeat(50_000);
    for (let i = 0; i < n; i++) {
      el.setConfig({ egress: i % 2 ? 'firewall' : 'default', note: big });
      if (i % 4 === 3) await done();
    }
    el.setConfig({ note: undefined });
    await done();
  }, n);
  await calls(200);
  const before = await memory();
  await calls(2000);
  const after = await memory();
  check(after - before <= 1024 * 1024, `host calls: 2,000 setConfig calls of 50 KB leave wasm memory at ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB`);
  check(page.problems.length === 0, `host calls: no problems (${page.problems.join('; ').slice(0, 200)})`);
  // A select value the widget did not render (a page script or an extension edited it) is
  // ignored: no panic, and the widget keeps working.
  const kept = await page.evaluate(async () => {
    const select = vf('select[data-key=egress]');
    select.options[1].value = '99';
    select.value = '99';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = vf('select[data-key=compute_public_ip]');
    other.value = 'on';
    other.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return document.querySelector('vnet-flows').config.compute_public_ip;
  });
  check(kept === 'on' && page.problems.length === 0, `an edited select value is ignored and the widget keeps working (${kept}; ${page.problems.join('; ').slice(0, 160)})`);
  await page.context().close();
}

// 5c. Every width from 320 to 1600 px, in every scenario: the page never scrolls sideways.
{
  const page = await open({ viewport: { width: 1280, height: 900 } });
  const wide = [];
  for (const scenario of ['studio', 'studio-data', 'sdk-cli', 'compute', 'aks', 'docker-images', 'online-endpoints']) {
    await page.evaluate((id) => { location.hash = `#vf.scenario=${id}`; }, scenario);
    await page.waitForFunction((id) => document.querySelector('vnet-flows').scenario === id && vf('.vf-rules'), scenario);
    for (let width = 320; width <= 1600; width += 20) {
      await page.setViewportSize({ width, height: 900 });
      const overflow = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() =>
        resolve(document.documentElement.scrollWidth - window.innerWidth)))));
      if (overflow > 0) wide.push(`${scenario} at ${width} px: ${overflow} px`);
    }
  }
  check(wide.length === 0, `widths 320–1600 px in every scenario: nothing sticks out sideways (${wide.slice(0, 5).join('; ') || '455 checked'})`);
  await page.setViewportSize({ width: 700, height: 900 });
  await page.evaluate(() => vf('.vf-rules').scrollIntoView());
  await page.screenshot({ path: path.join(shots, 'widget-700-cards.png') });
  check(page.problems.length === 0, `width sweep: no problems (${page.problems.join('; ').slice(0, 200)})`);
  await page.context().close();
}

// 6. Crisp at any device pixel ratio; redraws when the container resizes.
{
  const page = await open({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 2, reducedMotion: 'reduce' });
  const [w, css] = await page.locator('.vf-canvas[role=img]').evaluate((c) => [c.width, c.getBoundingClientRect().width]);
  check(Math.abs(w - 2 * css) <= 2, `device pixel ratio 2: canvas has ${w} pixels for ${css} CSS pixels`);
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction(() => vf('.vf-canvas[role=img]').getBoundingClientRect().width < 690);
  const narrow = await page.locator('.vf-canvas[role=img]').evaluate((c) => c.getBoundingClientRect().width);
  check(narrow < 690, `resizing the page re-lays the diagram out (${narrow}px wide)`);
  await page.context().close();
}

// 7. Contrast: the theme colours meet WCAG AA (4.5:1 for text, 3:1 for lines) in both themes.
for (const scheme of ['light', 'dark']) {
  const page = await open({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  const ratios = await page.locator('.vf-root').evaluate((el) => {
    const s = getComputedStyle(el);
    const rgb = (name) => {
      const hex = s.getPropertyValue(name).trim().slice(1);
      const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
      return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
    };
    const lum = (c) => c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const pairs = [['--vf-text', '--vf-bg', 4.5], ['--vf-muted', '--vf-bg', 4.5], ['--vf-muted', '--vf-panel', 4.5],
      ['--vf-text', '--vf-lit', 4.5], ['--vf-text', '--vf-zone-vnet', 4.5], ['--vf-text', '--vf-zone-azure', 4.5],
      ['--vf-text', '--vf-zone-client', 4.5], ['--vf-text', '--vf-zone-managed', 4.5], ['--vf-text', '--vf-node-fill', 4.5],
      ['--vf-blocked', '--vf-panel', 4.5], ['--vf-warning', '--vf-panel', 4.5],
      ['--vf-inbound', '--vf-zone-vnet', 3], ['--vf-outbound', '--vf-zone-vnet', 3], ['--vf-private', '--vf-zone-vnet', 3],
      ['--vf-inbound', '--vf-bg', 3], ['--vf-outbound', '--vf-bg', 3], ['--vf-private', '--vf-bg', 3], ['--vf-focus', '--vf-bg', 3]];
    return pairs.map(([a, b, need]) => [a, b, ratio(a, b), need]);
  });
  const low = ratios.filter(([, , r, need]) => r < need).map(([a, b, r]) => `${a} on ${b}: ${r.toFixed(2)}`);
  check(low.length === 0, `${scheme}: colour contrast meets AA (${low.join('; ') || ratios.length + ' pairs'})`);
  await page.context().close();
}

// 7b. The export menu: each format, copied and downloaded, is byte for byte what the command
// line's `export` prints for the configuration on screen (the firewall policy only with one).
{
  const cli = process.env.VNET_FLOWS_CLI || path.join(here, '..', 'target', 'debug', 'vnet-flows');
  const context = await vfContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  await page.goto(`${base}#vf.scenario=compute&vf.egress=firewall&vf.compute_public_ip=on`);
  await page.waitForSelector('.vf-export summary');
  await page.locator('.vf-export summary').click();
  await page.waitForSelector('.vf-export-list li');
  const labels = await page.locator('.vf-export-label').allTextContents();
  check(labels.length === 5 && labels.some((l) => l.startsWith('Firewall')), `export: five formats with a firewall (${labels.join(', ')})`);
  const config = await page.evaluate(() => document.querySelector('vnet-flows').config);
  const sets = Object.entries(config).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
  const formats = ['nsg-json', 'firewall-json', 'az-cli', 'bicep', 'terraform'];
  for (const [i, format] of formats.entries()) {
    const expected = execFileSync(cli, ['export', '--scenario', 'compute', ...sets, '--format', format], { encoding: 'utf8' });
    const item = page.locator('.vf-export-list li').nth(i);
    await item.locator('button', { hasText: 'Copy' }).click();
    await page.waitForFunction((label) => vf('.vf-export-body [role=status]').textContent.includes(label), labels[i], { timeout: 5000 })
      .catch(() => check(false, `export ${format}: no "copied" status within 5 s`));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const [download] = await Promise.all([page.waitForEvent('download'), item.locator('button', { hasText: 'Download' }).click()]);
    const downloaded = fs.readFileSync(await download.path(), 'utf8');
    check(copied === expected && downloaded === expected,
      `export ${format}: copied and downloaded (${download.suggestedFilename()}) equal the command line's ${expected.length} characters`);
  }
  // With "deny all other outbound", the NSG file is the command line's with --deny-outbound.
  await page.locator('.vf-export-option input').check();
  const denied = execFileSync(cli, ['export', '--scenario', 'compute', ...sets, '--format', 'nsg-json', '--deny-outbound'], { encoding: 'utf8' });
  await page.locator('.vf-export-list li').first().locator('button', { hasText: 'Copy' }).click();
  await page.waitForFunction((want) => navigator.clipboard.readText().then((t) => t === want), denied, { timeout: 5000 }).catch(() => {});
  const copiedDenied = await page.evaluate(() => navigator.clipboard.readText());
  check(copiedDenied === denied && denied.includes('4096'), `export nsg-json with deny-all outbound: equals --deny-outbound's ${denied.length} characters`);
  await page.locator('.vf-export-option input').uncheck();
  // Without a firewall on the way out, no firewall policy is offered.
  await page.evaluate(() => document.querySelector('vnet-flows').setConfig({ egress: 'nat-gateway' }));
  await page.waitForFunction(() => vfAll('.vf-export-label').length === 4, null, { timeout: 5000 }).catch(() => {});
  check(!(await page.locator('.vf-export-label').allTextContents()).some((l) => l.startsWith('Firewall')),
    'export: no firewall policy without a firewall');
  await page.locator('.vf-export').screenshot({ path: path.join(shots, 'export-menu-1280.png') });
  await page.setViewportSize({ width: 360, height: 900 });
  await page.locator('.vf-export').screenshot({ path: path.join(shots, 'export-menu-360.png') });
  await context.close();
}

// 7c. The error search: a pasted message, with its region and quoting, finds its cause; showing
// it switches to the scenario and configuration where it arises and chooses its rule; a message
// that matches nothing says so and leads to the scenarios.
{
  const page = await open({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await page.locator('.vf-why summary').click();
  const cli = process.env.VNET_FLOWS_CLI || path.join(here, '..', 'target', 'debug', 'vnet-flows');
  const message = "requests.exceptions: HTTPSConnectionPool(host='westeurope.experiments.azureml.net', port=443): Max retries exceeded with url: /discovery (Caused by NewConnectionError)";
  const expected = JSON.parse(execFileSync(cli, ['why', message, '--format', 'json'], { encoding: 'utf8' })).matches;
  await page.locator('.vf-why textarea').fill(message);
  await page.locator('.vf-why button[type=submit]').click();
  await page.waitForSelector('.vf-why-list li', { timeout: 5000 }).catch(() => {});
  const shown = await page.locator('.vf-why-list li').count();
  check(shown === expected.length && shown > 0, `why: ${shown} matches, as many as the command line's (${expected.length})`);
  const first = await page.locator('.vf-why-list li').first().textContent();
  check(first.includes('experiments.azureml.net') && first.includes('Arises in'), 'why: the best match quotes the symptom and says where it arises');
  await page.locator('.vf-why-list li').first().locator('button').click();
  await page.waitForFunction(() => vfAll('tr.vf-row.vf-chosen').length === 1, null, { timeout: 5000 }).catch(() => {});
  const config = await page.evaluate(() => document.querySelector('vnet-flows').config);
  check(Object.entries(expected[0].config).every(([k, v]) => config[k] === v)
    && await page.evaluate(() => document.querySelector('vnet-flows').scenario) === expected[0].scenario,
  `why: showing the match switches to ${expected[0].scenario} in its configuration, with its rule chosen in the table`);
  // The same error line deep in a long log (6,000 characters of other lines around it).
  const noise = 'INFO job 12345 step 7 downloading numpy pandas from the feed; retrying in 5 s; node 10.0.0.4 ready. '.repeat(30);
  await page.locator('.vf-why textarea').fill(`${noise}${message}\n${noise}`);
  await page.locator('.vf-why button[type=submit]').click();
  await page.waitForFunction(() => vf('.vf-why-list li q')?.textContent.includes('experiments.azureml.net'), null, { timeout: 5000 }).catch(() => {});
  check((await page.locator('.vf-why-list li').first().textContent()).includes('experiments.azureml.net'),
    'why: the error line is found deep in a long pasted log');
  await page.locator('.vf-why textarea').fill('zzqv frobnicate the quux');
  await page.locator('.vf-why button[type=submit]').click();
  await page.waitForSelector('.vf-why-none', { timeout: 5000 }).catch(() => {});
  await page.locator('.vf-why-none button').click();
  check(await page.evaluate(() => vfActive().classList.contains('vf-tab')), 'why: no match says so, and its link leads to the scenario tabs');
  await page.screenshot({ path: path.join(shots, 'why-1280.png') });
  check(page.problems.length === 0, `why: no problems (${page.problems.join('; ')})`);
  await page.context().close();
}

// 8. An accessibility audit (axe-core, injected from node_modules) of the whole page, in every
// scenario, both themes and both widths, with a rule's details open; any finding of any impact
// fails (heading-order too: the widget's headings sit under the page's h1).
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [360, 'light'], [360, 'dark']]) {
  const page = await open({ viewport: { width, height: 900 }, colorScheme: scheme, reducedMotion: 'reduce' });
  await page.addScriptTag({ path: axePath });
  const count = await page.locator('.vf-tabselect option').count();
  const found = [];
  let passed = Infinity;
  for (let i = 0; i < count; i++) {
    if (width < 760) await page.locator('.vf-tabselect select').selectOption(String(i));
    else await page.locator('.vf-tab').nth(i).click();
    await page.waitForFunction((i) => vf('.vf-tabselect select').value === String(i), i);
    const details = page.locator('tr.vf-row .vf-button');
    if (await details.count()) await details.first().click();
    const [passes, violations] = await page.evaluate(async () => {
      const result = await window.axe.run(document);
      return [result.passes.length, result.violations
        .map((v) => `${v.id} [${v.impact}] (${v.nodes.length}): ${v.nodes[0]?.target.join(' ')}`)];
    });
    passed = Math.min(passed, passes);
    found.push(...violations.map((v) => `scenario ${i}: ${v}`));
  }
  check(passed > 10 && found.length === 0,
    `axe at ${width}px ${scheme}, ${count} scenarios: at least ${passed} rules pass each, no violation of any impact (${found.join('; ')})`);
  await page.context().close();
}

// 9. A change, and the player moving on, repaint only where the picture changed (scene::damage):
// after 25 changes, with and without motion, the diagram's canvas holds the same pixels as a
// fresh load of the configuration and flow it ended in (with motion, once paused there).
for (const [scenario, motion] of [['compute', 'reduce'], ['aks', 'reduce'], ['studio', 'no-preference']]) {
  const page = await open({ viewport: { width: 1280, height: 900 }, reducedMotion: motion }, `#vf.scenario=${scenario}`);
  await page.waitForFunction(() => vf('select[data-key]'));
  const keys = await page.evaluate(() => vfAll('select[data-key]').map((s) => [s.dataset.key, [...s.options].map((o) => o.value)]));
  for (let i = 0; i < 25; i++) {
    const [key, values] = keys[(i * 7) % keys.length];
    await page.evaluate(([k, v]) => {
      const select = vf(`select[data-key=${k}]`);
      select.value = v;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }, [key, values[(i * 3) % values.length]]);
    await page.waitForTimeout(motion === 'reduce' ? 30 : 120);
  }
  // The fade ends (and, with motion, the player moves on through a few flows); then it stops.
  await page.waitForTimeout(motion === 'reduce' ? 1000 : 4500);
  const play = page.locator('.vf-play');
  if (await play.count() && (await play.textContent()).includes('Pause')) await play.click();
  await page.waitForTimeout(1000);
  const [after, hash] = [await page.evaluate(() => vf('canvas.vf-canvas').toDataURL()), await page.evaluate(() => location.hash)];
  const fresh = await (await vfContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' })).newPage();
  await fresh.goto(`${base}${hash}`);
  await fresh.waitForFunction(() => vf('select[data-key]'));
  await fresh.waitForTimeout(800);
  // Premultiplied channels, compared pixel by pixel: a clipped repaint may shade a few
  // anti-aliased edge pixels differently (see `reaching` in renderer.rs); a shape missing or
  // left behind differs by far more, over far more pixels.
  const [differ, shaded, worst, size] = await fresh.evaluate(async (url) => {
    const canvas = vf('canvas.vf-canvas');
    const image = new Image();
    image.src = url;
    await image.decode();
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d');
    copy.drawImage(image, 0, 0);
    const a = copy.getImageData(0, 0, canvas.width, canvas.height).data;
    const b = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let [differ, shaded, worst] = [0, 0, 0];
    for (let i = 0; i < a.length; i += 4) {
      let d = Math.abs(a[i + 3] - b[i + 3]);
      for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a[i + c] * a[i + 3] - b[i + c] * b[i + 3]) / 255);
      if (d > 0) differ += 1;
      if (d > 8) shaded += 1;
      worst = Math.max(worst, d);
    }
    const same = image.width === canvas.width && image.height === canvas.height && canvas.width > 0;
    return [differ, shaded, Math.round(worst), same ? `${canvas.width}×${canvas.height}` : 'sizes differ'];
  }, after);
  check(worst <= 48 && shaded <= 20 && size !== 'sizes differ',
    `${scenario} (motion: ${motion}): after 25 changes the diagram equals a fresh load's (${hash.match(/vf\.step=\d+/)?.[0] ?? 'first step'}; ${size}; ${differ} pixels differ, ${shaded} by more than 8, by ${worst} at most)`);
  await fresh.context().close();
  await page.context().close();
}

await browser.close();
server.close();
finish('end-to-end checks');
