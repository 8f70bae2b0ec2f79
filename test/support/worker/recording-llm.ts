import { llm, voice } from '@livekit/agents';

/** One `chat()` call: the user turn it answers and the system instructions it was given. */
export interface RecordedCall {
  userInput: string | undefined;
  instructions: string | undefined;
}

/**
 * A FakeLLM that records, for every `chat()` call, the system message of the
 * chat context it received — what the model would actually have been told —
 * and answers every input with a short reply.
 */
export class RecordingLLM extends voice.testing.FakeLLM {
  readonly calls: RecordedCall[] = [];

  override chat(args: Parameters<voice.testing.FakeLLM['chat']>[0]): llm.LLMStream {
    const messages = args.chatCtx.items.filter((item): item is llm.ChatMessage => item.type === 'message');
    this.calls.push({
      instructions: messages.find((m) => m.role === 'system')?.textContent,
      userInput: messages.filter((m) => m.role === 'user').at(-1)?.textContent,
    });
    return super.chat(args);
  }

  override lookup(input: string): voice.testing.FakeLLMResponse {
    return super.lookup(input) ?? { input, type: 'llm', content: 'ok', ttft: 0, duration: 0 };
  }

  /** The instructions the model saw when answering `userInput` (its latest call). */
  instructionsFor(userInput: string): string | undefined {
    return this.calls.filter((c) => c.userInput === userInput).at(-1)?.instructions;
  }
}

/**
 * A text-only session with no room: `vad: null` because the default VAD's
 * teardown fails under jest's VM context (an `instanceof TypeError` check).
 */
export function aTestSession(model: RecordingLLM): voice.AgentSession {
  return new voice.AgentSession({ llm: model, vad: null });
}

/** Runs one user turn to the end and returns what the model was told for it. */
export async function turn(session: voice.AgentSession, model: RecordingLLM, userInput: string): Promise<string | undefined> {
  await session.run({ userInput }).wait();
  return model.instructionsFor(userInput);
}
