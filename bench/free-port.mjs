// Shared by the benchmarks: a loopback port nothing listens on right now.
import { once } from 'node:events';
import { createServer } from 'node:net';

export async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  return port;
}
