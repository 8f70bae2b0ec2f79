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

/**
 * The prompt page: Ctrl/Cmd+S saves, and a change by someone else shows a
 * banner instead of touching what the operator is typing. Saving after that
 * still sends the loaded version, so the server answers with the conflict page.
 */
export function enhanceEditor() {
  const form = document.getElementById('editor-form');
  const key = document.body.dataset.key;
  const loaded = Number(form?.querySelector('[data-loaded-version]')?.value);
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's' && form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  const banner = document.getElementById('change-banner');
  const show = (message, version) => {
    if (!banner) return;
    banner.querySelector('[data-banner-text]').textContent = message;
    const diff = banner.querySelector('[data-banner-diff]');
    diff.hidden = version === undefined;
    if (version !== undefined) diff.href = `/prompts/${encodeURIComponent(key)}/diff?from=${loaded}&to=${version}`;
    banner.hidden = false;
  };
  return {
    onUpdated(e) {
      if (e.key === key && e.version > loaded) show(`Changed by ${e.author} at revision ${e.revision} (now v${e.version}).`, e.version);
    },
    onDeleted(e) {
      if (e.key === key) show(`This prompt was deleted at revision ${e.revision}. Saving will not bring it back; copy your text first.`);
    },
    onSnapshot(s) {
      const current = s.prompts[key];
      if (!current) show(`This prompt was deleted (revision ${s.revision}).`);
      else if (current.version > loaded) show(`Changed by someone else (now v${current.version}, revision ${s.revision}).`, current.version);
    },
  };
}
