// Renders one prediction from the schema's `output` section (docs/schema.md, "Results"): labels,
// probability bar charts (HTML/CSS), regression values, top-k lists and raw tensors.
import { esc, number, percent } from './dom.js';

const ORDER = { label: 0, value: 1, probabilities: 2, top_k: 3, raw: 4 };

/** The output specs in display order: [[key, spec]]; derived schemas (no `output`) show every key raw. */
export function outputSpecs(document, result) {
  const output = document.output ?? Object.fromEntries(Object.keys(result ?? {}).map((k) => [k, { kind: 'raw' }]));
  return Object.entries(output).sort((a, b) => (ORDER[a[1].kind] ?? 9) - (ORDER[b[1].kind] ?? 9));
}

/** [{cls, p}] in the schema's class order (the package returns the object's keys sorted). */
function probabilityRows(spec, value) {
  if (Array.isArray(value)) {
    if (value.length && typeof value[0] === 'object') return value.map((v) => ({ cls: String(v.class), p: v.probability }));  // top_k
    return value.map((p, i) => ({ cls: String(spec.classes?.[i] ?? i), p }));
  }
  const classes = spec.classes ?? Object.keys(value);
  return classes.map((c) => ({ cls: String(c), p: value[c] }));
}

function chart(key, rows) {
  const best = rows.reduce((m, r) => (r.p > m ? r.p : m), -Infinity);
  const bars = rows.map(({ cls, p }) => {
    const width = Math.max(0, Math.min(1, p)) * 100;
    return `<div class="bar-row${p === best ? ' best' : ''}" data-class="${esc(cls)}" data-p="${esc(p)}" data-testid="bar">` +
      `<span class="bar-name" title="${esc(cls)}">${esc(cls)}</span>` +
      `<span class="bar-track" role="meter" aria-valuemin="0" aria-valuemax="1" aria-valuenow="${esc(p)}" aria-label="${esc(cls)}">` +
      `<span class="bar-fill" style="width:${width.toFixed(2)}%"></span></span>` +
      `<span class="bar-value">${percent(p)}</span></div>`;
  }).join('');
  return `<div class="chart" data-key="${esc(key)}" data-testid="prob-chart">${bars}</div>`;
}

function valueHtml(value) {
  if (Array.isArray(value)) return `<span class="pred-value" data-testid="prediction-value">${value.map((v) => esc(number(v))).join(', ')}</span>`;
  return `<span class="pred-value" data-testid="prediction-value">${esc(number(value))}</span>`;
}

/** HTML for one result: the headline (label or value), then charts, then raw outputs. */
export function predictionHtml(document, result, { ms } = {}) {
  const parts = [];
  for (const [key, spec] of outputSpecs(document, result)) {
    const value = result[key];
    if (value === undefined) continue;
    switch (spec.kind) {
      case 'label':
        parts.push(`<div class="headline"><span class="headline-key">${esc(key)}</span>` +
          `<span class="pred-label" data-testid="prediction-label">${esc(value)}</span></div>`);
        break;
      case 'value':
        parts.push(`<div class="headline"><span class="headline-key">${esc(key)}</span>${valueHtml(value)}</div>`);
        break;
      case 'probabilities':
      case 'top_k':
        parts.push(`<div class="chart-block"><div class="chart-title">${esc(key)}</div>${chart(key, probabilityRows(spec, value))}</div>`);
        break;
      default:
        parts.push(`<div class="raw-block"><div class="chart-title">${esc(key)}</div><pre class="raw" data-testid="prediction-raw">${esc(JSON.stringify(value))}</pre></div>`);
    }
  }
  parts.push(`<details class="json"><summary>Result JSON${ms !== undefined ? ` · ${ms.toFixed(1)} ms` : ''}</summary>` +
    `<pre data-testid="prediction-json">${esc(JSON.stringify(result, null, 2))}</pre></details>`);
  return parts.join('');
}

/** The short text of a result for a table cell: the label or value, and the top probability. */
export function resultSummary(document, result) {
  let main = '';
  let score = '';
  for (const [key, spec] of outputSpecs(document, result)) {
    const value = result[key];
    if (value === undefined) continue;
    if ((spec.kind === 'label' || spec.kind === 'value') && !main) main = Array.isArray(value) ? value.map(number).join(', ') : number(value);
    else if ((spec.kind === 'probabilities' || spec.kind === 'top_k') && !score) {
      const rows = probabilityRows(spec, value);
      const best = rows.reduce((m, r) => (r.p > m.p ? r : m), rows[0]);
      if (best) {
        score = percent(best.p);
        if (!main) main = best.cls;
      }
    } else if (!main) main = JSON.stringify(value);
  }
  return { main, score };
}
