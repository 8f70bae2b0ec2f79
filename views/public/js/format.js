const integer = new Intl.NumberFormat('en');
const encoder = new TextEncoder();

export const byteLength = (text) => encoder.encode(text).length;
export const number = (n) => integer.format(n);
// Same rule as the server's `bytes` helper: exact below 10 KB.
export const bytes = (n) => (n < 10000 ? `${integer.format(n)} B` : `${(n / 1024).toFixed(1)} KB`);
