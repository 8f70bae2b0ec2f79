import { parsePromptList, parseStreamEvent } from './events.js';

describe('parseStreamEvent', () => {
  it('parses every event of the protocol', () => {
    expect(parseStreamEvent('snapshot', '{"revision":3,"prompts":{"A":{"text":"t","version":2,"updatedAt":"u"}}}')).toEqual({
      type: 'snapshot',
      revision: 3,
      prompts: { A: { text: 't', version: 2, updatedAt: 'u', variables: {}, rollout: null } },
    });
    expect(parseStreamEvent('prompt.updated', '{"revision":4,"key":"A","version":3,"text":"t","updatedAt":"u","author":"ann"}')).toEqual({
      type: 'prompt.updated',
      revision: 4,
      key: 'A',
      version: 3,
      text: 't',
      updatedAt: 'u',
      author: 'ann',
      variables: {},
      rollout: null,
    });
    const withVariables = '{"revision":4,"key":"A","version":3,"text":"{{n}}","updatedAt":"u","variables":{"n":{"default":"x"}}}';
    expect(parseStreamEvent('prompt.updated', withVariables)).toMatchObject({ variables: { n: { default: 'x' } } });
    expect(parseStreamEvent('prompt.deleted', '{"revision":5,"key":"A"}')).toEqual({ type: 'prompt.deleted', revision: 5, key: 'A' });
    expect(parseStreamEvent('heartbeat', '{"revision":5}')).toEqual({ type: 'heartbeat', revision: 5 });
    expect(parseStreamEvent('heartbeat', '{"revision":5,"intervalMs":1000}')).toEqual({ type: 'heartbeat', revision: 5, intervalMs: 1000 });
  });

  it.each([
    ['prompt.updated', 'not json', /not JSON/],
    ['prompt.updated', '[1]', /not a JSON object/],
    ['prompt.updated', '{"revision":"4","key":"A"}', /integer "revision"/],
    ['prompt.updated', '{"revision":4,"key":"A","version":1,"updatedAt":"u"}', /string "text"/],
    ['snapshot', '{"revision":4}', /no prompts object/],
    ['prompt.updated', '{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","variables":{"n":"x"}}', /malformed variables/],
    ['mystery', '{"revision":4}', /not an event this client knows/],
    ['prompt.updated', '{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","rollout":"r1"}', /rollout that is not an object/],
    ['prompt.updated', `{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","rollout":${offerJson({ percent: 101 })}}`, /"percent"/],
    ['prompt.updated', `{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","rollout":${offerJson({ apply: 'now' })}}`, /apply scope/],
    ['prompt.updated', `{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","rollout":${offerJson({ candidate: 3 })}}`, /candidate/],
    ['prompt.updated', '{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","apply":"sometime"}', /unknown apply scope/],
    ['prompt.updated', '{"revision":4,"key":"A","version":1,"text":"t","updatedAt":"u","step":"undo"}', /unknown rollout step/],
  ])('rejects %s %s with a BAD_EVENT error', (type, data, message) => {
    expect(() => parseStreamEvent(type, data)).toThrow(expect.objectContaining({ code: 'BAD_EVENT', message: expect.stringMatching(message) }));
  });
});

describe('parseStreamEvent with rollouts', () => {
  it('carries the offer, the apply scope and the rollout step of a prompt.updated', () => {
    const data = `{"revision":9,"key":"A","version":2,"text":"base","updatedAt":"u","rollout":${offerJson({})},"apply":"next-session","step":"start"}`;
    expect(parseStreamEvent('prompt.updated', data)).toMatchObject({
      rollout: { id: 'r1', percent: 10, apply: 'live', candidate: { version: 3, text: 'cand', variables: {} } },
      apply: 'next-session',
      step: 'start',
    });
  });

  it('reads an abort (rollout null) and an old server (no rollout) alike: no offer', () => {
    const abort = '{"revision":9,"key":"A","version":2,"text":"base","updatedAt":"u","rollout":null,"step":"abort","apply":"live"}';
    expect(parseStreamEvent('prompt.updated', abort)).toMatchObject({ rollout: null, step: 'abort', apply: 'live' });
    expect(parseStreamEvent('prompt.updated', '{"revision":9,"key":"A","version":2,"text":"b","updatedAt":"u"}')).toMatchObject({ rollout: null });
  });
});

function offerJson(overrides: Record<string, unknown>): string {
  return JSON.stringify({ id: 'r1', percent: 10, apply: 'live', candidate: { version: 3, text: 'cand' }, ...overrides });
}

describe('parsePromptList', () => {
  it('turns GET /api/prompts into a snapshot', () => {
    const body = { revision: 7, prompts: [{ key: 'A', text: 't', version: 2, updatedAt: 'u', author: 'x', message: null, revision: 6 }] };
    expect(parsePromptList(body)).toEqual({
      type: 'snapshot',
      revision: 7,
      prompts: { A: { text: 't', version: 2, updatedAt: 'u', variables: {}, rollout: null } },
    });
  });

  it('keeps the rollout offer each prompt carries, null where a prompt has none', () => {
    const offer = { id: 'r1', percent: 12.5, apply: 'live', candidate: { version: 3, text: 'c', variables: { n: { default: 'x' } } } };
    const body = {
      revision: 7,
      prompts: [
        { key: 'A', text: 't', version: 2, updatedAt: 'u', rollout: offer },
        { key: 'B', text: 'b', version: 1, updatedAt: 'u', rollout: null },
      ],
    };
    expect(parsePromptList(body).prompts).toEqual({
      A: { text: 't', version: 2, updatedAt: 'u', variables: {}, rollout: offer },
      B: { text: 'b', version: 1, updatedAt: 'u', variables: {}, rollout: null },
    });
  });

  it('rejects the flat legacy shape', () => {
    expect(() => parsePromptList({ A: 'text' })).toThrow(expect.objectContaining({ code: 'BAD_EVENT' }));
  });
});
