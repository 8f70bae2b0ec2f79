import { formatEtag, ifNoneMatchHits, parseEntityTags, parseIfMatch, parseRevisionToken, REVISION_MAX } from './revision.js';

describe('parseRevisionToken', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['999999999999999', REVISION_MAX],
  ])('reads %s as %i', (raw, n) => {
    expect(parseRevisionToken(raw)).toBe(n);
  });

  it.each(['', ' 1', '1 ', '01', '+5', '-1', '1e3', '0x10', '1.0', '1000000000000000', '１', undefined])('refuses %p', (raw) => {
    expect(parseRevisionToken(raw)).toBeUndefined();
  });
});

describe('entity tags (RFC 9110)', () => {
  it('formats a strong tag and parses lists of strong and weak tags', () => {
    expect(formatEtag(12)).toBe('"12"');
    expect(parseEntityTags('"1", W/"2" ,"x"')).toEqual([
      { weak: false, opaque: '1' },
      { weak: true, opaque: '2' },
      { weak: false, opaque: 'x' },
    ]);
    expect(parseEntityTags(' * ')).toBe('*');
  });

  it.each(['', ' ', '1', '"1', '1"', 'W/1', 'w/"1"', '"a"b"', '"1",', '"1" "2"', '"\u0001"'])('refuses %p', (raw) => {
    expect(parseEntityTags(raw)).toBeUndefined();
  });
});

describe('parseIfMatch', () => {
  it('is absent without the header, any for *, a version for one strong numeric tag', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toEqual({ kind: 'any' });
    expect(parseIfMatch(' "3" ')).toEqual({ kind: 'version', version: 3 });
  });

  it('never matches a weak tag or a tag that is not a version (strong comparison)', () => {
    expect(parseIfMatch('W/"3"')).toEqual({ kind: 'never', tag: 'W/"3"' });
    expect(parseIfMatch('"three"')).toEqual({ kind: 'never', tag: '"three"' });
    expect(parseIfMatch('"03"')).toEqual({ kind: 'never', tag: '"03"' });
  });

  it.each(['', '   ', '3', '"3', 'W/"', '"1", "2"'])('calls %p invalid', (raw) => {
    expect(parseIfMatch(raw)).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^If-Match must/) });
  });
});

describe('ifNoneMatchHits (weak comparison)', () => {
  it.each([
    ['"4"', true],
    ['W/"4"', true],
    ['"3", "4"', true],
    ['*', true],
    ['"3"', false],
    ['4', false],
    ['"4', false],
    ['', false],
    [undefined, false],
  ])('%p against revision 4 → %p', (header, hit) => {
    expect(ifNoneMatchHits(header, 4)).toBe(hit);
  });
});
