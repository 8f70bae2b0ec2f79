// The baseline: the smallest honest node:http SSE broadcaster. No framework, no
// store; a PUT serialises one event once and writes it to every open stream.
// GET /api/prompts answers the state with its revision as ETag, or 304 when
// If-None-Match names it (the poll benchmark's baseline).
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
const streams = new Set();
let revision = 0;
const prompts = {};

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url.startsWith('/api/prompts/stream')) return subscribe(res);
  if (req.method === 'PUT' && req.url.startsWith('/api/prompts/')) return publish(req, res);
  if (req.method === 'GET' && req.url === '/api/prompts') return list(req, res);
  if (req.method === 'GET' && req.url === '/api/prompts?format=flat') return flat(res);
  res.writeHead(404).end();
});

function subscribe(res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform' });
  res.write(`retry: 3000\n\nid: ${revision}\nevent: snapshot\ndata: {"revision":${revision},"prompts":{}}\n\n`);
  streams.add(res);
  res.on('close', () => streams.delete(res));
}

function list(req, res) {
  const etag = `"${revision}"`;
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, { ETag: etag }).end();
  res.writeHead(200, { 'Content-Type': 'application/json', ETag: etag }).end(JSON.stringify({ revision, prompts }));
}

// The seed's legacy read: the whole {KEY: text} object, no ETag.
function flat(res) {
  const body = JSON.stringify(Object.fromEntries(Object.entries(prompts).map(([key, p]) => [key, p.text])));
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
}

function publish(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const { text } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    revision += 1;
    const key = req.url.slice('/api/prompts/'.length);
    const data = { revision, key, version: revision, text, updatedAt: new Date().toISOString(), author: 'bench' };
    prompts[key] = { text, version: revision, updatedAt: data.updatedAt };
    const bytes = Buffer.from(`id: ${revision}\nevent: prompt.updated\ndata: ${JSON.stringify(data)}\n\n`);
    for (const s of streams) s.write(bytes);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ revision }));
  });
}

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  for (const s of streams) s.destroy();
  server.close(() => process.exit(0));
});
