// A static file server for dist/ on 127.0.0.1, for the end-to-end tests and the run command.
// Usage: node e2e/serve.mjs [dir] [port]  (port 0 picks a free one). Prints the address.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
};

export function serve(dir, port = 0, headers = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let file;
    try {
      file = path.join(root, decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname));
    } catch {
      res.writeHead(400).end('bad path');
      return;
    }
    if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403).end(); return; }
    // Pages without an icon link make the browser ask for one: answer with nothing, not a 404.
    if (file === path.join(root, 'favicon.ico')) { res.writeHead(204).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', ...headers });
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  const server = await serve(process.argv[2] || 'dist', Number(process.argv[3] || 8080));
  console.log(`vnet-flows demo: http://127.0.0.1:${server.address().port}/`);
}
