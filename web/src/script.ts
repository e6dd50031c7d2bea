// Entry of the classic-script bundle (dist/onnx-predict.min.js, global `OnnxPredict`) for <script>
// tags and importScripts() in Web Workers. ONNX Runtime Web's wasm is shipped beside the bundle
// (dist/ort/), found from this script's own URL unless `wasmPaths` says otherwise.
import { setDefaultOrtWasmPaths } from './model.js';

export * from './index.js';

function thisScriptUrl(): string | undefined {
  if (typeof document !== 'undefined') {
    const script = document.currentScript as HTMLScriptElement | null;
    if (script?.src) return script.src;
  }
  // importScripts() in a worker has no currentScript: the first stack frame names this file.
  return /((?:https?|file|chrome-extension):\/\/[^\s()]+):\d+:\d+/.exec(new Error().stack ?? '')?.[1];
}

const scriptUrl = thisScriptUrl();
if (scriptUrl) setDefaultOrtWasmPaths(new URL('ort/', scriptUrl).href);
