// End-to-end tests of a contained failure, against the test build (scripts/test builds it with
// `--features test-panic` into target/dist-failure; what ships has no way to fail on request).
// A panic in one widget stops the wasm under every widget of the page; within a second each
// comes back, in the state it had, and only the one that failed says so.
// Usage: node e2e/failure.mjs [test build's dist dir].
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { check, dist, finish, launch, shots } from './harness.mjs';
import { serve } from './serve.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; require-trusted-types-for 'script'";
const strict = await serve(dist, 0, { 'content-security-policy': CSP });
const browser = await launch();
const RESTARTED = 'started again where you left it';

async function open(address) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(`page error: ${e.message}`));
  await page.goto(address);
  await page.waitForFunction(() => [...document.querySelectorAll('vnet-flows')]
    .every((h) => h.shadowRoot?.querySelector('.vf-canvas[role=img]')?.width > 0));
  return page;
}

/** What each widget shows: scenario, configuration and step through the host API, and whether
 * it holds the restart notice. */
const states = (page) => page.evaluate(() => [...document.querySelectorAll('vnet-flows')].map((el) => ({
  scenario: el.scenario,
  config: JSON.stringify(el.config),
  step: el.step,
  notice: el.shadowRoot.querySelector('.vf-notice')?.textContent ?? '',
})));

/** Makes widget `index` fail as a bug would (the test build's `fail_for_test`), after the
 * reader's pointer went there; returns how long until every widget answered again, in ms. */
async function fail(page, index) {
  await page.locator('vnet-flows').nth(index).locator('.vf-summary').click();
  return page.evaluate(async (index) => {
    const hosts = [...document.querySelectorAll('vnet-flows')];
    const before = hosts.map((h) => h.vfWidget);
    const start = performance.now();
    try { hosts[index].vfWidget.fail_for_test(); } catch { /* the trap: the hook has taken over */ }
    while (performance.now() - start < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const back = hosts.every((h, i) => h.vfWidget && h.vfWidget !== before[i]
        && h.shadowRoot.querySelector('.vf-canvas[role=img]')?.width > 0);
      if (back) return performance.now() - start;
    }
    return Infinity;
  }, index);
}

// Only the failure's own report may reach the console: the hook's message and the trap.
const unexpected = (errors) => errors.filter((e) => !e.includes('vnet-flows stopped') && !/unreachable/i.test(e));

// 1. The docs page, under the strict policy with Trusted Types: two widgets, the second fails.
{
  const page = await open(`http://127.0.0.1:${strict.address().port}/docs.html`);
  const [first, second] = [page.locator('vnet-flows').nth(0), page.locator('vnet-flows').nth(1)];
  await first.locator('select[data-key=access]').selectOption('bastion');
  await second.locator('select[data-key=compute_public_ip]').selectOption('on');
  await second.locator('.vf-group[data-direction=inbound] tr.vf-row').first().waitFor();
  await page.evaluate(() => document.querySelectorAll('vnet-flows')[1].setConfig({ egress: 'nat-gateway' }));
  await page.waitForFunction(() => document.querySelectorAll('vnet-flows')[1].config.egress === 'nat-gateway');
  await second.locator('.vf-next').click();
  await second.locator('.vf-next').click();
  await page.waitForFunction(() => document.querySelectorAll('vnet-flows')[1].step === 3, null, { timeout: 3000 }).catch(() => {});
  const before = await states(page);
  check(before[1].step === 3, `docs: the second widget is at step ${before[1].step} before the failure (3)`);
  const took = await fail(page, 1);
  check(took < 1000, `docs: after a panic in the second widget both are back in ${took.toFixed(0)} ms (under a second)`);
  const after = await states(page);
  for (const i of [0, 1]) {
    check(after[i].scenario === before[i].scenario && after[i].config === before[i].config && after[i].step === before[i].step,
      `docs: widget ${i + 1} is back in the state it had (${after[i].scenario}, step ${after[i].step}, ${after[i].config})`);
  }
  check(after[1].notice.includes(RESTARTED) && !after[0].notice.includes(RESTARTED),
    `docs: only the widget that failed says it started again ("${after[1].notice.slice(0, 60)}…"; first: "${after[0].notice}")`);
  // Both work: a change in each shows.
  await first.locator('select[data-key=access]').selectOption('vpn');
  await second.locator('select[data-key=compute_public_ip]').selectOption('off');
  await page.waitForFunction(() => {
    const [a, b] = document.querySelectorAll('vnet-flows');
    return a.config.access === 'vpn' && b.config.compute_public_ip === 'off';
  }, null, { timeout: 3000 }).catch(() => {});
  const changed = await states(page);
  check(changed[0].config.includes('"access":"vpn"') && changed[1].config.includes('"compute_public_ip":"off"'),
    'docs: both widgets take the reader\'s changes after the restart');
  check(await second.locator('.vf-group[data-direction=inbound] tr.vf-row').count() === 0,
    'docs: the restarted widget redraws its table from the new configuration');
  const hashOwner = await page.evaluate(() => location.hash);
  await page.waitForFunction(() => location.hash.includes('vf.access=vpn'), null, { timeout: 3000 }).catch(() => {});
  check((await page.evaluate(() => location.hash)).includes('vf.access=vpn'), `docs: the first widget still keeps its state in the hash (${hashOwner})`);
  const csp = await page.evaluate(() => window.cspViolations ?? []);
  check(unexpected(page.errors).length === 0 && csp.length === 0,
    `docs: no error but the failure's own report (${unexpected(page.errors).join('; ').slice(0, 300)})`);
  await page.screenshot({ path: path.join(shots, 'failure-docs-1280.png') });

  // A second failure right after a restart is not retried: each widget says it stopped, and
  // the static table under it is there again.
  await fail(page, 0);
  await page.waitForTimeout(300);
  const stopped = await page.evaluate(() => [...document.querySelectorAll('vnet-flows')]
    .map((h) => [h.shadowRoot.querySelector('.vf-failure[role=alert]')?.textContent ?? '', h.shadowRoot.querySelector('slot') !== null]));
  check(stopped.every(([text, slot]) => text.includes('Reload the page') && slot),
    `docs: a second failure within seconds leaves a message and the static content in each widget (${stopped.map((s) => s[0].slice(0, 30))})`);
  await page.context().close();
}

// 2. The single file from file://: its one widget comes back in its state.
{
  const page = await open(pathToFileURL(path.join(dist, 'vnet-flows-demo.html')).href);
  const widget = page.locator('vnet-flows');
  await widget.locator('.vf-tab', { hasText: 'Compute' }).click();
  await widget.locator('select[data-key=compute_public_ip]').selectOption('on');
  await page.waitForFunction(() => document.querySelector('vnet-flows').config.compute_public_ip === 'on');
  const before = await states(page);
  const took = await fail(page, 0);
  const after = await states(page);
  check(took < 1000 && after[0].config === before[0].config && after[0].scenario === 'compute',
    `single file: back in ${took.toFixed(0)} ms, in its state (${after[0].scenario}, ${after[0].config})`);
  check(after[0].notice.includes(RESTARTED), 'single file: the widget says it started again');
  // Later (past the five seconds in which a second failure stops the retrying), a host that put
  // something other than text where the state is kept gets a widget that starts as on page load:
  // here from the URL hash, which this widget keeps.
  await page.waitForTimeout(5500);
  const hash = await page.evaluate(() => location.hash);
  await page.evaluate(() => { document.querySelector('vnet-flows').vfRestore = { not: 'a link' }; });
  const again = await fail(page, 0);
  const fresh = await states(page);
  check(again < 1000 && fresh[0].scenario === 'compute' && JSON.parse(fresh[0].config).compute_public_ip === 'on',
    `single file: a state that is not text is ignored; the widget starts from the hash (${hash.slice(0, 40)}…), in ${again.toFixed(0)} ms`);
  // A check in flight when the widget fails: its promise is rejected, and once the widget is
  // back a new check gives its report.
  await page.waitForTimeout(5500);
  const abandoned = await page.evaluate(async () => {
    const el = document.querySelector('vnet-flows');
    // The test build fails while it checks a file of this name (`web/sync.rs`).
    const pending = el.checkRules(new File(['{"securityRules": []}'], 'fail-for-test'));
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000));
    return Promise.race([pending.then(() => 'kept', (error) => `rejected: ${error.message}`), timeout]);
  });
  check(abandoned.startsWith('rejected: vnet-flows: the widget stopped before the check was done'),
    `single file: a check in flight when the widget fails is rejected (${abandoned.slice(0, 70)})`);
  await page.waitForFunction(() => document.querySelector('vnet-flows').vfWidget?.check_rules, null, { timeout: 3000 });
  const later = await page.evaluate(async () => (await document.querySelector('vnet-flows').checkRules('{"securityRules": []}')).flows?.length ?? 0);
  check(later > 0, `single file: once back, a new check gives its report (${later} flows)`);
  check(unexpected(page.errors).length === 0, `single file: no error but the failure's own report (${unexpected(page.errors).join('; ').slice(0, 300)})`);
  await page.context().close();
}

await browser.close();
strict.close();
finish('end-to-end checks of a contained failure');
