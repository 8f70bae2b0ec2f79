import { cli, defineAgent, log, ServerOptions, voice, type JobContext, type JobProcess } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { AgentEnvError, loadEnvLocal, readAgentEnv } from './agent-env.js';
import { startFridayProcess, type FridayProcess } from './friday-process.js';
import { createModels } from './models.js';

type ProcData = { friday?: FridayProcess };

/**
 * The Friday worker. LiveKit imports this file twice: in the worker (which
 * runs the CLI below) and again in every job process (which only uses the
 * default export). Nothing here may import the Promptcast server.
 */
export default defineAgent<ProcData>({
  prewarm: async (proc: JobProcess<ProcData>) => {
    proc.userData.friday = await startFridayProcess(readAgentEnv(), log());
  },
  entry: async (ctx: JobContext<ProcData>) => {
    const friday = ctx.proc.userData.friday;
    if (!friday) throw new Error('Friday: prewarm did not run in this job process');
    // A job process runs one job and exits; its PromptClient goes with it.
    ctx.addShutdownCallback(() => friday.close());
    await ctx.connect();
    // The caller's attributes and the dispatch metadata fill the prompts' {{variables}} (docs/agent.md).
    const participant = await ctx.waitForParticipant();
    const session = new voice.AgentSession(createModels(friday.env.model));
    await friday.runtime.startSession(session, {
      room: ctx.room,
      id: ctx.job.room?.name || ctx.job.id,
      metadata: ctx.job.metadata,
      attributes: participant.attributes,
    });
  },
});

// The job processes re-import this file; only the process started as `node main.js` runs the CLI.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  loadEnvLocal();
  try {
    const env = readAgentEnv();
    cli.runApp(
      new ServerOptions({
        agent: fileURLToPath(import.meta.url),
        wsURL: env.livekit.url,
        apiKey: env.livekit.apiKey,
        apiSecret: env.livekit.apiSecret,
      }),
    );
  } catch (error) {
    if (!(error instanceof AgentEnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
