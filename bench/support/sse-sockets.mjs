// Raw-socket stream subscribers, shared by the load generators that open
// thousands of them (stream-fanout, storm): the request bytes, the source
// address for subscriber i, opening in waves, and spotting a marker in what a
// socket reads without parsing every byte.
import { connect } from 'node:net';

/** Connects in flight at once when opening a crowd (a cold connect, not a storm). */
export const CONNECTS_IN_FLIGHT = 200;
/**
 * Well under the ~28k ephemeral ports of one source address, and under the
 * server's per-address socket cap (at most half its open files limit: 10,000
 * here), which would otherwise refuse the publishing PUT from the same address.
 */
const PER_SOURCE_ADDRESS = 5_000;

/** The loopback source address for subscriber `i`, starting at 127.0.0.`first`. */
export function sourceAddress(i, first = 1) {
  return `127.0.0.${first + Math.floor(i / PER_SOURCE_ADDRESS)}`;
}

/** The bytes of one stream request, as an EventSource sends it (with `Last-Event-ID` on a resume). */
export function streamRequest(host, agent, lastEventId) {
  const resume = lastEventId === undefined ? '' : `Last-Event-ID: ${lastEventId}\r\n`;
  return `GET /api/prompts/stream?agent=${agent} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n${resume}\r\n`;
}

/** A socket to the server at `url` from `localAddress`. */
export function connectTo(url, localAddress) {
  const { hostname, port } = new URL(url);
  return connect({ host: hostname, port: Number(port), localAddress });
}

/** Calls `open(i)` for i < n, `inFlight` at a time; resolves with every result once all have settled. */
export async function inWaves(n, open, inFlight = CONNECTS_IN_FLIGHT) {
  const all = [];
  for (let i = 0; i < n; i += inFlight) {
    const wave = [];
    for (let j = i; j < Math.min(n, i + inFlight); j++) wave.push(open(j));
    all.push(...(await Promise.all(wave)));
  }
  return all;
}

/**
 * A detector for `marker` in a stream of reads: `seen(chunk)` is true when
 * the marker is in this read or across the seam with the previous one.
 */
export function markerWatch(marker) {
  const mark = Buffer.from(marker);
  let tail = Buffer.alloc(0);
  return (chunk) => {
    const seam = tail.length ? Buffer.concat([tail, chunk.subarray(0, mark.length)]) : undefined;
    tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - mark.length)));
    return chunk.includes(mark) || Boolean(seam?.includes(mark));
  };
}
