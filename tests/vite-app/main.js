// What a frontend developer writes: import the package, load a model, predict. No configuration:
// the bundler must find every wasm file by itself, on the main thread and in a module worker.
import { loadModel } from 'onnx-predict';

export const record = { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 };

async function onMainThread() {
  const model = await loadModel('./iris.onnx');
  const result = await model.predict(record);
  model.dispose();
  return result;
}

function inWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.result));
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(record);
  });
}

function show(id, promise) {
  const out = document.getElementById(id);
  return promise.then(
    (result) => { out.textContent = JSON.stringify(result); out.dataset.state = 'done'; },
    (error) => { out.textContent = `${error.code ?? 'error'}: ${error.message}`; out.dataset.state = 'error'; },
  );
}

show('main-result', onMainThread());
show('worker-result', inWorker());
