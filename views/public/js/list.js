import { bytes, byteLength } from './format.js';
import { refreshTimes } from './time.js';

/**
 * The prompt list: a filter box, and rows that follow production's stream in
 * place (the version agents are served, its text, size and author). Other
 * labels and drafts reach no production stream: they are as of the page load,
 * except that a draft note goes once production reaches that version.
 */
export function enhanceList() {
  const tbody = document.querySelector('#prompt-table tbody');
  const filter = document.getElementById('filter');
  const applyFilter = () => {
    const q = (filter?.value ?? '').trim().toLowerCase();
    let shown = 0;
    for (const row of tbody.rows) {
      const match = !q || row.textContent.toLowerCase().includes(q);
      row.hidden = !match;
      if (match) shown++;
    }
    document.getElementById('empty-list').hidden = tbody.rows.length > 0;
    document.getElementById('no-match').hidden = !(tbody.rows.length > 0 && shown === 0);
  };
  filter?.addEventListener('input', applyFilter);

  const upsert = (key, p, author) => {
    const row = rowFor(tbody, key) ?? insertRow(tbody, key);
    row.dataset.version = String(p.version);
    if (p.version >= Number(row.dataset.head ?? 0)) {
      row.dataset.head = String(p.version);
      cell(row, 'ahead')?.remove();
    }
    cell(row, 'version').textContent = `v${p.version}`;
    cell(row, 'size').textContent = bytes(byteLength(p.text));
    cell(row, 'preview').textContent = p.text;
    cell(row, 'updatedAt').setAttribute('datetime', p.updatedAt);
    cell(row, 'by').hidden = false;
    if (author) cell(row, 'author').textContent = author;
    refreshTimes(row);
    row.classList.remove('flash');
    void row.offsetWidth; // restart the highlight animation
    row.classList.add('flash');
    removeDeleted(key);
  };
  const remove = (key) => {
    const row = rowFor(tbody, key);
    if (row) addDeleted(key, Number(row.dataset.version));
    row?.remove();
  };
  return {
    onUpdated(e) {
      upsert(e.key, e, e.author);
      applyFilter();
    },
    onDeleted(e) {
      remove(e.key);
      applyFilter();
    },
    onSnapshot(s) {
      // A row without a production version is a key with drafts only: no production snapshot has it.
      for (const row of [...tbody.rows]) if (row.dataset.version && !(row.dataset.key in s.prompts)) remove(row.dataset.key);
      for (const [key, p] of Object.entries(s.prompts)) {
        if (Number(rowFor(tbody, key)?.dataset.version) !== p.version) upsert(key, p);
      }
      applyFilter();
    },
  };
}

const rowFor = (tbody, key) => [...tbody.rows].find((r) => r.dataset.key === key);
const cell = (row, name) => row.querySelector(`[data-col="${name}"]`);

/** Builds a row like the server's, with textContent only: stream text is never parsed as HTML. */
function insertRow(tbody, key) {
  const row = document.createElement('tr');
  row.dataset.key = key;
  const first = el('td');
  const link = el('a', 'key', key);
  link.href = `/prompts/${encodeURIComponent(key)}`;
  first.append(link, withCol(el('div', 'preview'), 'preview'));
  const edited = el('td', 'edited');
  const by = withCol(el('span', 'muted', 'by '), 'by');
  by.append(withCol(el('span', '', 'someone'), 'author'));
  edited.append(withCol(el('time'), 'updatedAt'), ' ', by);
  row.append(first, withCol(el('td', 'num'), 'version'), el('td', 'release-cell'), withCol(el('td', 'num'), 'size'), edited);
  const after = [...tbody.rows].find((r) => r.dataset.key > key);
  tbody.insertBefore(row, after ?? null);
  return row;
}

function addDeleted(key, version) {
  const list = document.getElementById('deleted-list');
  if (!list || [...list.children].some((li) => li.dataset.deletedKey === key)) return;
  const li = document.createElement('li');
  li.dataset.deletedKey = key;
  const history = el('a', 'key', key);
  history.href = `/prompts/${encodeURIComponent(key)}/history`;
  li.append(history, ' ', el('span', 'muted', `v${version} · deleted just now`));
  if (list.dataset.canRestore !== undefined) {
    const restore = el('a', 'button small', 'Restore…');
    restore.href = `/prompts/${encodeURIComponent(key)}/rollback?version=${version}`;
    li.append(' ', restore);
  }
  list.prepend(li);
  document.getElementById('deleted-section').hidden = false;
}

function removeDeleted(key) {
  const list = document.getElementById('deleted-list');
  [...(list?.children ?? [])].find((li) => li.dataset.deletedKey === key)?.remove();
  if (list && list.children.length === 0) document.getElementById('deleted-section').hidden = true;
}

function el(tag, className = '', text = '') {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function withCol(node, name) {
  node.dataset.col = name;
  return node;
}
