import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { GUARD_METRICS, type Rollout } from '../protocol/rollouts.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { RolloutsService } from '../rollouts/rollouts.service.js';
import type { RolloutFigures } from '../sessions/rollout-figures.js';
import { AdminPagesService } from './admin-pages.service.js';
import { checksModel, forceBox } from './editor-checks.js';
import { promptPath, type Page } from './page.js';
import { labelNames, mayMove, whyNot } from './ui-permissions.js';

/** A start form shown again after a refusal: why, and what was typed. */
export interface StartState {
  error?: string;
  force?: boolean;
  reason?: string;
  fields?: Record<string, unknown>;
}

/**
 * The rollout pages (docs/admin.md, "Rollouts"): a key's rollouts, one
 * rollout with its figures, guard verdict and history, and the start form.
 * Everything is read through RolloutsService, the API's own; controls are
 * shown or disabled per ui-permissions.ts, and the service decides again.
 */
@Injectable()
export class RolloutPagesService {
  constructor(
    private readonly pages: AdminPagesService,
    private readonly prompts: PromptsService,
    private readonly rollouts: RolloutsService,
  ) {}

  async list(key: string, actor: RequestActor): Promise<Page> {
    const [frame, rollouts] = await Promise.all([this.pages.frame(actor), this.rollouts.list(key)]);
    return {
      view: 'rollouts',
      model: {
        ...frame,
        page: 'rollouts',
        title: `${key} · rollouts`,
        key,
        active: rollouts.filter((r) => r.status === 'active').map(row),
        past: rollouts.filter((r) => r.status !== 'active').map(row),
      },
    };
  }

  async rollout(key: string, id: string, actor: RequestActor, error?: string): Promise<Page> {
    const [frame, report] = await Promise.all([this.pages.frame(actor), this.rollouts.get(key, id)]);
    const canStep = mayMove(frame.may, report.label);
    return {
      view: 'rollout',
      status: error ? 422 : undefined,
      model: {
        ...frame,
        page: 'rollout',
        title: `${key} · rollout ${id}`,
        key,
        error,
        rollout: row(report),
        active: report.status === 'active',
        canStep,
        stepReason: whyNot(frame.may, report.label),
        figures: figureRows(report.figures),
        variants: { baseline: report.figures.baseline.sessions, candidate: report.figures.candidate.sessions },
        verdict: report.verdict && {
          ...report.verdict,
          candidateRate: pct(report.verdict.candidateRate),
          baselineRate: pct(report.verdict.baselineRate),
          z: report.verdict.z === null ? undefined : NUMBER.format(report.verdict.z),
        },
        history: report.history.map((s) => ({ ...s, guard: s.author === 'guard' })).reverse(),
        callsHref: `/calls?key=${encodeURIComponent(key)}&version=${report.candidate}`,
        baselineCallsHref: `/calls?key=${encodeURIComponent(key)}&version=${report.baseline}`,
        diffHref: `${promptPath(key, '/diff')}?from=${report.baseline}&to=${report.candidate}`,
      },
    };
  }

  /** The start form for `version`, with the checks of the candidate as the publish gate runs them. */
  async start(key: string, version: number, actor: RequestActor, again?: StartState): Promise<Page> {
    const [frame, labels, head] = await Promise.all([this.pages.frame(actor), this.prompts.labels(key), this.prompts.version(key, version)]);
    const fields = again?.fields ?? {};
    const label = typeof fields.label === 'string' && fields.label !== '' ? fields.label : DEFAULT_LABEL;
    const report = checksModel(await this.prompts.versionChecks(key, head.version, label));
    return {
      view: 'rollout-start',
      status: again?.error ? 422 : undefined,
      model: {
        ...frame,
        page: 'rollout-start',
        title: `${key} · start rollout`,
        key,
        target: head,
        labels: labelNames(labels.labels, frame.may),
        current: labels.labels,
        guardMetrics: GUARD_METRICS,
        form: { label, percent: '10', apply: 'live', guardMaxIncrease: '0.05', guardMinSessions: '200', ...fields },
        report,
        checkedVersion: head.version,
        blocked: frame.may.write ? undefined : whyNot(frame.may, label),
        error: again?.error,
        force: again?.force,
        reason: again?.reason,
        forceBox: forceBox(frame.canPublish === true, report, again?.force),
      },
    };
  }
}

function row(r: Rollout) {
  const last = r.history.at(-1);
  return { ...r, active: r.status === 'active', guarded: r.guard !== null, byGuard: last?.author === 'guard' };
}

/** Each metric of the figures: baseline and candidate means with their 95% intervals, and the difference (candidate − baseline). */
function figureRows(f: RolloutFigures) {
  const names = [...new Set([...Object.keys(f.baseline.metrics), ...Object.keys(f.candidate.metrics)])];
  return names.map((name) => {
    const b = f.baseline.metrics[name];
    const c = f.candidate.metrics[name];
    const d = f.difference[name];
    return {
      name,
      baseline: b && b.n > 0 && { n: b.n, mean: NUMBER.format(b.mean), low: BOUND.format(b.low), high: BOUND.format(b.high) },
      candidate: c && c.n > 0 && { n: c.n, mean: NUMBER.format(c.mean), low: BOUND.format(c.low), high: BOUND.format(c.high) },
      difference: d && {
        diff: signed(d.diff),
        low: signed(d.low),
        high: signed(d.high),
        // The interval excludes 0: the variants differ on this metric (95%).
        clear: d.low > 0 || d.high < 0,
      },
    };
  });
}

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
/** Interval bounds: four significant digits say enough, and keep a row of milliseconds readable. */
const BOUND = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 });
const signed = (n: number) => `${n > 0 ? '+' : ''}${BOUND.format(n)}`;
const pct = (rate: number) => `${NUMBER.format(rate * 100)}%`;
