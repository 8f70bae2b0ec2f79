import { PromptClient } from '../src/client/index.js';
import { printPrompts } from '../src/cli/watch-printer.js';
import { FakePromptServer } from './support/client/fake-prompt-server.js';
import { waitFor } from './support/wait-for.js';

// The `npm run watch` example prints the first state and each change with its revision and mode.
describe('watch printer', () => {
  it('prints the first state, then every change with its revision and the mode', async () => {
    const server = await FakePromptServer.start();
    server.put('AGENT_INSTRUCTION', 'You are Friday.');
    const client = new PromptClient({ url: server.url, keys: ['AGENT_INSTRUCTION'] });
    const lines: string[] = [];
    try {
      await printPrompts(client, (line) => lines.push(line));
      server.put('AGENT_INSTRUCTION', 'You are Friday.\nBe brief.');
      await waitFor(() => lines.some((l) => l.includes('revision 2')), 'the change to be printed');
      const out = lines.join('\n');
      expect(out).toMatch(/ready from server at revision 1 \(label production, mode streaming\)\n {2}AGENT_INSTRUCTION:\n {4}You are Friday\./);
      expect(out).toMatch(/revision 2 \[streaming\] AGENT_INSTRUCTION version 2:\n {4}You are Friday\.\n {4}Be brief\./);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
