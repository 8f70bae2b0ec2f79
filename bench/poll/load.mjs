// Load generator for the poll benchmark (runs pinned on its own core):
// autocannon against one URL with fixed headers; prints one JSON line.
//   node load.mjs URL SECONDS CONNECTIONS [If-None-Match] [headers as JSON]
import autocannon from 'autocannon';

const [url, seconds, connections, etag, extra] = process.argv.slice(2);
const result = await autocannon({
  url,
  duration: Number(seconds),
  connections: Number(connections),
  headers: { ...(extra ? JSON.parse(extra) : {}), ...(etag ? { 'if-none-match': etag } : {}) },
});
const statuses = {
  '2xx': result['2xx'],
  '3xx': result['3xx'],
  '4xx': result['4xx'],
  '5xx': result['5xx'],
  errors: result.errors,
  timeouts: result.timeouts,
};
console.log(
  JSON.stringify({
    requests: result.requests.total,
    perSecond: result.requests.average,
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    latency: { p50: result.latency.p50, p99: result.latency.p99 },
    statuses,
  }),
);
