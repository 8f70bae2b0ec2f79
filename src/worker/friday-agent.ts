import { voice } from '@livekit/agents';

export interface FridayAgentOptions {
  /** The system prompt (`AGENT_INSTRUCTION`) this session starts on. */
  instructions: string;
  /** Added to the prompt for the opening reply only (`SESSION_INSTRUCTION`); no greeting when absent. */
  greeting?: string;
}

/**
 * The Friday voice agent. Its instructions come from Promptcast and are
 * replaced in place (`updateInstructions`) when an operator saves a new
 * version; see PromptApplier.
 */
export class FridayAgent extends voice.Agent {
  private readonly greeting: string | undefined;

  constructor({ instructions, greeting }: FridayAgentOptions) {
    super({ instructions });
    this.greeting = greeting;
  }

  override async onEnter(): Promise<void> {
    // generateReply's instructions add to the system prompt for this one reply;
    // they do not replace AGENT_INSTRUCTION.
    if (this.greeting) this.session.generateReply({ instructions: this.greeting });
  }
}
