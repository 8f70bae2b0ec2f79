// The server judges every text (protocol/checks.ts): this script only asks it and shows the answer.
const DEBOUNCE_MS = 300;
/** The fields the checks read: the text and the variable rows. */
const CHECKED_FIELDS = ['text', 'varDefault', 'varDescription', 'varRequired'];

/**
 * The editor's live checks: on every edit of the text or a variable row
 * (debounced), the form as it stands is posted to the panel's check URL
 * (`/prompts/:key/check`, or `/prompts/new/check`) with the page's CSRF token
 * and session cookie, asking for JSON. The answer replaces the list, the
 * counts and the token estimate, and gives the placeholders the text uses:
 * a row appears for each new one and goes for each one no longer used (kept
 * aside, so what was typed in it comes back with the placeholder), and the
 * form is checked again with its rows as they now are. Answers
 * that arrive after a newer request are dropped. The panel's `data-state`
 * says where it is: `pending` from the edit on (set at once, so a test can
 * wait for `done` after any edit), `checking`, then `done` with the answer to
 * the latest edit, or `error`.
 */
export function enhanceChecks() {
  const panel = document.querySelector('[data-checks][data-check-url]');
  const form = panel?.closest('form');
  const text = form?.querySelector('textarea[name="text"]');
  if (!panel || !form || !text) return;
  const rows = createRows(form);
  const forceBox = form.querySelector('[data-force-box]');
  let timer;
  let latest = 0;
  const run = async () => {
    const mine = ++latest;
    panel.dataset.state = 'checking';
    try {
      const res = await fetch(panel.dataset.checkUrl, {
        method: 'POST',
        headers: { Accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
      });
      if (mine !== latest) return;
      if (!res.ok) return failed(panel, res.status);
      const answer = await res.json();
      if (mine !== latest) return;
      render(panel, answer);
      // Rows came or went: the answer judged the rows as they were, so ask again about the rows as they are now.
      if (rows.sync(answer.placeholders)) return run();
      // A visitor who may publish gets the force box while the checks find errors (or once ticked).
      if (forceBox) forceBox.hidden = !answer.checks.some((c) => c.level === 'error') && !forceBox.querySelector('[name="force"]').checked;
      panel.dataset.state = 'done';
    } catch {
      if (mine === latest) failed(panel, 0);
    }
  };
  form.addEventListener('input', (event) => {
    if (!CHECKED_FIELDS.includes(event.target.name)) return;
    panel.dataset.state = 'pending';
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
}

function failed(panel, status) {
  panel.dataset.state = 'error';
  const why =
    status === 429
      ? 'Too many checks in a minute: they resume shortly.'
      : status === 0
        ? 'The server could not be reached: the checks shown may be out of date.'
        : `The checks could not run (HTTP ${status}): save a draft to see them.`;
  panel.querySelector('[data-check-status]').textContent = why;
}

function render(panel, answer) {
  const errors = answer.checks.filter((c) => c.level === 'error').length;
  const warnings = answer.checks.length - errors;
  count(panel.querySelector('[data-error-count]'), errors, 'error');
  count(panel.querySelector('[data-warning-count]'), warnings, 'warning');
  panel.querySelector('[data-tokens]').textContent = answer.tokensText;
  const status = panel.querySelector('[data-check-status]');
  status.textContent = answer.problem ?? 'Errors block publishing to production; warnings never do.';
  const list = panel.querySelector('[data-check-list]');
  list.replaceChildren(...(answer.checks.length ? answer.checks.map(item) : [none()]));
}

function count(pill, n, word) {
  pill.textContent = `${n} ${word}${n === 1 ? '' : 's'}`;
  pill.classList.toggle('zero', n === 0);
}

/** One check, built with textContent only: messages quote the operator's text. */
function item(check) {
  const li = element('li', `check ${check.level === 'error' ? 'error' : 'warning'}`);
  li.dataset.check = check.code;
  li.dataset.level = check.level;
  li.append(element('span', 'check-level', check.level), ' ', element('code', 'check-code', check.code), ' ');
  li.append(element('span', 'check-message', check.message));
  if (check.place) li.append(' ', element('span', 'check-where muted', check.place));
  return li;
}

function none() {
  const li = element('li', 'check none', 'No problems found: nothing here would be read aloud wrongly.');
  li.dataset.checkNone = '';
  return li;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The variable rows, kept in the order the server says the placeholders are used. */
function createRows(form) {
  const body = form.querySelector('[data-variable-rows]');
  const template = document.getElementById('variable-row');
  const empty = form.querySelector('[data-no-variables]');
  const aside = new Map();
  const newRow = (name) => {
    const row = template.content.firstElementChild.cloneNode(true);
    row.dataset.variable = name;
    row.querySelector('[data-name]').textContent = name;
    row.querySelector('[name="varName"]').value = name;
    row.querySelector('[name="varRequired"]').value = name;
    row.querySelector('[name="varRequired"]').setAttribute('aria-label', `${name} is required`);
    row.querySelector('[name="varDefault"]').setAttribute('aria-label', `Default of ${name}`);
    row.querySelector('[name="varDescription"]').setAttribute('aria-label', `Description of ${name}`);
    return row;
  };
  return {
    /** Puts the rows in the placeholders' order; true when a row came or went. */
    sync(names) {
      const current = new Map([...body.children].map((row) => [row.dataset.variable, row]));
      empty.hidden = names.length > 0;
      // Unchanged: leave the rows alone, so the field being typed in keeps the focus.
      if (names.length === current.size && names.every((name, i) => [...current.keys()][i] === name)) return false;
      for (const [name, row] of current) if (!names.includes(name)) aside.set(name, row);
      body.replaceChildren(...names.map((name) => current.get(name) ?? aside.get(name) ?? newRow(name)));
      return true;
    },
  };
}
