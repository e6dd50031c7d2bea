// An 8×8 digit pad for models trained on scikit-learn's digits (UCI optdigits): strokes drawn with
// a mouse, pen or finger are fitted into a 32×32 bitmap as that data set's digits were (size-
// normalized, centered), and each 4×4 block's count of ink pixels (0..16) becomes one pixel_R_C.
import { el } from './dom.js';

const BITMAP = 32;
const BOX = 24;            // the digit's longer side (stroke centres) in the 32×32 bitmap; with the pen it spans ~30 px
const STROKE = 5.5;        // pen width in bitmap pixels: optdigits' strokes are thick (a '1' covers 2-3 blocks)
const DISPLAY_WIDTH = 20;  // pen width on the drawing canvas (CSS pixels, 256 px wide)

/** 64 intensities 0..16 (row-major) from strokes [[{x, y}, …], …] in any coordinate space. */
export function strokesToPixels(strokes) {
  const points = strokes.flat();
  const values = new Array(64).fill(0);
  if (points.length === 0) return values;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = BOX / Math.max(maxX - minX, maxY - minY, 1);
  const offsetX = (BITMAP - (maxX - minX) * scale) / 2;
  const offsetY = (BITMAP - (maxY - minY) * scale) / 2;
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(BITMAP, BITMAP)
    : Object.assign(document.createElement('canvas'), { width: BITMAP, height: BITMAP });
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = STROKE;
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#000';
  for (const stroke of strokes) {
    const mapped = stroke.map((p) => [(p.x - minX) * scale + offsetX, (p.y - minY) * scale + offsetY]);
    ctx.beginPath();
    if (mapped.length === 1) {
      ctx.arc(mapped[0][0], mapped[0][1], STROKE / 2, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.moveTo(...mapped[0]);
    for (const p of mapped.slice(1)) ctx.lineTo(...p);
    ctx.stroke();
  }
  const { data } = ctx.getImageData(0, 0, BITMAP, BITMAP);
  for (let y = 0; y < BITMAP; y++) {
    for (let x = 0; x < BITMAP; x++) {
      if (data[(y * BITMAP + x) * 4 + 3] >= 128) values[(y >> 2) * 8 + (x >> 2)] += 1;
    }
  }
  return values;
}

/**
 * Mounts the pad in `container`. `onDigit(values)` gets 64 intensities (row-major, 0..16) after
 * every stroke; `onClear()` after the Clear button. Returns { clear(), show(values) }.
 */
export function mountDigitPad(container, { onDigit, onClear }) {
  const canvas = el('canvas', { class: 'pad', width: 256, height: 256, 'aria-label': 'Draw a digit here',
    dataset: { testid: 'digits-canvas' } });
  const previewGrid = el('div', { class: 'digit-preview', 'aria-label': '8×8 pixels sent to the model', dataset: { testid: 'digits-preview' } });
  const cells = Array.from({ length: 64 }, (_, i) => el('span', { class: 'px', dataset: { index: i } }));
  previewGrid.append(...cells);
  const clearButton = el('button', { type: 'button', class: 'btn btn-ghost', id: 'digits-clear', dataset: { testid: 'digits-clear' } }, 'Clear');
  container.replaceChildren(
    el('div', { class: 'pad-wrap' }, canvas,
      el('div', { class: 'pad-side' },
        el('div', { class: 'pad-caption' }, 'What the model sees (8×8, 0–16)'), previewGrid,
        el('p', { class: 'muted small' }, 'Draw one digit, large, with the mouse or a finger. Each stroke predicts again.'),
        clearButton)));

  const ctx = canvas.getContext('2d');
  const scale = window.devicePixelRatio || 1;
  canvas.width = 256 * scale;
  canvas.height = 256 * scale;
  ctx.scale(scale, scale);
  let strokes = [];
  let current = null;

  const paint = () => {
    ctx.clearRect(0, 0, 256, 256);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = DISPLAY_WIDTH;
    ctx.strokeStyle = getComputedStyle(canvas).color;
    for (const stroke of strokes) {
      ctx.beginPath();
      ctx.moveTo(stroke[0].x, stroke[0].y);
      for (const p of stroke) ctx.lineTo(p.x, p.y);
      if (stroke.length === 1) ctx.lineTo(stroke[0].x + 0.1, stroke[0].y);
      ctx.stroke();
    }
  };
  const point = (event) => {
    const rect = canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * 256, y: ((event.clientY - rect.top) / rect.height) * 256 };
  };
  const preview = (values) => {
    values.forEach((v, i) => {
      cells[i].style.setProperty('--ink', String(v / 16));
      cells[i].title = `pixel_${i >> 3}_${i & 7} = ${v}`;
      cells[i].dataset.value = v;
    });
  };

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    paint();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    for (const e of event.getCoalescedEvents?.() ?? [event]) current.push(point(e));
    paint();
  });
  const finish = () => {
    if (!current) return;
    current = null;
    const values = strokesToPixels(strokes);
    preview(values);
    onDigit(values);
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  const clear = () => {
    strokes = [];
    current = null;
    paint();
    preview(new Array(64).fill(0));
  };
  clearButton.addEventListener('click', () => {
    clear();
    onClear?.();
  });
  preview(new Array(64).fill(0));
  /** show(values): clears the drawing and previews 64 given intensities (an example's pixels). */
  return { clear, show: (values) => { clear(); preview(values); } };
}
