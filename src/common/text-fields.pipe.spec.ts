import { BadRequestException } from '@nestjs/common';
import { TextFieldsPipe } from './text-fields.pipe.js';

describe('TextFieldsPipe: the text rule on every string of a body', () => {
  const pipe = new TextFieldsPipe();
  const body = (value: unknown) => () => pipe.transform(value, { type: 'body' });

  it('passes well-formed text, surrogate pairs (emoji) included, and returns the body unchanged', () => {
    const value = { key: 'A', text: 'caf\u00e9 \u{1F399}', nested: { list: ['ok', 1, null] } };
    expect(body(value)()).toBe(value);
  });

  it.each([
    [{ message: 'why\ud800' }, 'message must be well-formed Unicode (it contains a lone surrogate)'],
    [{ text: 'ok', message: '\udc00' }, 'message must be well-formed Unicode (it contains a lone surrogate)'],
    [{ token: 'a\u0000b' }, 'token must not contain the NUL character (U+0000)'],
    [{ a: { b: ['ok', 'x\ud800'] } }, 'a.b.1 must be well-formed Unicode (it contains a lone surrogate)'],
    ['\u0000', 'the request body must not contain the NUL character (U+0000)'],
  ])('refuses %j with a 400 naming the field', (value, message) => {
    expect(body(value)).toThrow(new BadRequestException(message));
  });

  it('leaves query strings and path parameters to their own rules', () => {
    expect(pipe.transform({ author: 'x\ud800' }, { type: 'query' })).toEqual({ author: 'x\ud800' });
    expect(pipe.transform('x\u0000', { type: 'param' })).toBe('x\u0000');
  });
});
