// One capacity load-generator process: opens COUNT idle subscribers from
// SOURCE (a 127.0.0.x address; the fd limit and ephemeral ports are per
// process and per address), waits until each has its snapshot, prints one JSON
// line and then holds them, reading nothing more, until stdin closes.
//   node load.mjs URL COUNT SOURCE
import { connect } from 'node:net';

const [url, count, source] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const { hostname, port, host } = new URL(url);
const IN_FLIGHT = 200;
const sockets = [];

function subscribe(i) {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), localAddress: source });
    sockets.push(socket);
    let ready = false;
    socket.on('connect', () =>
      socket.write(`GET /api/prompts/stream?agent=capacity-${source}-${i} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n\r\n`),
    );
    socket.on('data', (chunk) => {
      if (!ready && chunk.includes('event: snapshot')) {
        ready = true;
        resolve(true);
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

const started = performance.now();
let opened = 0;
for (let i = 0; i < count; i += IN_FLIGHT) {
  const wave = [];
  for (let j = i; j < Math.min(count, i + IN_FLIGHT); j++) wave.push(subscribe(j));
  opened += (await Promise.all(wave)).filter(Boolean).length;
}
console.log(JSON.stringify({ opened, failed: count - opened, seconds: (performance.now() - started) / 1000 }));
process.stdin.resume();
process.stdin.on('end', () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
