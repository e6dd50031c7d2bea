// A module Web Worker bundled by Vite: the package works off the main thread too.
import { loadModel } from 'onnx-predict';

const model = loadModel(new URL('./iris.onnx', self.location.origin + '/').href);

self.onmessage = async ({ data: record }) => {
  try {
    self.postMessage({ result: await (await model).predict(record) });
  } catch (error) {
    self.postMessage({ error: `${error.code}: ${error.message}` });
  }
};
