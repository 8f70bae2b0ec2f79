import * as openai from '@livekit/agents-plugin-openai';
import type { voice } from '@livekit/agents';
import type { ModelChoice } from './agent-env.js';

/** The model options an AgentSession is built with. */
export type SessionModels = Pick<voice.AgentSessionOptions, 'llm' | 'stt' | 'tts' | 'vad'>;

/**
 * The one place that picks providers. `realtime` (default): OpenAI's realtime
 * speech-to-speech model, which detects turns server-side, so no local VAD is
 * loaded. `pipeline`: OpenAI STT → LLM → TTS, with the library's bundled VAD
 * (left `undefined` so AgentSession provisions it).
 *
 * Called by the worker entry only: the plugins read OPENAI_API_KEY and throw
 * without it, so tests inject their own LLM instead.
 */
export function createModels(choice: ModelChoice): SessionModels {
  if (choice === 'pipeline') {
    return { stt: new openai.STT(), llm: new openai.LLM(), tts: new openai.TTS() };
  }
  return { llm: new openai.realtime.RealtimeModel(), vad: null };
}
