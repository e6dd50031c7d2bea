// Type of the Emscripten glue (a MODULARIZE factory), copied into dist/wasm from build/wasm.
import type { CoreModule } from '../core.js';

declare function createOnnxPredictCore(options?: {
  wasmBinary?: Uint8Array | ArrayBuffer;
}): Promise<CoreModule>;
export = createOnnxPredictCore;
