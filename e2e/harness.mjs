// What both end-to-end suites share: where dist/ and the screenshots are, a check that records
// failures and keeps going, Debian's Chromium, and the ending that reports the failures.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const dist = path.resolve(process.argv[2] || path.join(root, 'dist'));
export const shots = path.join(root, 'target', 'screenshots');
fs.mkdirSync(shots, { recursive: true });

const failures = [];
/** Prints one check; a failed one is remembered and the run goes on. */
export const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

/** Debian's Chromium (or $CHROMIUM), headless, with nothing that talks to the network. */
export const launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Prints the verdict and exits 1 if any check failed. */
export function finish(what) {
  console.log(failures.length ? `\n${failures.length} end-to-end check(s) failed` : `\nall ${what} passed`);
  process.exit(failures.length ? 1 : 0);
}
