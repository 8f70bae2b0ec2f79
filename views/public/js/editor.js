import { byteLength, number } from './format.js';

/** Live character and byte count against the server's limit, on any page with a counted textarea. */
export function enhanceCounter() {
  const text = document.querySelector('textarea[data-max-bytes]');
  const count = document.getElementById('count');
  if (!text || !count) return;
  const max = Number(text.dataset.maxBytes);
  const update = () => {
    const used = byteLength(text.value);
    count.textContent = `${number([...text.value].length)} characters · ${number(used)} of ${number(max)} bytes`;
    count.classList.toggle('over', used > max);
  };
  text.addEventListener('input', update);
  update();
}

// Drafts reach no stream (a stream follows one label's view), so the page also asks for the
// newest version now and then: every POLL_MS while visible, and at once on focus.
const POLL_MS = 15000;

/**
 * The prompt page edits the newest version (drafts included). Ctrl/Cmd+S
 * saves a draft; a change by someone else shows a banner instead of touching
 * what the operator is typing. Saving after that still sends the loaded
 * version, so the server answers with the conflict page. Production's moves
 * come on the stream; any newer version (a draft, a save to staging) is
 * found by polling `/api/prompts/:key/versions?limit=1`.
 */
export function enhanceEditor() {
  const form = document.getElementById('editor-form');
  const banner = document.getElementById('change-banner');
  const key = document.body.dataset.key;
  if (!banner || !key) return {};
  const loaded = Number(banner.dataset.head);
  let newest = loaded;
  let production = banner.dataset.production ? Number(banner.dataset.production) : undefined;
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's' && form) {
      event.preventDefault();
      form.requestSubmit(form.querySelector('[data-save="draft"]'));
    }
  });
  const show = (message, version) => {
    banner.querySelector('[data-banner-text]').textContent = message;
    const diff = banner.querySelector('[data-banner-diff]');
    diff.hidden = version === undefined;
    if (version !== undefined) diff.href = `/prompts/${encodeURIComponent(key)}/diff?from=${loaded}&to=${version}`;
    banner.hidden = false;
  };
  const deleted = (revision) =>
    show(`This prompt was deleted${revision ? ` at revision ${revision}` : ''}. Saving will not bring it back; copy your text first.`);
  const saved = (v) => {
    if (v.version <= newest) return;
    newest = v.version;
    show(`Changed by ${v.author ?? 'someone else'} at revision ${v.revision} (now v${v.version}, ${where(v.labels)}).`, v.version);
  };
  const check = async () => {
    try {
      const res = await fetch(`/api/prompts/${encodeURIComponent(key)}/versions?limit=1`, { headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      const list = await res.json();
      if (list.deleted) deleted();
      else if (list.versions[0]) saved(list.versions[0]);
    } catch {
      // Offline or restarting: the next tick asks again.
    }
  };
  setInterval(() => document.visibilityState === 'visible' && check(), POLL_MS);
  window.addEventListener('focus', check);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
  const moved = (version, by) => {
    if (version === production) return;
    production = version;
    if (version > newest) saved({ ...by, version });
    else show(`Production now at v${version} (moved by ${by.author ?? 'someone'} at revision ${by.revision}).`, version);
  };
  return {
    onUpdated(e) {
      if (e.key === key) moved(e.version, e);
    },
    onDeleted(e) {
      if (e.key === key) deleted(e.revision);
    },
    onSnapshot(s) {
      // A key with drafts only is in no production snapshot: only the poll can tell it from a deleted one.
      const current = s.prompts[key];
      if (current) moved(current.version, { revision: s.revision, labels: ['production'] });
      void check();
    },
  };
}

/** "a draft", "in production", "on staging". */
function where(labels = []) {
  if (labels.length === 0) return 'a draft';
  return labels.includes('production') ? 'in production' : `on ${labels.join(', ')}`;
}
