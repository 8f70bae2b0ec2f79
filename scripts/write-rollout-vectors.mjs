// Writes clients/rollout-vectors.json from the TypeScript implementation of
// the rollout assignment (src/protocol/rollouts.ts, built into dist/): the
// vectors every client in another language checks itself against.
//   npm run build && node scripts/write-rollout-vectors.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const { rolloutBucket } = await import(join(root, 'dist', 'protocol', 'rollouts.js'));

const ROLLOUTS = ['rollout-1', 'rollout-42', 'rollout-9999', 'r'];
// Plain ids, the longest allowed, and non-ASCII ones (the hash is over UTF-8 bytes).
const SESSIONS = ['a', 'session-1', 'room-7f3a', 'x'.repeat(128), 'café-☕', '日本語-セッション', 'emoji-🎙️', 'with:colon', 'CAPS_and-dash.dot'];

const vectors = [];
for (const rolloutId of ROLLOUTS)
  for (const sessionId of SESSIONS) vectors.push({ rolloutId, sessionId, bucket: rolloutBucket(rolloutId, sessionId) });
for (let i = 0; i < 80; i += 1) {
  const rolloutId = `rollout-${(i % 5) + 1}`;
  const sessionId = `call-${i}`;
  vectors.push({ rolloutId, sessionId, bucket: rolloutBucket(rolloutId, sessionId) });
}
const rule =
  'bucket = first 4 bytes (big-endian unsigned) of SHA-256 of the UTF-8 string rolloutId + ":" + sessionId, modulo 10000; ' +
  'the session gets the candidate iff bucket < percent * 100';
writeFileSync(join(root, 'clients', 'rollout-vectors.json'), `${JSON.stringify({ rule, vectors }, null, 1)}\n`);
console.log(`wrote ${vectors.length} vectors`);
