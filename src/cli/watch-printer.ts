import type { PromptClient } from '../client/prompt-client.js';
import type { PromptChange } from '../client/types.js';

/**
 * Prints what a client sees, one block per event, for the `watch` example:
 * the first state, then every change with its revision and the client's mode,
 * mode transitions and errors.
 */
export async function printPrompts(client: PromptClient, write: (line: string) => void): Promise<void> {
  const stamp = () => new Date().toISOString();
  client.on('mode', ({ mode, previous }) => write(`${stamp()} mode ${previous} → ${mode}`));
  client.on('error', (error) => write(`${stamp()} error ${error.message}`));
  try {
    const state = await client.ready();
    write(
      `${stamp()} ready from ${state.source} at revision ${state.revision ?? '-'} (label ${client.status().label}, mode ${client.status().mode})`,
    );
    for (const [key, text] of Object.entries(state.prompts)) write(`  ${key}:\n${indent(text)}`);
  } catch (error) {
    write(`${stamp()} not ready: ${(error as Error).message}`);
    return;
  }
  client.on('change', (change) => write(`${stamp()} ${describeChange(change, client.status().mode)}\n${indent(change.text ?? '(no text)')}`));
}

function describeChange(change: PromptChange, mode: string): string {
  const what = change.deleted ? 'deleted on the server, now its default' : `version ${change.version ?? '-'}`;
  return `revision ${change.revision ?? '-'} [${mode}] ${change.key} ${what}:`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
