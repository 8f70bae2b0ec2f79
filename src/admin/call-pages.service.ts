import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import type { ApplyReceipt, StoredSession, TurnRecord } from '../protocol/sessions.js';
import { SESSION_PAGE_DEFAULT, type SessionListQuery } from '../sessions/dto/session-list-query.dto.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import type { Page } from './page.js';

/** One line of a call's timeline: a turn, or a change the call received, in time order. */
type TimelineEntry = { at: string; offset: string } & (
  | { turn: Omit<TurnRecord, 'versions'> & { n: number; versions: { key: string; version: number }[]; changed: boolean } }
  | { receipt: ApplyReceipt & { failed: boolean } }
);

/** The Calls page and a call's timeline (docs/admin.md), read through SessionsService; never writes. */
@Injectable()
export class CallPagesService {
  constructor(
    private readonly pages: AdminPagesService,
    private readonly sessions: SessionsService,
  ) {}

  async list(query: SessionListQuery, actor: RequestActor): Promise<Page> {
    const [frame, list] = await Promise.all([this.pages.frame(actor), this.sessions.list(query)]);
    const filter = { key: query.key, version: query.version, label: query.label };
    const filtered = Object.values(filter).some((v) => v !== undefined);
    // The next page's link keeps the filter; the cursor is the server's, passed back as it came.
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...filter, limit: query.limit })) if (value !== undefined) params.set(name, String(value));
    if (list.next) params.set('before', list.next);
    return {
      view: 'calls',
      model: {
        ...frame,
        page: 'calls',
        title: 'Calls',
        filter,
        filtered,
        paged: query.before !== undefined,
        pageSize: query.limit ?? SESSION_PAGE_DEFAULT,
        calls: list.sessions.map(callRow),
        nextHref: list.next ? `/calls?${params.toString()}` : undefined,
      },
    };
  }

  async call(sessionId: string, actor: RequestActor): Promise<Page> {
    const [frame, session] = await Promise.all([this.pages.frame(actor), this.sessions.get(sessionId)]);
    return {
      view: 'call',
      model: {
        ...frame,
        page: 'call',
        title: `Call ${session.sessionId}`,
        call: callRow(session),
        timeline: timeline(session),
        metrics: metricRows(session),
      },
    };
  }
}

function callRow(s: StoredSession) {
  return {
    ...s,
    prompts: Object.entries(s.prompts).map(([key, version]) => ({ key, version, variant: s.rollouts?.[key]?.variant })),
    failedReceipts: s.receipts.filter((r) => r.outcome === 'failed' || r.outcome === 'unsupported').length,
    running: !s.endedAt,
    seconds: Math.round(s.metrics.durationMs / 100) / 10,
  };
}

/** Turns and receipts in time order (a receipt before the turn it governed when both have one time); each turn says whether its versions changed. */
function timeline(s: StoredSession): TimelineEntry[] {
  let previous: string | undefined;
  const turns = (s.turns ?? []).map((t, i): TimelineEntry => {
    const versions = Object.entries(t.versions).map(([key, version]) => ({ key, version }));
    const signature = JSON.stringify(versions);
    const changed = previous !== undefined && signature !== previous;
    previous = signature;
    return { at: t.at, offset: offset(s.startedAt, t.at), turn: { ...t, n: i + 1, versions, changed } };
  });
  const receipts = s.receipts.map((r): TimelineEntry => ({
    at: r.at,
    offset: offset(s.startedAt, r.at),
    receipt: { ...r, failed: r.outcome === 'failed' || r.outcome === 'unsupported' },
  }));
  const order = (e: TimelineEntry) => ('receipt' in e ? 0 : 1);
  return [...receipts, ...turns].sort((a, b) => a.at.localeCompare(b.at) || order(a) - order(b));
}

/** `+1:05`: how long after the call started; `-0:02` for a clock that ran behind. */
function offset(startedAt: string, at: string): string {
  const seconds = Math.round((Date.parse(at) - Date.parse(startedAt)) / 1000);
  const abs = Math.abs(seconds);
  return `${seconds < 0 ? '-' : '+'}${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
}

function metricRows(s: StoredSession): { name: string; value: string; custom: boolean }[] {
  const m = s.metrics;
  const rows: { name: string; value: number | string; custom: boolean }[] = [
    { name: 'turns', value: m.turns, custom: false },
    { name: 'userInterruptions', value: m.userInterruptions, custom: false },
    { name: 'agentErrors', value: m.agentErrors, custom: false },
    { name: 'durationMs', value: m.durationMs, custom: false },
    { name: 'endReason', value: m.endReason ?? '—', custom: false },
    ...Object.entries(m.custom).map(([name, value]) => ({ name, value, custom: true })),
  ];
  return rows.map((r) => ({ ...r, value: typeof r.value === 'number' ? NUMBER.format(r.value) : r.value }));
}

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
