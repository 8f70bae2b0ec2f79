import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'node:querystring';
import { plainStreamQuery, StreamQuery } from './stream-query.dto.js';

/** What the framework route's ValidationPipe says of a query string (the app's options: whitelist, forbidNonWhitelisted). */
function frameworkAccepts(search: string): boolean {
  const query = plainToInstance(StreamQuery, { ...parse(search) });
  return validateSync(query, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

const SEARCHES = [
  '',
  'keys=A',
  'keys=B,A',
  'keys=',
  'keys=1bad',
  'label=staging',
  'label=',
  'label=Bad%20Label',
  'lastEventId=12',
  'lastEventId=',
  'lastEventId=junk',
  'agent=worker',
  'agent=',
  `agent=${'a'.repeat(128)}`,
  `agent=${'a'.repeat(129)}`,
  // class-validator counts a surrogate pair as one character: 128 of them are allowed, as on the framework route.
  `agent=${encodeURIComponent('😀'.repeat(128))}`,
  `agent=${encodeURIComponent('😀'.repeat(129))}`,
  `ui=${'u'.repeat(128)}`,
  `ui=${'u'.repeat(129)}`,
  'keys=A&keys=B',
  'agent=a&agent=b',
  'foo=1',
  'keys[]=A',
];

describe('plainStreamQuery: the stream query rules of the fast path are the DTO’s', () => {
  const cases = SEARCHES.map((s) => [s.length > 40 ? `${s.slice(0, 40)}… (${s.length} chars)` : s, s]);
  it.each(cases)('never accepts what the framework route refuses, and takes the plain cases (%s)', (_name, search) => {
    const plain = plainStreamQuery(search);
    if (plain) expect(frameworkAccepts(search)).toBe(true);
    // Everything the framework accepts once per parameter, the fast path accepts too (it leaves only refusals and repeats).
    const repeated = Object.values(parse(search)).some((v) => Array.isArray(v));
    if (frameworkAccepts(search) && !repeated) expect(plain).toEqual({ ...parse(search) });
  });
});
