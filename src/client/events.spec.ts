import { parsePromptList, parseStreamEvent } from './events.js';

describe('parseStreamEvent', () => {
  it('parses every event of the protocol', () => {
    expect(parseStreamEvent('snapshot', '{"revision":3,"prompts":{"A":{"text":"t","version":2,"updatedAt":"u"}}}')).toEqual({
      type: 'snapshot',
      revision: 3,
      prompts: { A: { text: 't', version: 2, updatedAt: 'u', variables: {} } },
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
  ])('rejects %s %s with a BAD_EVENT error', (type, data, message) => {
    expect(() => parseStreamEvent(type, data)).toThrow(expect.objectContaining({ code: 'BAD_EVENT', message: expect.stringMatching(message) }));
  });
});

describe('parsePromptList', () => {
  it('turns GET /api/prompts into a snapshot', () => {
    const body = { revision: 7, prompts: [{ key: 'A', text: 't', version: 2, updatedAt: 'u', author: 'x', message: null, revision: 6 }] };
    expect(parsePromptList(body)).toEqual({
      type: 'snapshot',
      revision: 7,
      prompts: { A: { text: 't', version: 2, updatedAt: 'u', variables: {} } },
    });
  });

  it('rejects the flat legacy shape', () => {
    expect(() => parsePromptList({ A: 'text' })).toThrow(expect.objectContaining({ code: 'BAD_EVENT' }));
  });
});
