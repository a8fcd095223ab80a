// Lighthouse's accessibility and best-practices audits of the docs page and the help panel, served
// from dist/ with the strict content security policy (and Trusted Types) the README gives hosts.
// Prints a table row per page and lists every audit that did not pass; appends the rows to
// target/bench/lighthouse.md. Usage: node bench/lighthouse.mjs [dist].
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serve } from '../e2e/serve.mjs';

const dist = path.resolve(process.argv[2] || 'dist');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; require-trusted-types-for 'script'";
const server = await serve(dist, 0, { 'content-security-policy': CSP });
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

const rows = [];
const failed = [];
try {
  for (const [page, formFactor] of [['docs.html', 'desktop'], ['panel.html', 'desktop'], ['docs.html', 'mobile']]) {
    const url = `http://127.0.0.1:${server.address().port}/${page}`;
    const desktop = formFactor === 'desktop';
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['accessibility', 'best-practices'],
      formFactor,
      screenEmulation: desktop
        ? { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false }
        : { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
    });
    const { categories, audits } = result.lhr;
    const score = (id) => Math.round(categories[id].score * 100);
    rows.push(`| ${page} (${formFactor}) | ${score('accessibility')} | ${score('best-practices')} |`);
    for (const category of Object.values(categories)) {
      for (const ref of category.auditRefs) {
        const audit = audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          failed.push(`${page} (${formFactor}), ${category.title}: ${audit.id}: ${audit.title}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}

const table = ['| page | accessibility | best practices |', '|---|---|---|', ...rows].join('\n');
console.log(table);
console.log(failed.length ? `\naudits that did not pass:\n${failed.join('\n')}` : '\nevery weighted audit passed');
fs.mkdirSync('target/bench', { recursive: true });
fs.writeFileSync('target/bench/lighthouse.md', `${table}\n`);
