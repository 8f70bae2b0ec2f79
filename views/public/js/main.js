// Progressive enhancement only: every page works as plain HTML forms without this script.
import { startLive } from './live.js';
import { keepTimesFresh } from './time.js';
import { enhanceList } from './list.js';
import { enhanceEditor, enhanceCounter } from './editor.js';
import { enhanceChecks } from './checks.js';

const page = document.body.dataset.page;
if (page) {
  keepTimesFresh();
  enhanceCounter();
  enhanceChecks();
  const handlers = page === 'list' ? enhanceList() : page === 'prompt' ? enhanceEditor() : {};
  const key = page === 'prompt' ? document.body.dataset.key : undefined;
  startLive({ keys: key ? [key] : undefined, ...handlers });
}
