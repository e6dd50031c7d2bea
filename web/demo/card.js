// The model card: what the package read from the model (model.info) and its schema
// (model.schema): title, description, inputs with types and ranges, outputs and classes,
// producer, opsets, schema source, size and load time.
import { bytes, esc } from './dom.js';
import { describeRange, recordTitle, tensorTypeLabel, typeLabel } from './fields.js';

const SOURCE_TEXT = {
  embedded: 'embedded in the model (metadata_props)',
  given: 'passed to loadModel',
  derived: 'derived from the ONNX signature',
};

function row(name, value, testid) {
  return `<div class="kv"${testid ? ` data-testid="${testid}"` : ''}><dt>${esc(name)}</dt><dd>${value}</dd></div>`;
}

function inputsTable(fields) {
  const body = fields.map((f) => {
    const type = f.kind === 'enum' ? `enum: ${f.options.map((o) => `<code>${esc(o)}</code>`).join(' ')}` : esc(typeLabel(f));
    const range = describeRange(f);
    return `<tr data-field="${esc(f.name)}"><td><code>${esc(f.name)}</code>${f.title !== f.name ? `<div class="sub">${esc(f.title)}</div>` : ''}</td>` +
      `<td>${type}</td><td>${range ? esc(range) : '<span class="muted">—</span>'}</td>` +
      `<td>${f.required ? '<span class="pill pill-req">required</span>' : `<span class="pill">optional${f.default !== undefined ? ` · ${esc(JSON.stringify(f.default))}` : ''}</span>`}</td></tr>`;
  }).join('');
  return `<table class="mini" data-testid="card-inputs"><thead><tr><th>field</th><th>type</th><th>range</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function outputsList(document, info) {
  const output = document.output;
  if (!output) {
    return `<ul class="outputs">${info.graph.output.map((o) => `<li><code>${esc(o.name)}</code> <span class="pill">raw</span> <span class="muted">${esc(tensorTypeLabel(o))}</span></li>`).join('')}</ul>`;
  }
  const items = Object.entries(output).map(([key, spec]) => `<li><code>${esc(key)}</code> <span class="pill">${esc(spec.kind ?? 'raw')}${spec.k ? ` · k=${esc(spec.k)}` : ''}</span>` +
    `${(spec.from ?? key) !== key ? ` <span class="muted">from tensor <code>${esc(spec.from)}</code></span>` : ''}</li>`).join('');
  const classes = Object.values(output).find((spec) => Array.isArray(spec.classes))?.classes;
  return `<ul class="outputs">${items}</ul>${classes ? `<div class="classes-head muted small">${classes.length} classes</div>` +
    `<div class="classes" data-testid="card-classes">${classes.map((c) => `<span class="chip">${esc(c)}</span>`).join('')}</div>` : ''}`;
}

/** Replaces `container`'s content with the card of `model` (`entry`: its models.json entry). */
/** What loading rewrote (model.info.rewrite, docs/rewrite.md): a ZipMap output now a tensor, or why not. */
function rewriteRow(rewrite) {
  if (!rewrite || (!rewrite.changed && rewrite.notes.length === 0)) return '';
  const items = [
    ...rewrite.rewrites.map((r) => `<code>${esc(r.output)}</code>: ZipMap → float tensor, ${esc(r.classes.length)} classes`),
    ...rewrite.notes.map((n) => esc(n.note)),
  ];
  return row('rewritten', `<span title="${esc(rewrite.rewrites.map((r) => r.note).join(' '))}">${items.join('<br>')}</span>`, 'card-rewrite');
}

export function renderCard(container, { entry, model, fields, size, loadMs, fromCache }) {
  const { info, schema } = model;
  const record = recordTitle(model);
  const description = entry.description || info.docString || record.description || '';
  const opsets = info.opsetImport.map((o) => `<code>${esc(o.domain || 'ai.onnx')} ${esc(o.version)}</code>`).join(' ');
  const tensors = info.graph.input.map((i) => `<code>${esc(i.name)}</code> ${esc(tensorTypeLabel(i))}`).join('<br>');
  const metadata = info.metadataProps.filter((p) => p.key !== 'onnx_predict.schema')
    .map((p) => row(p.key, esc(p.value))).join('');
  const ops = Object.entries(info.stats.opTypes)
    .flatMap(([domain, types]) => Object.entries(types).map(([op, n]) => `${domain ? `${domain}.` : ''}${op}${n > 1 ? ` ×${n}` : ''}`));
  container.innerHTML = `
    <header class="card-head">
      <h2 data-testid="card-title">${esc(entry.title ?? info.graph.name)}</h2>
      ${description ? `<p class="card-desc" data-testid="card-description">${esc(description)}</p>` : ''}
    </header>
    <h3>Inputs${record.title ? ` <span class="muted">· ${esc(record.title)}</span>` : ''}</h3>
    ${fields.length > 16 ? `<p class="muted">${fields.length} fields: ${fields.slice(0, 3).map((f) => `<code>${esc(f.name)}</code>`).join(', ')} … <code>${esc(fields.at(-1).name)}</code></p>
      <details class="more"><summary>All ${fields.length} fields</summary>${inputsTable(fields)}</details>` : inputsTable(fields)}
    <h3>Outputs</h3>
    ${outputsList(schema.document, info)}
    <h3>Model</h3>
    <dl class="kvs">
      ${row('schema', `<span class="pill pill-${esc(schema.source)}" data-testid="card-schema-source">${esc(schema.source)}</span> <span class="muted">${esc(SOURCE_TEXT[schema.source] ?? '')}</span>`, 'card-schema')}
      ${row('producer', `${esc(info.producerName || '—')}${info.producerVersion ? ` <span class="muted">${esc(info.producerVersion)}</span>` : ''}`, 'card-producer')}
      ${row('opset', opsets, 'card-opset')}
      ${row('IR / version', `${esc(info.irVersion)}${info.modelVersion ? ` · model v${esc(info.modelVersion)}` : ''}`)}
      ${row('tensors in', tensors)}
      ${rewriteRow(info.rewrite)}
      ${row('graph', `${esc(info.stats.nodeCount)} node(s): ${esc(ops.join(', '))}${info.stats.initializerBytes ? ` · ${bytes(info.stats.initializerBytes)} weights` : ''}`)}
      ${row('file', `${bytes(size)} · loaded in ${loadMs.toFixed(0)} ms${fromCache ? ' · from cache' : ''}`, 'card-file')}
      ${metadata}
    </dl>`;
}
