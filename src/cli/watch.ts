#!/usr/bin/env node
// `npm run watch -- [KEY ...] [--label staging]`: follow a label's prompts live and print every change.
// Reads PROMPTCAST_URL (default http://127.0.0.1:3000), PROMPTCAST_TOKEN, PROMPTCAST_LABEL and
// PROMPT_CHECK_INTERVAL; `--label L` follows label L (default production); `--debug` also prints the client's log lines.
import { promptClientOptionsFromEnv } from '../client/options.js';
import { PromptClient } from '../client/prompt-client.js';
import { printPrompts } from './watch-printer.js';

const args = process.argv.slice(2);
const labelAt = args.indexOf('--label');
const label = labelAt >= 0 ? args[labelAt + 1] : undefined;
const keys = args.filter((arg, i) => !arg.startsWith('--') && (labelAt < 0 || i !== labelAt + 1));
const client = new PromptClient({
  ...promptClientOptionsFromEnv(),
  ...(label ? { label } : {}),
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
