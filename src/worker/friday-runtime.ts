import type { Room } from '@livekit/rtc-node';
import type { voice } from '@livekit/agents';
import { createHash } from 'node:crypto';
import { MissingVariableError, type PromptClient } from '../client/index.js';
import { livePrompts, SessionReporter, type LivePrompts } from '../livekit/index.js';
import { SESSION_ID_PATTERN } from '../protocol/sessions.js';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import type { ApplyPolicy } from './agent-env.js';
import { FleetReporter, type FleetReport } from './fleet-reporter.js';
import { FridayAgent } from './friday-agent.js';
import { AGENT_INSTRUCTION, FRIDAY_DEFAULTS, SESSION_INSTRUCTION } from './friday-prompts.js';
import { PromptApplier } from './prompt-applier.js';
import { SessionRegistry, type LiveSession } from './session-registry.js';
import { sessionVariables } from './session-variables.js';

/** How a call starts: its room, its id, and where its variables come from. */
export interface SessionStart {
  room?: Room;
  id?: string;
  /** The job's dispatch metadata, as LiveKit hands it over (a JSON object's text, or anything else, which carries no variables). */
  metadata?: string;
  /** The joining participant's attributes. */
  attributes?: Readonly<Record<string, string>>;
}

export interface FridayRuntimeOptions {
  /** A PromptClient following the Friday keys; the runtime uses it but does not close it. */
  client: PromptClient;
  /** Defaults to `live`. */
  policy?: ApplyPolicy;
  /** Defaults to no logging. */
  log?: AgentLogger;
  /** Send fleet reports and session reports to the server; omitted → no reports. */
  reporting?: { url: string; token?: string; agentId: string; intervalMs: number };
}

/**
 * Everything Friday keeps per worker process: the live sessions, the applier
 * that pushes prompt changes into them, and the fleet reporter. The worker
 * entry and the tests start sessions through `startSession`, so tests drive
 * exactly the code a call runs.
 */
export class FridayRuntime {
  readonly registry = new SessionRegistry();
  readonly applier: PromptApplier;
  private readonly client: PromptClient;
  /** Sends each call's record (receipts, turns, metrics) when it ends; absent without `reporting`. */
  readonly sessionReporter: SessionReporter | undefined;
  private readonly reporter: FleetReporter | undefined;
  private readonly agentId: string;
  private readonly log: AgentLogger;
  private readonly policy: ApplyPolicy;
  private seq = 0;

  constructor({ client, policy = 'live', log = silentLogger, reporting }: FridayRuntimeOptions) {
    this.client = client;
    this.log = log;
    this.policy = policy;
    this.applier = new PromptApplier(client, this.registry, policy, log);
    this.agentId = reporting?.agentId ?? 'friday';
    if (reporting) {
      this.reporter = new FleetReporter({ ...reporting, log, snapshot: () => this.report() });
      this.applier.on('settled', () => void this.reporter?.report());
      this.reporter.start();
      const { url, token, agentId } = reporting;
      this.sessionReporter = new SessionReporter({
        url,
        token,
        agentId,
        log: (message, level) => (level === 'warn' ? log.warn({}, message) : log.debug({}, message)),
      });
    }
  }

  /**
   * Starts a Friday session on the current prompts, rendered with the call's
   * variables (session-variables.ts: dispatch metadata and participant
   * attributes). Registered before `start()` so that a change arriving while
   * it starts is applied to it too. A prompt that needs a variable the call
   * did not bring fails the start (MissingVariableError, logged) rather than
   * letting the caller hear "{{caller_name}}".
   */
  async startSession(session: voice.AgentSession, options: SessionStart = {}): Promise<LiveSession> {
    const id = sessionIdFor(options.id, () => `session-${++this.seq}`);
    const variables = sessionVariables(options.metadata, options.attributes);
    // ordering: bind, render and register with no await in between, so no change can fall in the gap.
    let prompts: LivePrompts | undefined;
    let agent: FridayAgent;
    try {
      prompts = livePrompts(this.client, {
        session,
        key: AGENT_INSTRUCTION,
        sessionId: id,
        variables,
        apply: this.policy,
        reporter: this.sessionReporter,
      });
      agent = new FridayAgent({
        instructions: prompts.instructions ?? FRIDAY_DEFAULTS[AGENT_INSTRUCTION],
        greeting: prompts.read(SESSION_INSTRUCTION),
      });
    } catch (error) {
      void prompts?.close('not_started');
      if (error instanceof MissingVariableError) {
        const hint = 'pass it in the dispatch metadata (JSON) or as a participant attribute, or give it a default';
        this.log.warn({ session: id, key: error.key, missing: error.variables }, `session not started: ${error.message}; ${hint}`);
      }
      throw error;
    }
    const live = this.registry.register({ id, session, agent, prompts });
    try {
      await session.start({ agent, room: options.room });
    } catch (error) {
      this.registry.unregister(live.id);
      void prompts.close('not_started');
      throw error;
    }
    void this.reporter?.report();
    return live;
  }

  /** The fleet report as it stands now. */
  report(): FleetReport {
    const { revision, mode, label, keys } = this.client.status();
    const oldest = this.registry.oldestRevision();
    const report: FleetReport = {
      agentId: this.agentId,
      revision: oldest === undefined ? revision : oldest,
      sessions: this.registry.size,
      mode,
      label,
    };
    // The server judges `behind` against the view of these keys, whose revision is the one the client holds.
    if (keys !== null) report.keys = keys;
    return report;
  }

  /** Stops applying and reporting (one last try to send the calls' records); sessions and the client are their owners' to close. */
  async close(): Promise<void> {
    await this.applier.stop();
    await this.reporter?.stop();
    await this.sessionReporter?.close();
  }
}

/**
 * A call's session id: the room name or job id when it fits the report's
 * rule (SESSION_ID_PATTERN), else a stable digest of it, so the call keeps
 * one rollout bucket for its whole life either way.
 */
function sessionIdFor(raw: string | undefined, fresh: () => string): string {
  if (raw === undefined || raw === '') return fresh();
  if (SESSION_ID_PATTERN.test(raw)) return raw;
  return `session-${createHash('sha256').update(raw, 'utf8').digest('hex').slice(0, 32)}`;
}
