// The prediction form: one control per input field, generated from the record's JSON Schema
// (fields.js), with the package's Pydantic-shaped validation errors shown under each field.
import { el, esc } from './dom.js';
import { coerce, describeRange, typeLabel } from './fields.js';

function control(field) {
  const id = `f-${field.name}`;
  const common = { id, name: field.name, 'aria-describedby': `${id}-hint ${id}-error`, dataset: { testid: `input-${field.name}` } };
  if (field.kind === 'enum' || field.kind === 'boolean') {
    const options = field.kind === 'enum' ? field.options : [true, false];
    const empty = field.required ? 'Choose…' : `— (${field.default !== undefined ? `default ${field.default}` : 'empty'})`;
    return el('select', common,
      el('option', { value: '' }, empty),
      options.map((o) => el('option', { value: String(o) }, String(o))));
  }
  if (field.kind === 'number' || field.kind === 'integer') {
    return el('input', {
      ...common, type: 'number', inputmode: 'decimal', autocomplete: 'off',
      step: field.kind === 'integer' ? (field.multipleOf ?? 1) : (field.multipleOf ?? 'any'),
      min: field.minimum ?? field.exclusiveMinimum, max: field.maximum ?? field.exclusiveMaximum,
      placeholder: field.required ? '' : field.default !== undefined ? `default ${field.default}` : 'optional',
    });
  }
  if (field.kind === 'array' || field.kind === 'json') {
    return el('textarea', { ...common, rows: 2, spellcheck: 'false', placeholder: 'JSON' });
  }
  return el('input', { ...common, type: 'text', autocomplete: 'off', minlength: field.minLength, maxlength: field.maxLength,
    placeholder: field.required ? '' : 'optional' });
}

/**
 * Renders the form for `fields` into `container`. Returns { readRecord(), setValues(record),
 * showErrors(errors, { all }), touchAll(), fields }. `onInput(form)` runs after every edit.
 */
export function renderForm(container, fields, { onInput, compact = false } = {}) {
  container.replaceChildren();
  container.classList.toggle('compact', compact);
  const inputs = new Map();
  const errorBoxes = new Map();
  const touched = new Set();
  for (const field of fields) {
    const input = control(field);
    const hint = [typeLabel(field), describeRange(field), !field.required && 'optional',
      !field.required && field.default !== undefined && `default ${JSON.stringify(field.default)}`].filter(Boolean).join(' · ');
    const error = el('div', { class: 'field-error', id: `f-${field.name}-error`, role: 'alert', hidden: true,
      dataset: { testid: `error-${field.name}` } });
    const wrapper = el('div', { class: 'field', dataset: { field: field.name, testid: `field-${field.name}` } },
      el('label', { for: input.id, title: field.description ?? field.name },
        el('span', { class: 'label-text' }, compact ? field.name.replace(/^pixel_/, '') : field.title),
        field.required ? el('span', { class: 'required', title: 'required', 'aria-label': 'required' }, '*') : null),
      input,
      compact ? null : el('div', { class: 'hint', id: `f-${field.name}-hint` }, hint),
      error);
    const touch = () => {
      touched.add(field.name);
      onInput?.();
    };
    input.addEventListener('input', touch);
    input.addEventListener('change', touch);
    inputs.set(field.name, input);
    errorBoxes.set(field.name, error);
    container.append(wrapper);
  }

  return {
    fields,
    /** The record the inputs describe: empty inputs are left out (optional fields then take their default). */
    readRecord() {
      const record = {};
      for (const field of fields) {
        const input = inputs.get(field.name);
        // A number input holding text the browser cannot parse reports '' with badInput: send NaN,
        // which the package rejects (finite_number), rather than pretending the field is empty.
        const value = input.validity?.badInput ? NaN : coerce(field, input.value);
        if (value !== undefined) record[field.name] = value;
      }
      return record;
    },
    /** Fills every input from `record` (absent fields empty); errors wait for the next edit or Predict. */
    setValues(record) {
      touched.clear();
      for (const field of fields) {
        const input = inputs.get(field.name);
        const value = record?.[field.name];
        input.value = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
      }
    },
    touchAll() {
      for (const field of fields) touched.add(field.name);
    },
    /**
     * Shows Pydantic-shaped errors ({type, loc: [0, field, …], msg, input, ctx}) under their fields;
     * errors for untouched fields wait until the user edits them or presses Predict (`all`).
     * Returns the errors that belong to no field (shown by the caller).
     */
    showErrors(errors, { all = false } = {}) {
      const byField = new Map();
      const other = [];
      for (const error of errors) {
        const name = error.loc[1];
        if (errorBoxes.has(name)) {
          if (!byField.has(name)) byField.set(name, []);
          byField.get(name).push(error);
        } else {
          other.push(error);
        }
      }
      for (const [name, box] of errorBoxes) {
        const list = (all || touched.has(name)) ? byField.get(name) ?? [] : [];
        box.hidden = list.length === 0;
        box.innerHTML = list.map((e) => `<div class="error-line"><span class="msg">${esc(e.msg)}</span> ` +
          `<code class="type" title="Pydantic error type">${esc(e.type)}</code>` +
          `${e.loc.length > 2 ? ` <code class="loc">${esc(JSON.stringify(e.loc.slice(1)))}</code>` : ''}</div>`).join('');
        const wrapper = box.parentElement;
        wrapper.classList.toggle('invalid', list.length > 0);
        inputs.get(name).setAttribute('aria-invalid', String(list.length > 0));
      }
      return other;
    },
  };
}
