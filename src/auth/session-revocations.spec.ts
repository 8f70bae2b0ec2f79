import type { PromptStore } from '../store/prompt-store.js';
import { SessionRevocations } from './session-revocations.js';

/** The two store methods the revocations use, over a set another replica could write to. */
function fakeStore() {
  const revoked = new Set<string>();
  const calls = { lookups: 0 };
  const store = {
    revokeSession: async (id: string) => void revoked.add(id),
    isSessionRevoked: async (id: string) => {
      calls.lookups++;
      return revoked.has(id);
    },
  };
  return { store: store as unknown as PromptStore, revoked, calls };
}

describe('SessionRevocations', () => {
  const now = 1_000_000;
  const later = now + 60_000;

  it('asks the store every time a session is not known revoked, so a logout on another replica counts at once', async () => {
    const { store, revoked, calls } = fakeStore();
    const revocations = new SessionRevocations(store);
    expect(await revocations.isRevoked('a', later, now)).toBe(false);
    expect(await revocations.isRevoked('a', later, now)).toBe(false);
    revoked.add('a'); // the other replica's logout
    expect(await revocations.isRevoked('a', later, now)).toBe(true);
    expect(calls.lookups).toBe(3);
  });

  it('answers a session it has seen revoked from memory: a replayed logged-out cookie costs no query', async () => {
    const { store, calls } = fakeStore();
    const revocations = new SessionRevocations(store);
    await revocations.revoke('a', later, now);
    expect(await revocations.isRevoked('a', later, now)).toBe(true);
    expect(calls.lookups).toBe(0);
  });

  it('keeps memory bounded: expired and, past the cap, the oldest entries fall back to the store', async () => {
    const { store, calls } = fakeStore();
    const revocations = new SessionRevocations(store);
    await revocations.revoke('short', now + 10, now);
    // 'short' has expired by the next revoke; 1001 live ones are one more than memory holds.
    for (let i = 0; i <= 1000; i++) await revocations.revoke(`s${i}`, later, now + 20);
    expect(await revocations.isRevoked('s1000', later, now + 20)).toBe(true);
    expect(await revocations.isRevoked('s1', later, now + 20)).toBe(true);
    expect(calls.lookups).toBe(0);
    expect(await revocations.isRevoked('s0', later, now + 20)).toBe(true);
    expect(await revocations.isRevoked('short', now + 10, now + 20)).toBe(true);
    expect(calls.lookups).toBe(2);
  });
});
