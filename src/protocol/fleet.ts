/** Fleet reports: what agent processes tell the server, and what `GET /api/agents` shows. */

/** How an agent's PromptClient hears from the server. */
export const AGENT_MODES = ['streaming', 'polling', 'offline'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

/** An agent id: 1–128 characters, letters, digits and `. _ : @ / -`, starting with a letter or digit. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
/** `AGENT_ID_PATTERN` in words, for error messages. */
export const AGENT_ID_RULE = '1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)';

/** `POST /api/agents/report`: what one agent process holds right now. */
export interface FleetReport {
  agentId: string;
  /** The oldest revision any live session runs, else the revision the process holds; null while on built-in defaults. */
  revision: number | null;
  /** Live sessions (calls) in the process. */
  sessions: number;
  mode: AgentMode;
  /** The label whose view it follows (its revision counts in that view); production when absent. */
  label?: string;
  /**
   * The prompt keys it follows, written as `?keys=` is (`AGENT_INSTRUCTION,SESSION_INSTRUCTION`): its
   * revision is that of the label's view of these keys. Every key of the label when absent.
   */
  keys?: string;
}

/** One agent in `GET /api/agents` (its keys are not listed: a page must stay small). */
export interface AgentView extends Omit<FleetReport, 'keys'> {
  label: string;
  reportedAt: string;
  address: string;
  /** True when the agent runs an older revision than its label's view of its keys has reached (or none). */
  behind: boolean;
}

/** `GET /api/agents?limit=&cursor=`: one page of agents in agent-id order, with counts over all of them. */
export interface AgentList {
  /** The server's global revision (`behind` compares each agent with its own view's revision). */
  revision: number;
  /** Agents this server has heard from within AGENT_REPORT_TTL_MS, on every page. */
  total: number;
  /** How many of those are behind. */
  behind: number;
  agents: AgentView[];
  /** Pass as `cursor` for the next page (the last agent id of this one); null on the last page. */
  next: string | null;
}
