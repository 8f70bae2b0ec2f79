// Keeps "3 minutes ago" true while a page stays open.
const UNITS = [
  ['year', 31536000],
  ['month', 2592000],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function ago(iso, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export function refreshTimes(root = document) {
  for (const el of root.querySelectorAll('time[datetime]')) {
    el.textContent = ago(el.getAttribute('datetime'));
    el.title = new Date(el.getAttribute('datetime')).toLocaleString();
  }
}

export function keepTimesFresh() {
  refreshTimes();
  setInterval(refreshTimes, 30_000);
}
