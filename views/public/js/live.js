// One EventSource per page on the same stream the agents use. The server's
// revision only moves forward, so any event at or below the one we hold is a
// replay and is ignored (EventSource resends Last-Event-ID on reconnect).
// The server tells this stream from agents' by the session cookie, or on an
// open server by the ticket the page carries (data-ui-ticket).

export function startLive({ keys, onSnapshot, onUpdated, onDeleted } = {}) {
  if (typeof EventSource === 'undefined') return;
  let held = Number(document.body.dataset.revision) || 0;
  const params = new URLSearchParams({ lastEventId: String(held) });
  if (document.body.dataset.uiTicket) params.set('ui', document.body.dataset.uiTicket);
  if (keys) params.set('keys', keys.join(','));
  const source = new EventSource(`/api/prompts/stream?${params}`);
  const dot = document.querySelector('[data-live]');
  const setState = (state, title) => {
    if (!dot) return;
    dot.dataset.state = state;
    dot.title = `Live updates: ${title}`;
  };
  source.addEventListener('open', () => setState('open', 'connected'));
  source.addEventListener('error', () => setState('error', 'reconnecting'));

  const accept = (name, data) => {
    if (typeof data.revision !== 'number') return false;
    // A snapshot restates what we may already hold; a change must be newer.
    if (name === 'snapshot' ? data.revision < held : data.revision <= held) return false;
    held = data.revision;
    document.body.dataset.revision = String(held);
    for (const el of document.querySelectorAll('[data-revision-label]')) el.textContent = String(held);
    return true;
  };
  const on = (name, handler) =>
    source.addEventListener(name, (event) => {
      const data = JSON.parse(event.data);
      if (accept(name, data)) handler?.(data);
    });
  on('snapshot', onSnapshot);
  on('prompt.updated', onUpdated);
  on('prompt.deleted', onDeleted);
  on('heartbeat', undefined);
  window.addEventListener('pagehide', () => source.close());
}
