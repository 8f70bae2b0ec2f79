import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { ChangeFeed } from '../changes/change-feed.js';
import { AppConfig } from '../config/app-config.js';
import { PromptsService } from '../prompts/prompts.service.js';
import type { AgentList } from '../protocol/fleet.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { keySet } from '../protocol/prompts.js';
import { AgentRoster, type AgentEntry } from './agent-roster.js';
import type { FollowedView } from './followed-views.js';
import type { AgentReportDto } from './dto/agent-report.dto.js';
import { AGENT_PAGE_DEFAULT } from './dto/agent-list-query.dto.js';

/**
 * The fleet view: which agent runs which revision. Kept in memory only — it
 * is rebuilt within one report interval after a restart, and each replica
 * shows the agents that report to it. An agent id belongs to the token that
 * first reported it (see AgentRoster); with no tokens every report is the
 * server's own `anonymous` caller's, so any caller may update any id.
 */
@Injectable()
export class FleetService {
  private readonly roster: AgentRoster;

  constructor(
    private readonly config: AppConfig,
    private readonly prompts: PromptsService,
    private readonly feed: ChangeFeed,
  ) {
    this.roster = new AgentRoster(config.agents.reportTtlMs, config.agents.maxPerToken);
  }

  /** Records an agent's report: 400 for a revision the server has not reached, 409 for an id another token holds. */
  async report(dto: AgentReportDto, actor: RequestActor): Promise<void> {
    await this.refuseAhead(dto.revision);
    // ordering: after the await above, the ownership check and the write are one synchronous step,
    // so two tokens racing for a new id cannot both get it.
    const { keys, ...report } = dto;
    const entry = { ...report, reportedAt: Date.now(), address: actor.address ?? 'unknown' };
    const recorded = this.roster.upsert(actor.author, entry, canonicalKeys(keys));
    if (!recorded) {
      throw new ConflictException(
        `agentId "${dto.agentId}" belongs to another token until it has been silent for AGENT_REPORT_TTL_MS (${this.config.agents.reportTtlMs} ms); ` +
          'give this agent process another id (PROMPTCAST_AGENT_ID)',
      );
    }
  }

  /**
   * One page in agent-id order, with the counts over the whole roster. An
   * agent is behind when its revision is below the last change to the view it
   * follows — its label's view of its keys (every key when its report named
   * none), which is what its stream's heartbeats carry: a draft, another
   * label's move or a save to a key it does not follow does not make it
   * behind. Queries: the server's revision, every label's revision, and one
   * per distinct followed view (at most FOLLOWED_VIEWS_PER_TOKEN per token).
   */
  async list(limit = AGENT_PAGE_DEFAULT, cursor?: string): Promise<AgentList> {
    const viewed = this.roster.followedViews(Date.now());
    const [revision, labels, viewRevisions] = await Promise.all([
      this.prompts.revision(),
      this.prompts.labelRevisions(),
      Promise.all(viewed.map((v) => this.prompts.viewRevision(v.label, keySet(v.keys)))),
    ]);
    const byView = new Map<FollowedView, number>(viewed.map((v, i) => [v, viewRevisions[i]]));
    // A view first followed while the queries ran has no revision here: its agent is judged against
    // its whole label, as a report without keys is, until the next listing.
    const viewRevision = (a: AgentEntry) => (a.view && byView.get(a.view)) ?? labels[a.label ?? DEFAULT_LABEL] ?? 0;
    const isBehind = (a: AgentEntry) => a.revision === null || a.revision < viewRevision(a);
    const now = Date.now();
    const page = this.roster.page(now, limit, cursor);
    return {
      revision,
      total: page.total,
      behind: this.roster.count(now, isBehind),
      agents: page.entries.map((entry) => {
        // The view stays out: a page must stay small, and a key list may be 16 KB.
        const { view: _view, ...a } = entry;
        return { ...a, label: a.label ?? DEFAULT_LABEL, reportedAt: new Date(a.reportedAt).toISOString(), behind: isBehind(entry) };
      }),
      next: page.next,
    };
  }

  /**
   * An agent cannot run a change the server has not made. The change feed's
   * revision (memory) clears nearly every report for free; only a revision
   * past it costs one store query, because on PostgreSQL this replica's feed
   * may trail a commit another replica has already streamed to the agent.
   * The store holds every committed revision, so the answer is exact — no
   * slack to tune, and no report refused for arriving at a slower replica.
   */
  private async refuseAhead(revision: number | null): Promise<void> {
    if (revision === null || revision <= this.feed.revision) return;
    const current = await this.prompts.revision();
    if (revision > current) {
      throw new BadRequestException(
        `revision ${revision} is ahead of the server's current revision ${current}: an agent can only report a revision the server has sent`,
      );
    }
  }
}

/** A report's key list in one form (sorted, no repeats, no blanks), so agents that follow the same keys share one view. */
function canonicalKeys(keys: string | undefined): string | undefined {
  const set = keySet(keys);
  return set && [...set].sort().join(',');
}
