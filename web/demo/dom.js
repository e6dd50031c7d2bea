// Small DOM helpers shared by the demo's modules.

/** Escapes text for innerHTML. */
export function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Creates an element: el('p', { class: 'x', dataset: { testid: 'y' } }, 'text', child…). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

/** A number for people: 0.978 → "97.85%"; 1234567 → "1.2 MB". */
export function percent(p) {
  if (!Number.isFinite(p)) return String(p);
  const value = p * 100;
  return `${value >= 99.995 || value === 0 ? value.toFixed(0) : value < 0.01 ? '<0.01' : value.toFixed(2)}%`;
}

export function bytes(n) {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A regression value or score: enough digits to be useful, no float noise. */
export function number(x) {
  if (typeof x !== 'number') return String(x);
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1000 ? x.toFixed(1) : Number(x.toPrecision(5)).toString();
}

/** The Pydantic-style text of one validation error: "loc: msg (type)". */
export function locText(loc) {
  return JSON.stringify(loc);
}
