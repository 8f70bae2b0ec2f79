import type { StreamEvent } from './events.js';
import { inCandidate, type RolloutOffer } from '../protocol/rollouts.js';
import { applyEvent, defaultsState, diffStates, resolvePrompt, textOf, type HeldState, type StateScope } from './state.js';

const at = '2025-01-01T00:00:00.000Z';
const all: StateScope = { keys: undefined, defaults: { A: 'default A' } };

function server(revision: number, prompts: Record<string, string>): HeldState {
  return {
    source: 'server',
    revision,
    prompts: Object.fromEntries(Object.entries(prompts).map(([k, text]) => [k, { text, version: 1, updatedAt: at, rollout: null }])),
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
      { type: 'snapshot', revision: 9, prompts: { B: { text: 'b2', version: 2, updatedAt: at, rollout: null } } },
      all,
    );
    expect(next).toEqual({ source: 'server', revision: 9, prompts: { B: { text: 'b2', version: 2, updatedAt: at, rollout: null } } });
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
      { key: 'A', text: 'default A', revision: 2, version: undefined, deleted: true, source: 'server', variables: {}, rollout: null },
      { key: 'C', text: 'c2', revision: 2, version: 1, deleted: false, source: 'server', variables: {}, rollout: null },
      { key: 'D', text: 'd', revision: 2, version: 1, deleted: false, source: 'server', variables: {}, rollout: null },
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
      {
        key: 'A',
        text: 'Hi {{n}}',
        variables: { n: { default: 'there' } },
        revision: 2,
        version: 1,
        deleted: false,
        source: 'server',
        rollout: null,
      },
    ]);
  });

  it('reports a key deleted without a default as text undefined', () => {
    expect(diffStates(server(1, { B: 'b' }), server(2, {}), all)).toEqual([
      { key: 'B', text: undefined, revision: 2, version: undefined, deleted: true, source: 'server', variables: {}, rollout: null },
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

describe('rollouts in the held state', () => {
  const offer: RolloutOffer = {
    id: 'r-42',
    percent: 30,
    apply: 'live',
    candidate: { version: 2, text: 'cand {{n}}', variables: { n: { default: 'c' } } },
  };
  const withOffer = (revision: number, rollout: RolloutOffer | null): HeldState => ({
    source: 'server',
    revision,
    prompts: { A: { text: 'base', version: 1, updatedAt: at, variables: {}, rollout } },
  });
  const step = (revision: number, rollout: RolloutOffer | null, extra: Partial<StreamEvent> = {}): StreamEvent =>
    ({ ...updated(revision, 'A', 'base'), version: 1, rollout, ...extra }) as StreamEvent;
  // Session ids on each side of the 30 % line, found by the specified hash rather than assumed.
  const ids = Array.from({ length: 200 }, (_, i) => `call-${i}`);
  const canary = ids.find((id) => inCandidate(offer.id, id, offer.percent))!;
  const control = ids.find((id) => !inCandidate(offer.id, id, offer.percent))!;

  it('keeps the offer a prompt.updated carries, and drops it when the next one carries none (an abort)', () => {
    const started = applyEvent(withOffer(1, null), step(2, offer), all)!;
    expect(started.prompts.A.rollout).toEqual(offer);
    expect(applyEvent(started, step(3, null), all)!.prompts.A.rollout).toBeNull();
  });

  it('resolves the candidate for a session in the slice, the baseline for the others and without a session id', () => {
    const held = withOffer(2, offer);
    expect(resolvePrompt(held, 'A', all, canary)).toMatchObject({ text: 'cand {{n}}', version: 2, rollout: { id: 'r-42', variant: 'candidate' } });
    expect(resolvePrompt(held, 'A', all, control)).toMatchObject({ text: 'base', version: 1, rollout: { id: 'r-42', variant: 'baseline' } });
    expect(resolvePrompt(held, 'A', all)).toMatchObject({ text: 'base', version: 1, rollout: { variant: 'baseline' } });
    expect(resolvePrompt(withOffer(2, null), 'A', all, canary)).toMatchObject({ text: 'base', rollout: null });
  });

  it('reports a change when only the offer moved, with the step and apply scope of the event that moved it', () => {
    const before = withOffer(2, offer);
    const event = step(3, null, { step: 'abort', apply: 'live' });
    const after = applyEvent(before, event, all)!;
    expect(diffStates(before, after, all, event)).toEqual([
      {
        key: 'A',
        text: 'base',
        variables: {},
        revision: 3,
        version: 1,
        deleted: false,
        source: 'server',
        rollout: null,
        step: 'abort',
        apply: 'live',
      },
    ]);
    const raised = { ...offer, percent: 60 };
    expect(diffStates(before, withOffer(4, raised), all)).toEqual([expect.objectContaining({ key: 'A', rollout: raised })]);
    expect(diffStates(before, withOffer(4, offer), all)).toEqual([]);
  });
});
