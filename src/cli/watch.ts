#!/usr/bin/env node
// `npm run watch -- [KEY ...]`: follow prompts live and print every change.
// Reads PROMPTCAST_URL (default http://127.0.0.1:3000), PROMPTCAST_TOKEN and
// PROMPT_CHECK_INTERVAL; `--debug` also prints the client's log lines.
import { promptClientOptionsFromEnv } from '../client/options.js';
import { PromptClient } from '../client/prompt-client.js';
import { printPrompts } from './watch-printer.js';

const args = process.argv.slice(2);
const keys = args.filter((arg) => !arg.startsWith('--'));
const client = new PromptClient({
  ...promptClientOptionsFromEnv(),
  ...(keys.length ? { keys } : {}),
  agentId: 'promptcast-watch',
  ...(args.includes('--debug') ? { debug: (line: string) => console.error(line) } : {}),
});
const stop = () => void client.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
void printPrompts(client, (line) => console.log(line)).then(() => {
  if (client.status().stoppedBy) void client.close().then(() => process.exit(1));
});
