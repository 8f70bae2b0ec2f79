/** A label and the prompt keys an agent follows: the view whose revision it reports. */
export interface FollowedView {
  label: string;
  /** The keys, sorted and without repeats, comma-separated. */
  keys: string;
}

/**
 * Distinct views (label + key list) one token's agents may follow at a time. A
 * fleet runs a handful (Friday follows one: two keys on one label); the bound
 * is what a leaked token can make the server hold (each key list up to 16 KB)
 * and what one fleet listing can cost (one store query per distinct view).
 */
export const FOLLOWED_VIEWS_PER_TOKEN = 32;

interface Counted {
  view: FollowedView;
  agents: number;
}

/**
 * The views agents follow, each held once however many agents (of any owner)
 * follow it, and counted per owner, so a view is forgotten with its last
 * agent. An owner whose agents already follow `maxPerOwner` views gets no new
 * one: its agent is then judged against every key of its label, as a report
 * without keys is — which can show it behind when it is not, never the other
 * way round.
 */
export class FollowedViews {
  private readonly views = new Map<string, Counted>();
  /** Per owner: how many of its agents follow each view (by view id). */
  private readonly byOwner = new Map<string, Map<string, number>>();

  constructor(private readonly maxPerOwner = FOLLOWED_VIEWS_PER_TOKEN) {}

  /** The shared view for one more agent of `owner`; undefined when the owner has no room for another view. */
  acquire(owner: string, label: string, keys: string): FollowedView | undefined {
    const id = viewId(label, keys);
    const mine = this.byOwner.get(owner) ?? new Map<string, number>();
    const agents = mine.get(id) ?? 0;
    if (agents === 0 && mine.size >= this.maxPerOwner) return undefined;
    mine.set(id, agents + 1);
    this.byOwner.set(owner, mine);
    const held = this.views.get(id) ?? { view: { label, keys }, agents: 0 };
    held.agents++;
    this.views.set(id, held);
    return held.view;
  }

  /** One agent of `owner` stopped following `view`. */
  release(owner: string, view: FollowedView): void {
    const id = viewId(view.label, view.keys);
    const mine = this.byOwner.get(owner);
    const agents = mine?.get(id);
    if (!mine || agents === undefined) return;
    if (agents > 1) mine.set(id, agents - 1);
    else mine.delete(id);
    if (mine.size === 0) this.byOwner.delete(owner);
    const held = this.views.get(id);
    if (held && --held.agents === 0) this.views.delete(id);
  }

  /** Every view some agent follows, once each: the objects acquire handed out. */
  all(): FollowedView[] {
    return [...this.views.values()].map((held) => held.view);
  }
}

/** Labels and keys hold no space, so one space joins them unambiguously. */
function viewId(label: string, keys: string): string {
  return `${label} ${keys}`;
}
