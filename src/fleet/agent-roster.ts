import type { FleetReport } from '../protocol/fleet.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { FOLLOWED_VIEWS_PER_TOKEN, FollowedViews, type FollowedView } from './followed-views.js';

/** The latest report of one agent, as the server keeps it. */
export interface AgentEntry extends Omit<FleetReport, 'keys'> {
  /** Epoch ms the report arrived. */
  reportedAt: number;
  /** The address the report came from. */
  address: string;
  /** The label and keys it follows, one object for every agent that follows the same; absent: every key of its label. */
  view?: FollowedView;
}

/** One page of the roster, in agent-id order. */
export interface RosterPage {
  entries: AgentEntry[];
  /** Agents in the whole roster. */
  total: number;
  /** The last id of this page when more follow; null on the last page. */
  next: string | null;
}

/**
 * The latest report per agent, each agent id bound to the owner (token name)
 * that first reported it until the agent falls silent for longer than the TTL
 * or is pushed out by its own owner's cap. An owner that reports more ids
 * than its cap drops its own least recently heard agent, never another
 * owner's, so memory is bounded by owners × cap and a flood through one token
 * cannot push out another token's agents. Pure (time is passed in) so expiry
 * is tested without waiting. Each owner's entries stay in arrival order — a
 * report moves its agent to the end — so expiry and the cap only ever look at
 * the front.
 */
export class AgentRoster {
  private readonly byOwner = new Map<string, Map<string, AgentEntry>>();
  private readonly ownerOf = new Map<string, string>();
  /** Every id in code-unit order, for paging; rebuilt only after an id joins or leaves, not on every report. */
  private sorted: string[] | undefined;
  private readonly views: FollowedViews;

  constructor(
    private readonly ttlMs: number,
    private readonly maxPerOwner = 10_000,
    viewsPerOwner = FOLLOWED_VIEWS_PER_TOKEN,
  ) {
    this.views = new FollowedViews(viewsPerOwner);
  }

  /**
   * Records the report, following `keys` (canonical: sorted, no repeats) when given, else every key
   * of its label; false (and nothing changed) when another owner holds the id.
   */
  upsert(owner: string, entry: AgentEntry, keys?: string): boolean {
    this.expire(entry.reportedAt);
    const holder = this.ownerOf.get(entry.agentId);
    if (holder !== undefined && holder !== owner) return false;
    const mine = this.byOwner.get(owner) ?? new Map<string, AgentEntry>();
    this.byOwner.set(owner, mine);
    // ordering: a new agent pushes out its owner's oldest before it takes a view, so it may take the room that one frees.
    if (holder === undefined) this.makeRoom(owner, mine);
    const view = this.follow(owner, mine.get(entry.agentId), entry.label ?? DEFAULT_LABEL, keys);
    mine.delete(entry.agentId);
    mine.set(entry.agentId, { ...entry, view });
    if (holder === undefined) this.joined(owner, entry.agentId);
    return true;
  }

  /** Up to `limit` agents heard within the TTL whose id sorts after `after`, in agent-id order. */
  page(now: number, limit: number, after?: string): RosterPage {
    this.expire(now);
    this.sorted ??= [...this.ownerOf.keys()].sort();
    const start = after === undefined ? 0 : firstAfter(this.sorted, after);
    const ids = this.sorted.slice(start, start + limit);
    const more = start + limit < this.sorted.length;
    return { entries: ids.map((id) => this.get(id)), total: this.sorted.length, next: more ? (ids.at(-1) ?? null) : null };
  }

  /** Every view (label + keys) some agent heard within the TTL follows, once each: the objects entries hold. */
  followedViews(now: number): FollowedView[] {
    this.expire(now);
    return this.views.all();
  }

  /** How many agents heard within the TTL match. */
  count(now: number, match: (entry: AgentEntry) => boolean): number {
    this.expire(now);
    let n = 0;
    for (const mine of this.byOwner.values()) for (const entry of mine.values()) if (match(entry)) n++;
    return n;
  }

  private get(id: string): AgentEntry {
    const entry = this.byOwner.get(this.ownerOf.get(id) ?? '')?.get(id);
    if (!entry) throw new Error(`agent roster lost track of ${id}`);
    return entry;
  }

  /** Drops the owner's least recently heard agents until one more fits. */
  private makeRoom(owner: string, mine: Map<string, AgentEntry>): void {
    for (const oldest of mine.keys()) {
      if (mine.size < this.maxPerOwner) break;
      this.remove(owner, oldest);
    }
  }

  private joined(owner: string, id: string): void {
    this.ownerOf.set(id, owner);
    this.sorted = undefined;
  }

  private remove(owner: string, id: string): void {
    const mine = this.byOwner.get(owner);
    this.release(owner, mine?.get(id));
    mine?.delete(id);
    this.ownerOf.delete(id);
    this.sorted = undefined;
  }

  /**
   * The view an agent follows after this report. The same view as its last report keeps the same
   * object, so a listing that read the views' revisions meanwhile still finds it.
   */
  private follow(owner: string, previous: AgentEntry | undefined, label: string, keys: string | undefined): FollowedView | undefined {
    const held = previous?.view;
    if (held && held.label === label && held.keys === keys) return held;
    // ordering: release the old view before taking the new one, so an agent that switches views never runs out of room.
    this.release(owner, previous);
    return keys === undefined ? undefined : this.views.acquire(owner, label, keys);
  }

  private release(owner: string, entry: AgentEntry | undefined): void {
    if (entry?.view) this.views.release(owner, entry.view);
  }

  private expire(now: number): void {
    for (const [owner, mine] of this.byOwner) {
      for (const [id, entry] of mine) {
        if (now - entry.reportedAt <= this.ttlMs) break;
        this.remove(owner, id);
      }
      if (mine.size === 0) this.byOwner.delete(owner);
    }
  }
}

/** Index of the first id greater than `after` in the sorted list (binary search). */
function firstAfter(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
