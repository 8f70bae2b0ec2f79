import { AgentCursorParam, LimitParam } from '../../common/query-params.js';

/** Agents per page of `GET /api/agents` and of the admin page's panel when none is asked for. */
export const AGENT_PAGE_DEFAULT = 50;
/** The largest page: 200 agents with 128-character ids stay under 64 KB of JSON. */
export const AGENT_PAGE_MAX = 200;

/** `GET /api/agents?limit=&cursor=`. */
export class AgentListQuery {
  @LimitParam(AGENT_PAGE_MAX, AGENT_PAGE_DEFAULT)
  limit?: number;

  @AgentCursorParam("Cursor: the previous page's `next`; this page starts after that agent id.")
  cursor?: string;
}
