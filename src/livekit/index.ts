/**
 * `promptcast/livekit`: live prompts for any LiveKit voice agent
 * (docs/agent.md). Built on the PromptClient (`promptcast/client`).
 */
export { livePrompts, LivePrompts, type LivePromptsEvents, type LivePromptsOptions } from './live-prompts.js';
export { SessionReporter, type SessionReporterOptions, type SessionReporterStats } from './session-reporter.js';
export { instructionSupport, type InstructionSupport } from './model-support.js';
export type { ApplyOutcome, ApplyReceipt, SessionMetrics, SessionRecord, SessionVariant, TurnRecord } from '../protocol/sessions.js';
