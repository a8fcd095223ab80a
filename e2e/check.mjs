// End-to-end tests of "Check my rules" in the widget's three homes (the docs page under the
// strict content security policy, the help panel at 360 px, the single file from file://):
// a template that lacks one rule blocks its flow on the diagram (pixels in the blocked colour
// where the hop is), in the table (with the fix) and in the summary, as `vnet-flows check` says;
// broken input is listed and the rest still checked; chosen files are read; Clear forgets.
// Usage: node e2e/check.mjs [dist dir]. Screenshots go to target/screenshots/check-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { check, dist, finish, launch, root, shots } from './harness.mjs';
import { serve } from './serve.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; require-trusted-types-for 'script'";
const strict = await serve(dist, 0, { 'content-security-policy': CSP });
const browser = await launch();
const cli = process.env.VNET_FLOWS_CLI || path.join(root, 'target', 'debug', 'vnet-flows');
const fixture = path.join(root, 'tests', 'fixtures', 'rulesets', 'real', 'arm-template-missing-smb.json');
const template = fs.readFileSync(fixture, 'utf8');
const SETTINGS = ['--scenario', 'compute', '--set', 'dependencies=service-endpoint', '--region', 'westeurope', '--vnet', '10.0.0.0/16'];

/** What the command line says of the same files, in Markdown and JSON (it exits 3: blocked). */
function expected() {
  const run = (format) => {
    try {
      return execFileSync(cli, ['check', ...SETTINGS, '--format', format, fixture], { encoding: 'utf8' });
    } catch (e) {
      return e.stdout;
    }
  };
  const summary = run('markdown').split('\n').find((l) => l.startsWith('**')).replaceAll('**', '');
  const json = JSON.parse(run('json'));
  const fix = json.flows.flatMap((f) => f.hops).find((h) => h.verdict === 'blocked').fix;
  return { summary, fix };
}

/** A page that records errors, policy violations and any request but to the page's own origin. */
async function open(address, options) {
  const context = await browser.newContext({ reducedMotion: 'reduce', ...options });
  await context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective));
  });
  const page = await context.newPage();
  page.problems = [];
  page.requests = [];
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => page.requests.push(r.url()));
  await page.goto(address);
  await page.waitForFunction(() => document.querySelector('vnet-flows')?.shadowRoot?.querySelector('.vf-canvas[role=img]')?.width > 0,
    null, { timeout: 20000 });
  return page;
}

/** Pixels near `rgb` on the diagram's canvases inside the box of the keyboard target whose
 * label contains `label` (the whole diagram when `label` is null). */
async function inked(widget, rgb, label) {
  return widget.evaluate((host, [rgb, label]) => {
    const shadow = host.shadowRoot;
    const canvases = [...shadow.querySelectorAll('canvas.vf-canvas')].slice(0, 2);
    const box = canvases[0].getBoundingClientRect();
    const target = label && [...shadow.querySelectorAll('.vf-target')].find((t) => t.getAttribute('aria-label').includes(label));
    if (label && !target) return -1;
    const area = target ? target.getBoundingClientRect() : box;
    const scale = canvases[0].width / box.width;
    const [x, y] = [(area.left - box.left) * scale, (area.top - box.top) * scale];
    const [w, h] = [Math.max(1, area.width * scale), Math.max(1, area.height * scale)];
    let count = 0;
    for (const canvas of canvases) {
      const data = canvas.getContext('2d').getImageData(x, y, w, h).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]) < 60) count++;
      }
    }
    return count;
  }, [rgb, label]);
}

/** The theme's blocked colour, as the canvas gets it. */
const blockedColour = (widget) => widget.evaluate((host) => {
  const probe = document.createElement('span');
  host.shadowRoot.querySelector('.vf-root').append(probe);
  probe.style.color = 'var(--vf-blocked)';
  const rgb = getComputedStyle(probe).color.match(/\d+/g).slice(0, 3).map(Number);
  probe.remove();
  return rgb;
});

async function exercise(name, address, options) {
  const want = expected();
  const page = await open(address, options);
  const widget = page.locator('vnet-flows').first();
  await widget.evaluate((el) => { el.scenario = 'compute'; el.setConfig({ dependencies: 'service-endpoint' }); });
  await widget.locator('.vf-check summary').waitFor();
  const colour = await blockedColour(widget);
  const before = await inked(widget, colour, null);
  const requests = page.requests.length;

  await widget.locator('.vf-check summary').click();
  await widget.locator('.vf-check-text').fill(template);
  await widget.locator('.vf-check-options input[type=text]').nth(0).fill('westeurope');
  await widget.locator('.vf-check-options input[type=text]').nth(1).fill('10.0.0.0/16');
  await widget.locator('.vf-check-actions button[type=submit]').click();
  await widget.locator('.vf-check-summary').waitFor();
  const summary = await widget.locator('.vf-check-summary').textContent();
  check(summary === want.summary, `${name}: the summary is the command line's ("${summary}" / "${want.summary}")`);
  const onHop = await inked(widget, colour, '. Blocked.');
  check(onHop > 20, `${name}: the blocked hop is drawn in the blocked colour where it is (${onHop} pixels; ${before} before the check on the whole diagram)`);
  const row = widget.locator('tr.vf-row', { has: page.locator('.vf-tag-blocked') });
  check(await row.count() === 1, `${name}: one table row says blocked`);
  const fix = await widget.locator('.vf-fix').first().textContent();
  check(fix === want.fix, `${name}: the table's fix is the command line's (${fix.length} characters)`);
  check(await widget.locator('.vf-flow .vf-tag-blocked', { hasText: 'by your rules' }).count() === 1, `${name}: the step list says which flow the rules block`);
  await widget.locator('.vf-check-jumps button', { hasText: 'unneeded' }).click();
  await page.waitForTimeout(100);
  check(await widget.locator('details[data-list=unneeded][open] li').count() === 1, `${name}: "1 unneeded" opens the list of unneeded rules`);
  await widget.locator('.vf-check-jumps button', { hasText: 'blocked' }).click();
  await page.waitForTimeout(100);
  const [focused, blockedFlow] = await widget.evaluate((host) => [host.shadowRoot.activeElement?.textContent ?? '',
    host.shadowRoot.querySelector('li[data-verdict=blocked] button')?.textContent]);
  check(focused === blockedFlow, `${name}: "1 blocked" leads to the blocked flow (focus on "${focused.slice(0, 40)}")`);
  await widget.locator('.vf-check-flows button').first().click();
  check(await widget.locator('tr.vf-row.vf-chosen .vf-tag-blocked').count() === 1, `${name}: the summary's flow shows its row, chosen`);
  await shot(page, widget, `check-${name}`);
  const violations = await audit(page);
  check(violations.length === 0, `${name}: axe finds nothing of any impact with the report, the verdicts and a fix shown (${violations.join('; ')})`);

  await widget.locator('.vf-check-text').fill('{"resources": [');
  await widget.locator('.vf-check-actions button[type=submit]').click();
  await widget.locator('.vf-check-errors').waitFor();
  const errors = await widget.locator('.vf-check-errors').textContent();
  check(errors.includes('pasted') && errors.includes('line 1'), `${name}: broken text is listed with where (${errors.slice(0, 120)})`);

  await widget.locator('.vf-check-text').fill('');
  await widget.locator('input[type=file]').setInputFiles([{ name: 'template.json', mimeType: 'application/json', buffer: Buffer.from(template) }, { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('[1, 2') }]);
  await page.waitForFunction(() => {
    const s = document.querySelector('vnet-flows').shadowRoot.querySelector('.vf-check-errors');
    return s && s.textContent.includes('broken.json');
  }, null, { timeout: 5000 }).catch(() => {});
  const fromFiles = await widget.locator('.vf-check-summary').textContent();
  const listed = await widget.locator('.vf-check-errors').textContent().catch(() => '');
  check(fromFiles === want.summary && listed.includes('broken.json'), `${name}: chosen files are read, the broken one listed, the rest checked ("${fromFiles}")`);

  const kept = await page.evaluate(() => location.hash + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  check(!kept.includes('resources') && !kept.includes('Microsoft.Network'), `${name}: the rules are in neither the URL nor storage`);
  await widget.locator('.vf-check-actions button', { hasText: 'Clear' }).click();
  await page.waitForTimeout(100);
  check(await widget.locator('.vf-check-summary').count() === 0 && await widget.locator('.vf-fix').count() === 0, `${name}: Clear forgets the verdicts`);
  const after = await inked(widget, colour, null);
  check(after === before, `${name}: after Clear the diagram has no blocked ink of the check (${after}, ${before} before)`);
  check(page.requests.length === requests, `${name}: no request while checking (${page.requests.slice(requests).join(', ')})`);
  const found = [...page.problems, ...(await page.evaluate(() => window.cspViolations))];
  check(found.length === 0, `${name}: no error and no policy violation (${found.join('; ')})`);
  await page.context().close();
}

const axe = fs.readFileSync(path.join(root, 'e2e', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
/** axe-core over the whole page (evaluated through the DevTools protocol, which the page's
 * content security policy does not govern). */
async function audit(page) {
  await page.evaluate(axe);
  return page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id} [${v.impact}] (${v.nodes.length}): ${v.nodes[0]?.target.join(' ')}`));
}

/** The widget after a check, with the summary and the diagram in view. */
async function shot(page, widget, file) {
  await widget.locator('.vf-check').evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(shots, `${file}-report.png`) });
  await widget.locator('.vf-canvas-box').evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(shots, `${file}-diagram.png`) });
  await widget.locator('tr.vf-chosen').evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(shots, `${file}-table.png`) });
}

/** The host API: checkRules gives the command line's JSON, the event its summary; bad input
 * is a TypeError that names the item; clearRules clears; the help panel's example works. */
async function hostApi(address) {
  const cliJson = (() => {
    try {
      return execFileSync(cli, ['check', ...SETTINGS, '--format', 'json', fixture], { encoding: 'utf8' });
    } catch (e) {
      return e.stdout;
    }
  })();
  const want = JSON.parse(cliJson.replaceAll(fixture, 'pasted'));
  const page = await open(address, { viewport: { width: 1280, height: 900 } });
  const result = await page.evaluate(async (template) => {
    const el = document.querySelector('vnet-flows');
    const events = [];
    document.addEventListener('vnet-flows-check', (e) => events.push(e.detail));
    el.scenario = 'compute';
    el.setConfig({ dependencies: 'service-endpoint' });
    const report = await el.checkRules(template, { region: 'westeurope', vnet: ['10.0.0.0/16'] });
    const afterCheck = events.length;
    let refused = '';
    try { await el.checkRules([template, 42]); } catch (e) { refused = `${e.name}: ${e.message}`; }
    const file = new File([template], 'nsg-export.json', { type: 'application/json' });
    const fromFile = await el.checkRules([file, '{"broken'], { region: 'westeurope', params: { unused: 1 } });
    el.clearRules();
    await new Promise((r) => setTimeout(r, 50));
    const shown = el.shadowRoot.querySelector('.vf-check-summary');
    return { report, events, afterCheck, refused, fromFile, shown: Boolean(shown) };
  }, template);
  check(JSON.stringify(result.report) === JSON.stringify(want), `host API: checkRules gives the command line's JSON (${JSON.stringify(want).length} characters)`);
  const first = result.events[0];
  check(result.afterCheck === 1 && first?.summary === expected().summary && first?.blocked === 1 && first?.errors === 0,
    `host API: one vnet-flows-check event per check, with the counts (${JSON.stringify(result.events[0])})`);
  check(result.refused.startsWith('TypeError') && result.refused.includes('item 2 is number'), `host API: a bad item is refused, named (${result.refused})`);
  const errors = result.fromFile.errors.map((e) => e.file);
  check(result.fromFile.flows.some((f) => f.hops.some((h) => h.decided_by?.file === 'nsg-export.json')) && errors.includes('text 2'),
    `host API: a File is read under its name and broken text listed (${errors.join(', ')})`);
  check(result.events.at(-1) === null && !result.shown, 'host API: clearRules clears, and the event says so (null)');
  const found = [...page.problems, ...(await page.evaluate(() => window.cspViolations))];
  check(found.length === 0, `host API: no error and no policy violation (${found.join('; ')})`);
  await page.context().close();
}

/** The help panel's host page checks the files chosen there through the API. */
async function panelExample(address) {
  const page = await open(address, { viewport: { width: 1100, height: 900 }, colorScheme: 'dark' });
  await page.locator('#help').evaluate((el) => el.setConfig({ dependencies: 'service-endpoint' }));
  await page.locator('#rules').setInputFiles({ name: 'training.json', mimeType: 'application/json', buffer: Buffer.from(template) });
  await page.waitForFunction(() => document.getElementById('verdict').textContent.includes('Blocked:'), null, { timeout: 5000 }).catch(() => {});
  const verdict = await page.locator('#verdict').textContent();
  check(verdict.includes('1 flow blocked') && verdict.includes('compute-storage-file-direct'), `panel example: the host shows the check (${verdict})`);
  await page.locator('#forget').click();
  await page.waitForFunction(() => document.getElementById('verdict').textContent === 'No rules checked.', null, { timeout: 3000 }).catch(() => {});
  check(await page.locator('#verdict').textContent() === 'No rules checked.', 'panel example: Forget clears');
  await page.context().close();
}

const at = (page) => `http://127.0.0.1:${strict.address().port}/${page}`;
const single = pathToFileURL(path.join(dist, 'vnet-flows-demo.html')).href;
await exercise('docs-1280-light', at('docs.html'), { viewport: { width: 1280, height: 900 } });
await exercise('panel-360-dark', at('panel.html'), { viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
await exercise('single-1280-dark', single, { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
await exercise('single-360-light', single, { viewport: { width: 360, height: 800 } });
await hostApi(at('docs.html'));
await panelExample(at('panel.html'));
await browser.close();
strict.close();
finish('rule check tests');
