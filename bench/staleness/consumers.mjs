// The three consumers the staleness benchmark compares. Each reports every
// text it starts holding as `seen(key, text, at)`, at = performance.now().
import { performance } from 'node:perf_hooks';
import { PromptClient } from '../../dist/client/index.js';

/** (a) and (b): a PromptClient, on the stream or forced to poll. */
export async function promptClient(url, keys, seen, options) {
  const client = new PromptClient({ url, keys, agentId: `staleness-${options.transport}`, ...options });
  client.on('change', (c) => seen(c.key, c.text, performance.now()));
  await client.ready();
  return { close: () => client.close() };
}

/**
 * (c) The seed's design, faithfully: every `intervalMs`, GET
 * /api/prompts?format=flat (the whole object, no ETag), compare each text
 * with the one held, swap the ones that differ.
 */
export async function legacyPoller(url, seen, intervalMs) {
  let held = {};
  const check = async () => {
    const res = await fetch(`${url}/api/prompts?format=flat`);
    const fresh = await res.json();
    const at = performance.now();
    for (const [key, text] of Object.entries(fresh)) if (held[key] !== text) seen(key, text, at);
    held = fresh;
  };
  await check();
  const timer = setInterval(() => void check().catch(() => {}), intervalMs);
  return { close: async () => clearInterval(timer) };
}
