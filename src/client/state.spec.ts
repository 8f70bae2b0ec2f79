import type { StreamEvent } from './events.js';
import { applyEvent, defaultsState, diffStates, textOf, type HeldState, type StateScope } from './state.js';

const at = '2025-01-01T00:00:00.000Z';
const all: StateScope = { keys: undefined, defaults: { A: 'default A' } };

function server(revision: number, prompts: Record<string, string>): HeldState {
  return {
    source: 'server',
    revision,
    prompts: Object.fromEntries(Object.entries(prompts).map(([k, text]) => [k, { text, version: 1, updatedAt: at }])),
  };
}

const updated = (revision: number, key: string, text: string): StreamEvent => ({
  type: 'prompt.updated',
  revision,
  key,
  text,
  version: revision,
  updatedAt: at,
  author: 'x',
});

describe('applyEvent', () => {
  it('applies a newer update and ignores any revision not newer than the one held', () => {
    const held = server(5, { A: 'five' });
    expect(applyEvent(held, updated(6, 'A', 'six'), all)?.prompts.A.text).toBe('six');
    expect(applyEvent(held, updated(5, 'A', 'again'), all)).toBeUndefined();
    expect(applyEvent(held, updated(4, 'A', 'old'), all)).toBeUndefined();
    expect(applyEvent(held, { type: 'snapshot', revision: 5, prompts: {} }, all)).toBeUndefined();
  });

  it('replaces the whole state on a snapshot: keys absent from it are gone', () => {
    const next = applyEvent(
      server(5, { A: 'a', B: 'b' }),
      { type: 'snapshot', revision: 9, prompts: { B: { text: 'b2', version: 2, updatedAt: at } } },
      all,
    );
    expect(next).toEqual({ source: 'server', revision: 9, prompts: { B: { text: 'b2', version: 2, updatedAt: at } } });
  });

  it('removes a deleted key', () => {
    expect(applyEvent(server(5, { A: 'a' }), { type: 'prompt.deleted', revision: 6, key: 'A' }, all)).toEqual(server(6, {}));
  });

  it('lets any snapshot replace cache or defaults, whatever its revision, but no increment', () => {
    const cache: HeldState = { ...server(50, { A: 'cached' }), source: 'cache' };
    expect(applyEvent(cache, { type: 'snapshot', revision: 3, prompts: {} }, all)?.revision).toBe(3);
    expect(applyEvent(cache, updated(51, 'A', 'x'), all)).toBeUndefined();
    expect(applyEvent(defaultsState(), updated(1, 'A', 'x'), all)).toBeUndefined();
    expect(applyEvent(undefined, updated(1, 'A', 'x'), all)).toBeUndefined();
  });

  it('keeps only followed keys, but still advances the revision for others', () => {
    const scope: StateScope = { keys: new Set(['A']), defaults: {} };
    const snap = applyEvent(
      undefined,
      { type: 'snapshot', revision: 2, prompts: { A: { text: 'a', version: 1, updatedAt: at }, B: { text: 'b', version: 1, updatedAt: at } } },
      scope,
    );
    expect(Object.keys(snap?.prompts ?? {})).toEqual(['A']);
    expect(applyEvent(snap, updated(3, 'B', 'b'), scope)).toEqual({ ...snap, revision: 3 });
  });

  it('moves only the revision on a newer heartbeat, and only on top of a server state', () => {
    const held = server(1, { A: 'a' });
    expect(applyEvent(held, { type: 'heartbeat', revision: 9 }, all)).toEqual({ ...held, revision: 9 });
    expect(applyEvent(held, { type: 'heartbeat', revision: 1 }, all)).toBeUndefined();
    expect(applyEvent(defaultsState(), { type: 'heartbeat', revision: 9 }, all)).toBeUndefined();
  });
});

describe('diffStates', () => {
  it('reports one change per key whose visible text changed, defaults included', () => {
    const before = server(1, { A: 'a', B: 'b', C: 'c' });
    const after = server(2, { B: 'b', C: 'c2', D: 'd' });
    expect(diffStates(before, after, all)).toEqual([
      { key: 'A', text: 'default A', revision: 2, version: undefined, deleted: true, source: 'server', variables: {} },
      { key: 'C', text: 'c2', revision: 2, version: 1, deleted: false, source: 'server', variables: {} },
      { key: 'D', text: 'd', revision: 2, version: 1, deleted: false, source: 'server', variables: {} },
    ]);
  });

  it('reports nothing when only the version or source changed', () => {
    expect(diffStates({ ...server(1, { A: 'same' }), source: 'cache' }, server(2, { A: 'same' }), all)).toEqual([]);
  });

  it('reports a key whose declared variables changed with its text the same: render fills it differently now', () => {
    const before = server(1, { A: 'Hi {{n}}' });
    const after: HeldState = { ...server(2, { A: 'Hi {{n}}' }) };
    after.prompts = { A: { ...after.prompts.A, variables: { n: { default: 'there' } } } };
    expect(diffStates(before, after, all)).toEqual([
      { key: 'A', text: 'Hi {{n}}', variables: { n: { default: 'there' } }, revision: 2, version: 1, deleted: false, source: 'server' },
    ]);
  });

  it('reports a key deleted without a default as text undefined', () => {
    expect(diffStates(server(1, { B: 'b' }), server(2, {}), all)).toEqual([
      { key: 'B', text: undefined, revision: 2, version: undefined, deleted: true, source: 'server', variables: {} },
    ]);
  });
});

describe('textOf', () => {
  it('answers the held text, else the default, else undefined', () => {
    expect(textOf(server(1, { A: 'held' }), 'A', all)).toBe('held');
    expect(textOf(server(1, {}), 'A', all)).toBe('default A');
    expect(textOf(undefined, 'Z', all)).toBeUndefined();
  });
});
