import type { Room } from '@livekit/rtc-node';
import type { voice } from '@livekit/agents';
import type { PromptClient } from '../client/index.js';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import type { ApplyPolicy } from './agent-env.js';
import { FleetReporter, type FleetReport } from './fleet-reporter.js';
import { FridayAgent } from './friday-agent.js';
import { AGENT_INSTRUCTION, FRIDAY_DEFAULTS, SESSION_INSTRUCTION } from './friday-prompts.js';
import { PromptApplier } from './prompt-applier.js';
import { SessionRegistry, type LiveSession } from './session-registry.js';

export interface FridayRuntimeOptions {
  /** A PromptClient following the Friday keys; the runtime uses it but does not close it. */
  client: PromptClient;
  /** Defaults to `live`. */
  policy?: ApplyPolicy;
  /** Defaults to no logging. */
  log?: AgentLogger;
  /** Send fleet reports to the server; omitted → no reports. */
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
  private readonly reporter: FleetReporter | undefined;
  private readonly agentId: string;

  constructor({ client, policy = 'live', log = silentLogger, reporting }: FridayRuntimeOptions) {
    this.client = client;
    this.applier = new PromptApplier(client, this.registry, policy, log);
    this.agentId = reporting?.agentId ?? 'friday';
    if (reporting) {
      this.reporter = new FleetReporter({ ...reporting, log, snapshot: () => this.report() });
      this.applier.on('settled', () => void this.reporter?.report());
      this.reporter.start();
    }
  }

  /**
   * Starts a Friday session on the current prompts. Registered before
   * `start()` so that a change arriving while it starts is applied to it too.
   */
  async startSession(session: voice.AgentSession, options: { room?: Room; id?: string } = {}): Promise<LiveSession> {
    // ordering: read the texts and register with no await in between, so no change can fall in the gap.
    const agent = new FridayAgent({
      instructions: this.client.get(AGENT_INSTRUCTION) ?? FRIDAY_DEFAULTS[AGENT_INSTRUCTION],
      greeting: this.client.get(SESSION_INSTRUCTION),
    });
    const live = this.registry.register(session, agent, this.client.status().revision, options.id);
    try {
      await session.start({ agent, room: options.room });
    } catch (error) {
      this.registry.unregister(live.id);
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

  /** Stops applying and reporting; sessions and the client are their owners' to close. */
  async close(): Promise<void> {
    await this.applier.stop();
    await this.reporter?.stop();
  }
}
