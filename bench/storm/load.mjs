// Load generator for the reconnect storm (runs pinned on its own core).
//   node load.mjs cold URL N FIRST_ADDRESS
//     opens N subscribers in waves (as stream-fanout does) and prints the time
//     until the last one has its first event: the cold-connect baseline.
//   node load.mjs storm URL N R PARSERS FIRST_ADDRESS RETRY_INITIAL_MS RETRY_MAX_MS TIMEOUT_S
//     opens N subscribers, waits until each holds revision R, prints
//     {"connected": …}, then behaves as a real client: when its stream ends it
//     retries (the product's full-jitter backoff, protocol/backoff.ts, with
//     these bounds) until the server answers 200, sending `Last-Event-ID:` the
//     last id it saw, and must then receive revision R + 1 (replay, snapshot or
//     live). The first PARSERS subscribers feed every byte to eventsource-parser
//     and check the ids for a gap. Prints one JSON line when all have R + 1 or
//     TIMEOUT_S after the first stream ended. Times are epoch ms
//     (performance.timeOrigin + performance.now()), comparable across processes.
import { createParser } from 'eventsource-parser';
import { backoffDelay } from '../../dist/protocol/backoff.js';
import { connectTo, inWaves, sourceAddress, streamRequest } from '../support/sse-sockets.mjs';
import { percentile } from '../support/stats.mjs';

const [mode, url, ...rest] = process.argv.slice(2);
const { host } = new URL(url);
const now = () => performance.timeOrigin + performance.now();
// Every event's id line, heartbeats and snapshots included: any of them is safe to resume from.
const ID_LINE = /\nid: (\d+)\r?\n/g;

/** The highest id in what a socket has read so far (`carry` keeps a line split across reads whole). */
function idReader() {
  let carry = '';
  let last = -1;
  return (chunk) => {
    const text = carry + chunk.toString('latin1');
    for (const m of text.matchAll(ID_LINE)) last = Math.max(last, Number(m[1]));
    carry = text.slice(-32);
    return last;
  };
}

async function cold(n, first) {
  const sockets = [];
  const t0 = performance.now();
  const opened = await inWaves(n, (i) => {
    const socket = connectTo(url, sourceAddress(i, first));
    sockets.push(socket);
    const ids = idReader();
    return new Promise((resolve) => {
      socket.on('connect', () => socket.write(streamRequest(host, `cold-${i}`)));
      socket.on('data', (chunk) => {
        if (ids(chunk) >= 0) resolve(true);
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
  });
  const connectSeconds = (performance.now() - t0) / 1000;
  for (const s of sockets) s.destroy();
  return { mode, n, opened: opened.filter(Boolean).length, connectSeconds };
}

async function storm(n, revision, parsers, first, bounds, timeoutS) {
  const target = revision + 1;
  let stopping = false;
  let resumed = 0;
  let firstClosedAt;
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  const subs = [];
  const counts = { attempts: 0, refused: 0, connections: 0 };

  function connectOnce(sub, onReady) {
    counts.attempts += 1;
    const socket = connectTo(url, sourceAddress(sub.i, first));
    sub.socket = socket;
    const ids = idReader();
    let answered = false;
    let parser;
    socket.on('connect', () => socket.write(streamRequest(host, `storm-${sub.i}`, sub.lastId >= 0 ? sub.lastId : undefined)));
    socket.on('data', (chunk) => {
      if (!answered) {
        answered = true;
        // A server that is shutting down (503) or over a budget (429) answers and keeps the socket: try again.
        if (!chunk.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 200')) {
          counts.refused += 1;
          socket.destroy();
          return;
        }
        counts.connections += 1;
        sub.attempt = 0;
        if (sub.events) {
          const events = [];
          sub.events.push({ sentLastEventId: sub.lastId, events });
          parser = createParser({ onEvent: (e) => events.push({ id: Number(e.id), event: e.event }) });
        }
      }
      // The HTTP head and chunk-size lines are not SSE; the parser skips them as unknown fields.
      parser?.feed(chunk.toString('utf8'));
      sub.lastId = Math.max(sub.lastId, ids(chunk));
      if (onReady && sub.lastId >= revision) {
        onReady();
        onReady = undefined;
      }
      if (sub.resumedAt === undefined && sub.lastId >= target) {
        sub.resumedAt = now();
        if (++resumed === n) finish();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (stopping) return;
      sub.closes += 1;
      if (firstClosedAt === undefined) {
        firstClosedAt = now();
        setTimeout(finish, timeoutS * 1000).unref();
      }
      setTimeout(() => connectOnce(sub, onReady), backoffDelay(sub.attempt++, bounds, Math.random));
    });
  }

  const t0 = performance.now();
  let ready = 0;
  const progress = setInterval(
    () => process.stderr.write(`  storm load: ${ready}/${n} connected, ${counts.attempts} attempts, ${counts.refused} refused\n`),
    5000,
  );
  await inWaves(
    n,
    (i) =>
      new Promise((resolve) => {
        const sub = { i, lastId: -1, attempt: 0, closes: 0, resumedAt: undefined, events: i < parsers ? [] : undefined };
        subs.push(sub);
        connectOnce(sub, () => {
          ready += 1;
          resolve();
        });
      }),
  );
  clearInterval(progress);
  const connectSeconds = (performance.now() - t0) / 1000;
  counts.attempts = 0;
  counts.refused = 0;
  counts.connections = 0;
  console.log(JSON.stringify({ connected: n, connectSeconds }));

  await finished;
  stopping = true;
  for (const s of subs) s.socket.destroy();
  const times = subs.filter((s) => s.resumedAt !== undefined).map((s) => s.resumedAt);
  return {
    mode,
    n,
    revision,
    connectSeconds,
    resumed,
    firstClosedAt,
    p50ResumedAt: times.length ? percentile(times, 50) : undefined,
    lastResumedAt: times.length ? Math.max(...times) : undefined,
    ...counts,
    sample: checkSample(
      subs.filter((s) => s.events),
      revision,
    ),
  };
}

/**
 * No gap in a parsing subscriber: every resume sent the last id it had seen,
 * and the first event after R is R + 1 (a change, or a snapshot that holds it).
 */
function checkSample(sample, revision) {
  let ok = 0;
  let viaSnapshot = 0;
  const bad = [];
  for (const sub of sample) {
    const all = sub.events.flatMap((c) => c.events);
    const heldBefore = sub.events.every((c, k) => k === 0 || c.sentLastEventId >= revision);
    const after = all.filter((e) => e.id > revision);
    const good = heldBefore && after.length > 0 && after[0].id === revision + 1 && ['prompt.updated', 'snapshot'].includes(after[0].event);
    if (good) ok += 1;
    else bad.push({ i: sub.i, connections: sub.events.map((c) => ({ sent: c.sentLastEventId, events: c.events.slice(0, 4) })) });
    if (after[0]?.event === 'snapshot') viaSnapshot += 1;
  }
  return { size: sample.length, ok, viaSnapshot, bad: bad.slice(0, 3) };
}

async function main() {
  if (mode === 'cold') {
    const [n, first] = rest.map(Number);
    console.log(JSON.stringify(await cold(n, first)));
  } else if (mode === 'storm') {
    const [n, revision, parsers, first, initialMs, maxMs, timeoutS] = rest.map(Number);
    console.log(JSON.stringify(await storm(n, revision, parsers, first, { initialMs, maxMs }, timeoutS)));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
