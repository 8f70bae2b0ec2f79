import { AgentRoster, type AgentEntry } from './agent-roster.js';

const anEntry = (overrides: Partial<AgentEntry> = {}): AgentEntry => ({
  agentId: 'friday-1',
  revision: 1,
  sessions: 0,
  mode: 'streaming',
  reportedAt: 0,
  address: '127.0.0.1',
  ...overrides,
});

const ids = (roster: AgentRoster, now: number) => roster.page(now, 1000).entries.map((e) => e.agentId);

describe('AgentRoster', () => {
  it('keeps only the latest report per agent', () => {
    const roster = new AgentRoster(60_000);
    roster.upsert('fleet', anEntry({ agentId: 'a', revision: 1, reportedAt: 1 }));
    roster.upsert('fleet', anEntry({ agentId: 'b', revision: 1, reportedAt: 2 }));
    roster.upsert('fleet', anEntry({ agentId: 'a', revision: 2, reportedAt: 3 }));
    expect(roster.page(3, 10).entries.map((e) => [e.agentId, e.revision])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('forgets agents silent for longer than the TTL', () => {
    const roster = new AgentRoster(1000);
    roster.upsert('fleet', anEntry({ agentId: 'old', reportedAt: 0 }));
    roster.upsert('other', anEntry({ agentId: 'new', reportedAt: 500 }));
    expect(ids(roster, 1000)).toEqual(['new', 'old']);
    expect(ids(roster, 1001)).toEqual(['new']);
    expect(ids(roster, 1501)).toEqual([]);
    expect(roster.page(1501, 10).total).toBe(0);
  });

  it('keeps an agent that reports again before its TTL runs out', () => {
    const roster = new AgentRoster(1000);
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 0 }));
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 900 }));
    expect(ids(roster, 1800)).toEqual(['a']);
  });

  it('refuses a report for an id another owner holds, and frees the id once its TTL runs out', () => {
    const roster = new AgentRoster(1000);
    expect(roster.upsert('fleet', anEntry({ agentId: 'a', sessions: 1, reportedAt: 0 }))).toBe(true);
    expect(roster.upsert('rogue', anEntry({ agentId: 'a', sessions: 9, reportedAt: 999 }))).toBe(false);
    expect(roster.page(999, 10).entries).toEqual([expect.objectContaining({ agentId: 'a', sessions: 1 })]);
    expect(roster.upsert('fleet', anEntry({ agentId: 'a', sessions: 2, reportedAt: 999 }))).toBe(true);
    expect(roster.upsert('rogue', anEntry({ agentId: 'a', sessions: 9, reportedAt: 1999 }))).toBe(false);
    // Silent for longer than the TTL: the id is free for whoever reports it next.
    expect(roster.upsert('rogue', anEntry({ agentId: 'a', sessions: 9, reportedAt: 2000 }))).toBe(true);
    expect(roster.page(2000, 10).entries).toEqual([expect.objectContaining({ agentId: 'a', sessions: 9 })]);
  });

  it("drops the owner's own least recently heard agent beyond its cap, never another owner's", () => {
    const roster = new AgentRoster(60_000, 2);
    roster.upsert('fleet', anEntry({ agentId: 'f1', reportedAt: 0 }));
    roster.upsert('fleet', anEntry({ agentId: 'f2', reportedAt: 1 }));
    for (let i = 0; i < 10; i++) roster.upsert('rogue', anEntry({ agentId: `r${i}`, reportedAt: 2 + i }));
    roster.upsert('fleet', anEntry({ agentId: 'f1', reportedAt: 20 }));
    roster.upsert('fleet', anEntry({ agentId: 'f3', reportedAt: 21 }));
    expect(ids(roster, 21)).toEqual(['f1', 'f3', 'r8', 'r9']);
    // An evicted id is free again.
    expect(roster.upsert('fleet', anEntry({ agentId: 'r0', reportedAt: 22 }))).toBe(true);
  });

  it.each([
    ['the first page', 2, undefined, ['a', 'b'], 'b'],
    ['the page after a cursor', 2, 'b', ['c', 'd'], 'd'],
    ['the last page', 2, 'd', ['e'], null],
    ['a page that ends exactly at the last agent', 5, undefined, ['a', 'b', 'c', 'd', 'e'], null],
    ['a cursor that names no agent', 2, 'bb', ['c', 'd'], 'd'],
    ['a cursor past the end', 2, 'z', [], null],
  ])('pages in agent-id order: %s', (_what, limit, after, expected, next) => {
    const roster = new AgentRoster(60_000);
    for (const [i, id] of ['d', 'b', 'e', 'a', 'c'].entries()) roster.upsert(i % 2 ? 'fleet' : 'other', anEntry({ agentId: id, reportedAt: i }));
    const page = roster.page(10, limit, after);
    expect(page.entries.map((e) => e.agentId)).toEqual(expected);
    expect(page.next).toBe(next);
    expect(page.total).toBe(5);
  });

  it('counts the agents that match, over the whole roster', () => {
    const roster = new AgentRoster(60_000);
    for (let i = 0; i < 10; i++) roster.upsert('fleet', anEntry({ agentId: `a${i}`, revision: i, reportedAt: i }));
    expect(roster.count(10, (e) => (e.revision ?? 0) < 4)).toBe(4);
  });

  it('holds one view object per label and key list, shared by every agent that follows it, forgotten with its last agent', () => {
    const roster = new AgentRoster(1000);
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 0 }), 'A,B');
    roster.upsert('other', anEntry({ agentId: 'b', reportedAt: 1 }), 'A,B');
    roster.upsert('fleet', anEntry({ agentId: 'c', reportedAt: 2, label: 'staging' }), 'A,B');
    roster.upsert('fleet', anEntry({ agentId: 'd', reportedAt: 3 }));
    const [a, b, c, d] = roster.page(3, 10).entries;
    expect(a.view).toEqual({ label: 'production', keys: 'A,B' });
    expect(b.view).toBe(a.view);
    expect(c.view).toEqual({ label: 'staging', keys: 'A,B' });
    expect(d.view).toBeUndefined();
    expect(roster.followedViews(3)).toEqual([a.view, c.view]);
    // A report of the same view keeps the same object; another view releases the old one.
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 4 }), 'A,B');
    expect(roster.page(4, 1).entries[0].view).toBe(a.view);
    roster.upsert('fleet', anEntry({ agentId: 'c', reportedAt: 5, label: 'staging' }), 'A');
    expect(roster.followedViews(5)).toEqual([a.view, { label: 'staging', keys: 'A' }]);
    // Silence forgets the agents and, with the last of them, their views.
    expect(roster.followedViews(1004)).toEqual([a.view, { label: 'staging', keys: 'A' }]);
    expect(roster.followedViews(1006)).toEqual([]);
  });

  it('gives an owner at most its room of views: a further one is followed as every key, and room frees with the agents', () => {
    const roster = new AgentRoster(60_000, 10_000, 2);
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 0 }), 'A');
    roster.upsert('fleet', anEntry({ agentId: 'b', reportedAt: 1 }), 'B');
    roster.upsert('fleet', anEntry({ agentId: 'c', reportedAt: 2 }), 'C');
    roster.upsert('fleet', anEntry({ agentId: 'a2', reportedAt: 3 }), 'A');
    roster.upsert('other', anEntry({ agentId: 'o', reportedAt: 4 }), 'C');
    const views = () => Object.fromEntries(roster.page(10, 10).entries.map((e) => [e.agentId, e.view?.keys]));
    expect(views()).toEqual({ a: 'A', a2: 'A', b: 'B', c: undefined, o: 'C' });
    // An agent that switches views never runs out of room for its own.
    roster.upsert('fleet', anEntry({ agentId: 'b', reportedAt: 5 }), 'D');
    roster.upsert('fleet', anEntry({ agentId: 'c', reportedAt: 6 }), 'C');
    expect(views()).toEqual({ a: 'A', a2: 'A', b: 'D', c: undefined, o: 'C' });
    roster.upsert('fleet', anEntry({ agentId: 'b', reportedAt: 7 }));
    roster.upsert('fleet', anEntry({ agentId: 'c', reportedAt: 8 }), 'C');
    expect(views()).toEqual({ a: 'A', a2: 'A', b: undefined, c: 'C', o: 'C' });
    expect(roster.followedViews(10)).toHaveLength(2);
  });

  it('releases the views of agents pushed out by their own owner', () => {
    const roster = new AgentRoster(60_000, 1, 1);
    roster.upsert('fleet', anEntry({ agentId: 'a', reportedAt: 0 }), 'A');
    roster.upsert('fleet', anEntry({ agentId: 'b', reportedAt: 1 }), 'B');
    expect(roster.page(1, 10).entries.map((e) => [e.agentId, e.view?.keys])).toEqual([['b', 'B']]);
    expect(roster.followedViews(1)).toEqual([{ label: 'production', keys: 'B' }]);
  });
});
