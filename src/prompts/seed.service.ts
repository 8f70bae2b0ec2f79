import { ConflictException, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PromptsService } from './prompts.service.js';

/** The Friday prompts a first start gets, so `npm start` shows something real. */
export const FRIDAY_PROMPTS: Readonly<Record<string, string>> = {
  AGENT_INSTRUCTION:
    'You are Friday, a helpful voice assistant. Speak naturally and concisely, ' +
    'one or two sentences at a time, because everything you say is read aloud. ' +
    'If you do not know something, say so.',
  SESSION_INSTRUCTION: 'Greet the user and offer your help.',
};

/** Seeds an empty store (revision 0) once; a store that has ever been written is left alone. */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly prompts: PromptsService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seed || (await this.prompts.revision()) > 0) return;
    const seeded: string[] = [];
    for (const [key, text] of Object.entries(FRIDAY_PROMPTS)) {
      try {
        await this.prompts.create(key, { text, message: 'Seeded on first start' }, { author: 'system', scopes: ['publish'] });
        seeded.push(key);
      } catch (err) {
        // Replicas starting together on one empty database race to seed; losing that race is fine.
        if (!(err instanceof ConflictException)) throw err;
      }
    }
    if (seeded.length > 0) this.logger.log(`Seeded ${seeded.join(', ')}`);
  }
}
