// The batch panel: CSV (header row = field names) or a JSON array → records → one
// predictBatch(records, { onInvalid: 'skip' }) → a results table with each invalid row's errors.
// The table is built as one HTML string per page of rows, so 1,000 rows render in one layout pass.
import { esc, locText } from './dom.js';
import { coerce } from './fields.js';
import { resultSummary } from './results.js';

const PAGE_ROWS = 2000;
const MAX_INPUT_COLUMNS = 8;

/** RFC 4180 CSV: quoted fields ("a,b", "say ""hi"""), CRLF or LF, a trailing newline. Returns rows of cells. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0].trim() !== '');
}

/**
 * Records from pasted or uploaded text: a JSON array (or one object) as it is, or CSV whose header
 * names the fields; cells are typed by the field's schema (fields.js coerce), empty cells omitted.
 * Returns { records, format, lines } (lines[i]: the CSV line of record i, for messages).
 */
export function parseRecords(text, fields) {
  const trimmed = text.trim();
  if (trimmed === '') return { records: [], format: 'empty', lines: [] };
  if (trimmed[0] === '[' || trimmed[0] === '{') {
    let value;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`This looks like JSON but does not parse: ${error.message}`);
    }
    const records = Array.isArray(value) ? value : [value];
    return { records, format: 'json', lines: undefined };
  }
  const rows = parseCsv(trimmed);
  const header = rows.shift().map((h) => h.trim());
  const byName = new Map(fields.map((f) => [f.name, f]));
  const unknown = header.filter((h) => !byName.has(h));
  const records = rows.map((cells) => {
    const record = {};
    header.forEach((name, c) => {
      const value = coerce(byName.get(name), cells[c]);
      if (value !== undefined) record[name] = value;
    });
    return record;
  });
  return { records, format: 'csv', unknown, lines: rows.map((_, i) => i + 2) };
}

/** Sample CSV text for `fields`: `n` rows around the schema's examples, `invalid` of them broken. */
export function sampleCsv(fields, examples, n = 1000, invalidEvery = 100) {
  const base = examples.length ? examples.map((e) => e.input) : [{}];
  const lines = [fields.map((f) => f.name).join(',')];
  for (let i = 0; i < n; i++) {
    const record = base[i % base.length];
    const cells = fields.map((f, c) => {
      let v = f.name in record || !f.required ? record[f.name] : f.default ?? (f.kind === 'enum' ? f.options[0] : f.minimum ?? 0);
      if (typeof v === 'number' && f.kind === 'number') {
        const jitter = 1 + (((i * 7919 + c * 104729) % 200) - 100) / 2000;  // ±5%, deterministic
        v = Number((v * jitter).toFixed(3));
        if (f.maximum !== undefined) v = Math.min(v, f.maximum);
        if (f.minimum !== undefined) v = Math.max(v, f.minimum);
      }
      if (i % invalidEvery === invalidEvery - 1 && c === 0) v = f.kind === 'enum' ? 'unknown' : f.minimum !== undefined ? f.minimum - 1 : 'n/a';
      return v === null || v === undefined ? '' : String(v).includes(',') ? `"${String(v).replace(/"/g, '""')}"` : String(v);
    });
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Renders a batch outcome into `table` (a <table>): one row per record in input order, a result
 * or that record's errors. Rows beyond PAGE_ROWS come in pages: returns { more (rows are left),
 * renderMore() → whether rows are still left }.
 */
export function renderBatchTable(table, { records, batch, fields, document, lines }) {
  const shown = fields.length <= MAX_INPUT_COLUMNS ? fields : [];
  const errorsByRow = new Map();
  for (const error of batch.errors) {
    const index = error.loc[0];
    if (!errorsByRow.has(index)) errorsByRow.set(index, []);
    errorsByRow.get(index).push(error);
  }
  const resultByRow = new Map(batch.indices.map((index, i) => [index, batch.results[i]]));
  table.innerHTML = `<thead><tr><th class="num">row</th>${shown.map((f) => `<th>${esc(f.name)}</th>`).join('')}` +
    `<th>prediction</th><th class="num">score</th></tr></thead><tbody></tbody>`;
  const tbody = table.tBodies[0];
  let rendered = 0;
  const renderPage = () => {
    const end = Math.min(records.length, rendered + PAGE_ROWS);
    const html = [];
    for (let index = rendered; index < end; index++) {
      const record = records[index];
      const cells = shown.map((f) => {
        const v = record && typeof record === 'object' ? record[f.name] : undefined;
        return `<td>${v === undefined ? '<span class="muted">—</span>' : esc(typeof v === 'string' ? v : JSON.stringify(v))}</td>`;
      }).join('');
      const errors = errorsByRow.get(index);
      if (errors) {
        const items = errors.map((e) => `<li><code class="loc">${esc(locText(e.loc))}</code> <span class="msg">${esc(e.msg)}</span> ` +
          `<code class="type">${esc(e.type)}</code>${'input' in e && typeof e.input !== 'object' ? ` <span class="muted">input ${esc(JSON.stringify(e.input))}</span>` : ''}</li>`).join('');
        html.push(`<tr class="row-invalid" data-row="${index + 1}" data-index="${index}"><td class="num" title="${lines ? `CSV line ${lines[index]}` : `record ${index}`}">${index + 1}</td>${cells}` +
          `<td colspan="2"><ul class="row-errors">${items}</ul></td></tr>`);
      } else {
        const { main, score } = resultSummary(document, resultByRow.get(index) ?? {});
        html.push(`<tr class="row-ok" data-row="${index + 1}" data-index="${index}"><td class="num">${index + 1}</td>${cells}` +
          `<td class="pred">${esc(main)}</td><td class="num">${esc(score)}</td></tr>`);
      }
    }
    tbody.insertAdjacentHTML('beforeend', html.join(''));
    rendered = end;
    return rendered < records.length;
  };
  return { more: renderPage(), renderMore: renderPage };
}

/** The batch outcome as CSV text (input columns, then the result's keys, then the errors). */
export function resultsCsv({ records, batch, fields }) {
  const quote = (v) => {
    const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const keys = [...new Set(batch.results.flatMap((r) => Object.keys(r)))];
  const errorsByRow = new Map();
  for (const e of batch.errors) errorsByRow.set(e.loc[0], [...(errorsByRow.get(e.loc[0]) ?? []), `${locText(e.loc)} ${e.type}: ${e.msg}`]);
  const resultByRow = new Map(batch.indices.map((index, i) => [index, batch.results[i]]));
  const lines = [['row', ...fields.map((f) => f.name), ...keys, 'errors'].map(quote).join(',')];
  records.forEach((record, index) => {
    const result = resultByRow.get(index) ?? {};
    lines.push([index + 1, ...fields.map((f) => record?.[f.name]), ...keys.map((k) => result[k]),
      (errorsByRow.get(index) ?? []).join('; ')].map(quote).join(','));
  });
  return `${lines.join('\n')}\n`;
}
