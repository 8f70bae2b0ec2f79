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

describe('AgentRoster', () => {
  it('keeps only the latest report per agent, most recently heard last', () => {
    const roster = new AgentRoster(60_000);
    roster.upsert(anEntry({ agentId: 'a', revision: 1, reportedAt: 1 }));
    roster.upsert(anEntry({ agentId: 'b', revision: 1, reportedAt: 2 }));
    roster.upsert(anEntry({ agentId: 'a', revision: 2, reportedAt: 3 }));
    expect(roster.list(3).map((e) => [e.agentId, e.revision])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('forgets agents silent for longer than the TTL', () => {
    const roster = new AgentRoster(1000);
    roster.upsert(anEntry({ agentId: 'old', reportedAt: 0 }));
    roster.upsert(anEntry({ agentId: 'new', reportedAt: 500 }));
    expect(roster.list(1000).map((e) => e.agentId)).toEqual(['old', 'new']);
    expect(roster.list(1001).map((e) => e.agentId)).toEqual(['new']);
    expect(roster.list(1501)).toEqual([]);
  });

  it('keeps an agent that reports again before its TTL runs out', () => {
    const roster = new AgentRoster(1000);
    roster.upsert(anEntry({ agentId: 'a', reportedAt: 0 }));
    roster.upsert(anEntry({ agentId: 'a', reportedAt: 900 }));
    expect(roster.list(1800).map((e) => e.agentId)).toEqual(['a']);
  });

  it('drops the least recently heard agent beyond its size cap', () => {
    const roster = new AgentRoster(60_000, 2);
    for (const [i, id] of ['a', 'b', 'c'].entries()) roster.upsert(anEntry({ agentId: id, reportedAt: i }));
    expect(roster.list(3).map((e) => e.agentId)).toEqual(['b', 'c']);
  });
});
