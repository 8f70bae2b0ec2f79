import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inCandidate, rolloutBucket } from './rollouts.js';

/** The shared vectors: the Python client's suite reads the same file (clients/rollout-vectors.json). */
interface Vectors {
  rule: string;
  vectors: { rolloutId: string; sessionId: string; bucket: number }[];
}
const VECTORS_FILE = join(process.cwd(), 'clients', 'rollout-vectors.json');

/** The rule written out again, independently of the implementation: 4 bytes big-endian, by hand. */
function byHand(rolloutId: string, sessionId: string): number {
  const d = createHash('sha256')
    .update(Buffer.from(`${rolloutId}:${sessionId}`, 'utf8'))
    .digest();
  return ((d[0] * 2 ** 24 + d[1] * 2 ** 16 + d[2] * 2 ** 8 + d[3]) >>> 0) % 10_000;
}

describe('rolloutBucket', () => {
  it('matches the specified hash for 10,000 session ids', () => {
    for (let i = 0; i < 10_000; i += 1) {
      const sessionId = `room-${i}-${(i * 7919).toString(36)}`;
      expect(rolloutBucket('rollout-42', sessionId)).toBe(byHand('rollout-42', sessionId));
    }
  });

  it('agrees with the committed vectors that the Python client checks too, unicode ids included', () => {
    const file = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as Vectors;
    expect(file.vectors.length).toBeGreaterThanOrEqual(100);
    for (const v of file.vectors) expect(rolloutBucket(v.rolloutId, v.sessionId)).toBe(v.bucket);
    expect(file.vectors.some((v) => [...v.sessionId].some((c) => (c.codePointAt(0) ?? 0) > 127))).toBe(true);
  });

  it('puts about the asked share of sessions on the candidate, and raising the percent moves none back', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `session-${i}`);
    const at10 = ids.filter((id) => inCandidate('rollout-7', id, 10));
    expect(at10.length / ids.length).toBeGreaterThanOrEqual(0.08);
    expect(at10.length / ids.length).toBeLessThanOrEqual(0.12);
    const at30 = new Set(ids.filter((id) => inCandidate('rollout-7', id, 30)));
    expect(at10.every((id) => at30.has(id))).toBe(true);
    expect(ids.filter((id) => inCandidate('rollout-7', id, 0))).toEqual([]);
    expect(ids.every((id) => inCandidate('rollout-7', id, 100))).toBe(true);
  });
});
