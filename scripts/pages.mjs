// Builds the pages Trunk does not build, into dist/ (after `trunk build`):
//
// - docs.html (an example docs page with two widgets), docs-hostile.html (the same page with a
//   deliberately hostile stylesheet) and panel.html (a mock studio help panel, 360 px, dark);
//   inside each <vnet-flows>, the `<!-- vnet-flows-static -->` comment becomes the static
//   picture and table the command line draws for that element's scenario and config, so readers
//   without JavaScript still get them;
// - vnet-flows-demo.html: one file with the wasm (gzip, base64), the JS and the CSS inline,
//   which fetches nothing and works from file:// (it has no static fallback: it is the
//   interactive demo, and the fallback would add a third to its size).
//
// Usage: node scripts/pages.mjs DIST CLI...   (CLI...: the command that runs the `vnet-flows`
// command line, e.g. `cargo run --quiet --locked --bin vnet-flows --`)

import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const [dist, ...cli] = process.argv.slice(2);
if (!dist || cli.length === 0) {
  console.error('usage: node scripts/pages.mjs DIST CLI...');
  process.exit(2);
}
const www = fileURLToPath(new URL('../www/', import.meta.url));

function fail(message) {
  console.error(`pages.mjs: ${message}`);
  process.exit(1);
}

// Character references an attribute value in these pages may use.
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (text) => text.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, name) =>
  name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : ENTITIES[name]);

// The attributes of one start tag, as a map: double-quoted, single-quoted or bare values.
function attributes(tag) {
  const found = new Map();
  for (const m of tag.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    found.set(m[1], unescape(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return found;
}

// The static content for a <vnet-flows> start tag: the diagram, then the table. The command
// line reads the config attribute with the widget's own parser (--config).
function staticContent(tag, width) {
  const attrs = attributes(tag.slice('<vnet-flows'.length, -1));
  const scenario = attrs.get('scenario') ?? 'studio';
  const config = ['--config', attrs.get('config') ?? ''];
  const run = (args) => {
    try {
      return execFileSync(cli[0], [...cli.slice(1), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      fail(`\`vnet-flows ${args.join(' ')}\` failed: ${error.stderr || error.message}`);
    }
  };
  const svg = run(['diagram', '--scenario', scenario, ...config, '--format', 'svg', '--width', String(width)]);
  const table = run(['rules', '--scenario', scenario, ...config, '--format', 'html']);
  return `<div class="vf-static">\n<figure>${svg.trim()}</figure>\n${table}</div>`;
}

// Replaces each element's placeholder with its static content.
function fill(html, width) {
  let count = 0;
  const out = html.replace(/(<vnet-flows\b[^>]*>)(\s*)<!-- vnet-flows-static -->/g, (_, tag, space) => {
    count += 1;
    return `${tag}${space}${staticContent(tag, width)}`;
  });
  return { html: out, count };
}

function page(name, width, edit = (html) => html, out = name) {
  const { html, count } = fill(readFileSync(join(www, name), 'utf8'), width);
  if (count === 0) fail(`${name} has no <!-- vnet-flows-static --> placeholder`);
  writeFileSync(join(dist, out), edit(html));
  return count;
}

for (const file of ['docs.css', 'panel.css', 'panel.js', 'hostile.css']) copyFileSync(join(www, file), join(dist, file));
page('docs.html', 960);
page(
  'docs.html',
  960,
  (html) => html.replace('<link rel="stylesheet" href="docs.css">', '$&\n  <link rel="stylesheet" href="hostile.css">'),
  'docs-hostile.html',
);
page('panel.html', 340);

// The single file. The glue imports the element's class from a wasm-bindgen snippet; both are
// ES modules, so they are joined into one inline module without imports or exports. The glue
// sits in a function, so that after a failure a call makes a fresh copy of it with its own wasm
// instance (see element.js); the element's code stays outside, shared by every copy.
const glue = readFileSync(join(dist, 'vnet-flows-widget.js'), 'utf8');
const snippetImport = /^import \{ [\w, ]+ \} from '\.\/(snippets\/[^']+)';$/m;
const match = glue.match(snippetImport);
if (!match) fail('the glue does not import the element\'s functions from a snippet as expected');
const element = readFileSync(join(dist, match[1]), 'utf8').replace(/^export function /gm, 'function ');
const loading = readFileSync(join(www, 'loading.js'), 'utf8').replace(/^export default function loading/m, 'function loading');
const glueBody = glue.replace(snippetImport, '').replace(/^export \{[^}]*\};?$/gm, '').replace(/^export (function|class|const|let) /gm, '$1 ');
let script = `${element}\n// A fresh copy of the glue; returns its init function.\nfunction glueCopy() {\n${glueBody}\nreturn __wbg_init;\n}\n`;
if (/^\s*(import|export)\b/m.test(script)) fail('an import or export is left in the single-file script');
if (/<\/script|<!--/i.test(script)) fail('the single-file script holds text that would end its <script> element');

const wasm = readFileSync(join(dist, 'vnet-flows-widget_bg.wasm'));
const packed = gzipSync(wasm, { level: 9 }).toString('base64');
script += `
${loading}
// The wasm, gzipped and in base64: unpacked in the browser, nothing is fetched.
const hooks = loading();
hooks.onStart();
try {
  const packed = Uint8Array.from(atob(WASM_GZIP_BASE64), (c) => c.charCodeAt(0));
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
  const module = await WebAssembly.compile(await new Response(stream).arrayBuffer());
  const wasm = await glueCopy()({ module_or_path: module });
  customElements.get('vnet-flows')?.useRestart(() => glueCopy()({ module_or_path: module }));
  hooks.onSuccess(wasm);
} catch (error) {
  hooks.onFailure(error);
}
`;
const single = readFileSync(join(www, 'single.html'), 'utf8')
  .replace('/* vnet-flows: page style */', () => readFileSync(join(www, 'demo.css'), 'utf8'))
  .replace('/* vnet-flows: script */', () => `const WASM_GZIP_BASE64 = '${packed}';\n${script}`);
writeFileSync(join(dist, 'vnet-flows-demo.html'), single);

const size = (file) => statSync(join(dist, file)).size;
const singleSize = size('vnet-flows-demo.html');
console.log(`pages: docs.html, docs-hostile.html, panel.html; single file vnet-flows-demo.html: ${singleSize} bytes`);
// The single file is meant to be mailed. The widget alone stayed under 400 KB; with the export
// menu (+151 KB of wasm, +63 KB gzip) and the error search (+47 KB, +19 KB gzip) it reached
// 522 KB, and with the rule check (the readers and the panel: +176 KB, +74 KB gzip) 630 KB. The
// guard is 640 KB; loading rules as code as a module of its own, on demand, is the way to bring
// both the docs page's first load and this file back down.
if (singleSize >= 640 * 1024) fail(`the single file is ${singleSize} bytes, over the 640 KB it should stay under`);
// Sanity: no page links to anything outside dist/.
for (const file of readdirSync(dist).filter((f) => f.endsWith('.html'))) {
  const text = readFileSync(join(dist, file), 'utf8');
  if (/(src|href)="(https?:)?\/\/(?!github\.com\/)/.test(text)) fail(`${file} links outside the page's own origin`);
}
