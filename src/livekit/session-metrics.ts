import { voice } from '@livekit/agents';
import { METRIC_NAME_PATTERN, SESSION_LIMITS, type SessionMetrics } from '../protocol/sessions.js';

/**
 * The numbers a call reports, read from the session's own events: replies
 * (`speech_created` other than `say`), interruptions (an assistant message
 * added as `interrupted`), errors (`error`), the duration and the close
 * reason (`close`). Custom numbers come from the agent's code (`record`).
 */
export class SessionMetricsCollector {
  private turns = 0;
  private userInterruptions = 0;
  private agentErrors = 0;
  private endedAt: number | null = null;
  private endReason: string | null = null;
  private readonly custom: Record<string, number> = {};
  private readonly detach: () => void;

  constructor(
    session: voice.AgentSession,
    private readonly startedAt: number,
    private readonly now: () => number,
    onTurn: () => void,
  ) {
    const speech = (event: voice.SpeechCreatedEvent) => {
      // `say` speaks fixed text: no instructions govern it, so it is not a turn.
      if (event.source === 'say') return;
      this.turns += 1;
      onTurn();
    };
    const item = (event: voice.ConversationItemAddedEvent) => {
      const added = event.item;
      if (added.type === 'message' && added.role === 'assistant' && added.interrupted) this.userInterruptions += 1;
    };
    const error = () => void (this.agentErrors += 1);
    session.on(voice.AgentSessionEventTypes.SpeechCreated, speech);
    session.on(voice.AgentSessionEventTypes.ConversationItemAdded, item);
    session.on(voice.AgentSessionEventTypes.Error, error);
    this.detach = () => {
      session.off(voice.AgentSessionEventTypes.SpeechCreated, speech);
      session.off(voice.AgentSessionEventTypes.ConversationItemAdded, item);
      session.off(voice.AgentSessionEventTypes.Error, error);
    };
  }

  /**
   * Sets a custom metric (the last value wins). Throws on a name the report
   * would refuse or a value that is not a finite number, and beyond the
   * report's number of custom metrics, so a bad metric fails where it is written.
   */
  record(name: string, value: number): void {
    if (!METRIC_NAME_PATTERN.test(name)) throw new Error(`metric name "${name.slice(0, 80)}" must match ${String(METRIC_NAME_PATTERN)}`);
    if ((['turns', 'userInterruptions', 'agentErrors', 'durationMs', 'endReason'] as string[]).includes(name)) {
      throw new Error(`metric name "${name}" is a built-in metric; the binding counts it from the session's events`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`metric "${name}" must be a finite number`);
    if (!(name in this.custom) && Object.keys(this.custom).length >= SESSION_LIMITS.customMetrics) {
      throw new Error(`a session reports at most ${SESSION_LIMITS.customMetrics} custom metrics`);
    }
    this.custom[name] = value;
  }

  /** The call ended: stops counting and keeps why. */
  end(reason: string, at: number): void {
    if (this.endedAt !== null) return;
    this.endedAt = at;
    this.endReason = reason.slice(0, SESSION_LIMITS.nameLength);
    this.detach();
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  snapshot(): SessionMetrics {
    return {
      turns: this.turns,
      userInterruptions: this.userInterruptions,
      agentErrors: this.agentErrors,
      durationMs: Math.max(0, (this.endedAt ?? this.now()) - this.startedAt),
      endReason: this.endReason,
      custom: { ...this.custom },
    };
  }
}
