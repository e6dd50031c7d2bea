// The core's .wasm as base64, generated into dist/wasm by scripts/build-package.sh.
declare const coreWasmBase64: string;
export default coreWasmBase64;
