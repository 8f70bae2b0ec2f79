// Load generator: opens N subscribers to one server (most as raw sockets that
// only spot the event, a sample parsing every event), then publishes M updates
// one at a time through PUT and times each from the PUT until the last
// subscriber has it. Prints one JSON line with the figures.
import { createParser } from 'eventsource-parser';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssBytes } from '../support/processes.mjs';
import { connectTo, inWaves, markerWatch, sourceAddress, streamRequest } from '../support/sse-sockets.mjs';
import { percentile as pct } from '../support/stats.mjs';

const [url, n, m, serverPid, parsers] = [process.argv[2], ...process.argv.slice(3).map(Number)];
const { host } = new URL(url);

let round = 0;
let pending = 0;
let firstAt = 0;
let onRoundDone = () => {};
const subscribers = [];

/** One subscriber; resolves once its snapshot arrived. Counts `prompt.updated` events it sees. */
function subscribe(i, parse) {
  return new Promise((resolve, reject) => {
    const socket = connectTo(url, sourceAddress(i));
    const sub = { seen: 0, ids: [], ready: false };
    const updated = markerWatch('event: prompt.updated');
    const parser =
      parse &&
      createParser({
        onEvent: (e) => {
          if (e.event === 'prompt.updated') sub.ids.push(Number(e.id));
        },
      });
    socket.on('connect', () => socket.write(streamRequest(host, `bench-${i}`)));
    socket.on('data', (chunk) => {
      if (parser) parser.feed(chunk.toString('utf8'));
      if (!sub.ready) {
        if (chunk.includes('event: snapshot')) {
          sub.ready = true;
          resolve(sub);
        }
        return;
      }
      if (updated(chunk)) arrived(sub);
    });
    socket.on('error', reject);
    subscribers.push(socket);
  });
}

function arrived(sub) {
  if (sub.seen === round) return;
  sub.seen = round;
  if (firstAt === 0) firstAt = performance.now();
  if (--pending === 0) onRoundDone();
}

function openAll() {
  return inWaves(n, (i) => subscribe(i, i < parsers));
}

async function publishOnce(text) {
  round += 1;
  pending = n;
  firstAt = 0;
  const done = new Promise((resolve) => {
    onRoundDone = resolve;
  });
  const t0 = performance.now();
  const res = await fetch(`${url}/api/prompts/BENCH`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`PUT answered ${res.status}`);
  await res.arrayBuffer();
  const answeredAt = performance.now();
  await done;
  const lastAt = performance.now();
  return { e2e: lastAt - t0, spread: lastAt - firstAt, put: answeredAt - t0 };
}

async function main() {
  const rssBefore = rssBytes(serverPid);
  const t = performance.now();
  const subs = await openAll();
  const connectSeconds = (performance.now() - t) / 1000;
  // Let the connect burst's garbage settle before reading the idle footprint.
  await sleep(1000);
  const rssIdle = rssBytes(serverPid);
  const text = 'You are Friday, a helpful voice assistant. '.repeat(24); // ~1 KB, a typical prompt
  for (let w = 0; w < 3; w++) await publishOnce(`warm-up ${w} ${text}`);
  const rounds = [];
  for (let i = 0; i < m; i++) rounds.push(await publishOnce(`update ${i} ${text}`));
  const sample = subs.filter((_, i) => i < parsers);
  const ordered = sample.every((s) => s.ids.length === m + 3 && s.ids.every((id, k) => k === 0 || id === s.ids[k - 1] + 1));
  const e2e = rounds.map((r) => r.e2e);
  const spread = rounds.map((r) => r.spread);
  const put = rounds.map((r) => r.put);
  console.log(
    JSON.stringify({
      n,
      m,
      connectSeconds,
      e2e: { p50: pct(e2e, 50), p99: pct(e2e, 99), max: Math.max(...e2e) },
      spread: { p50: pct(spread, 50), p99: pct(spread, 99), max: Math.max(...spread) },
      put: { p50: pct(put, 50), p99: pct(put, 99) },
      rssPerSubscriber: (rssIdle - rssBefore) / n,
      rssBefore,
      rssIdle,
      sampleInOrder: ordered,
      sampleSize: sample.length,
    }),
  );
  for (const s of subscribers) s.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
