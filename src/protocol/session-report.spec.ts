import { checkSessionReport } from './session-report.js';

const NOW = Date.parse('2026-12-02T00:00:00.000Z');

function reportWithRollout(rolloutId: string): unknown {
  return {
    agentId: 'friday-1',
    sessions: [
      {
        sessionId: 'room-1',
        startedAt: '2026-12-01T23:59:00.000Z',
        endedAt: null,
        label: 'production',
        prompts: { A: 2 },
        rollouts: { A: { rolloutId, variant: 'candidate' } },
        receipts: [],
        turns: [],
        metrics: { turns: 1, userInterruptions: 0, agentErrors: 0, durationMs: 1000, endReason: null, custom: {} },
      },
    ],
  };
}

describe('checkSessionReport: rollout ids', () => {
  // The server hands out 16 URL-safe characters: any of them may come first, "_" and "-" included.
  it.each(['AbCdEfGh12345678', '_bCdEfGh12345678', '-bCdEfGh12345678', 'x', 'a'.repeat(64)])('accepts %s, an id the server can hand out', (id) => {
    expect(checkSessionReport(reportWithRollout(id), NOW)).toMatchObject({ ok: true });
  });

  it.each(['', 'a'.repeat(65), 'has space', 'dot.ted', 'co:lon', 'ümlaut'])('refuses %p, naming the field and the rule', (id) => {
    expect(checkSessionReport(reportWithRollout(id), NOW)).toEqual({
      ok: false,
      error: 'sessions[0].rollouts.A.rolloutId must be a rollout id (1-64 letters, digits, "_" or "-")',
    });
  });
});
