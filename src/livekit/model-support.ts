import { llm, type voice } from '@livekit/agents';

/** Whether the model an agent runs on takes new instructions mid-session, and its name for a receipt. */
export interface InstructionSupport {
  live: boolean;
  model: string;
}

type CapableModel = { capabilities?: { midSessionInstructionsUpdate?: boolean }; label?: () => string; model?: string };

/**
 * A text LLM (STT → LLM → TTS pipeline) always does: the instructions are a
 * system message of the chat context each turn sends. A realtime model says
 * so in its capabilities (`midSessionInstructionsUpdate`): OpenAI's
 * `realtime.RealtimeModel` sends `session.update` (true); OpenAI's
 * `realtime.GPTLiveModel` rejects any change after the session started, and
 * Google's Gemini 3.1 live models declare false (the plugin warns that
 * updates wait for the next session). Unknown: treated as not supported, so
 * a receipt never claims an update the model silently ignored.
 */
export function instructionSupport(agent: voice.Agent | undefined, session: voice.AgentSession): InstructionSupport {
  const model = (agent?.llm ?? session.llm) as unknown;
  if (model === undefined || model instanceof llm.LLM) return { live: true, model: nameOf(model) };
  const capable = model as CapableModel;
  return { live: capable.capabilities?.midSessionInstructionsUpdate === true, model: nameOf(model) };
}

function nameOf(model: unknown): string {
  if (model === undefined || model === null) return 'none';
  const capable = model as CapableModel;
  const label = typeof capable.label === 'function' ? capable.label() : model.constructor.name;
  return typeof capable.model === 'string' && capable.model ? `${label} (${capable.model})` : label;
}
