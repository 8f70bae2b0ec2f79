import type { AgentEnv } from './agent-env.js';
import type { AgentLogger } from './agent-logger.js';
import { createFriday, type Friday } from './friday.js';

/** What `prewarm` leaves in `proc.userData` for the job this process will run. */
export interface FridayProcess extends Friday {
  env: AgentEnv;
}

/**
 * Friday as a job process runs it, built from the worker's environment. Runs
 * in the job process (LiveKit forks one per job and calls prewarm there before
 * the job arrives), so the stream is already open and the prompts loaded when
 * a call starts.
 */
export async function startFridayProcess(env: AgentEnv, log: AgentLogger): Promise<FridayProcess> {
  const friday = await createFriday({
    // Each job process is its own reporter: its revision and sessions are its own.
    client: { ...env.promptcast, agentId: `${env.promptcast.agentId}-${process.pid}` },
    policy: env.apply,
    log,
    reportIntervalMs: env.reportIntervalMs,
  });
  return { ...friday, env };
}
