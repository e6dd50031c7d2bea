// A classic Web Worker that loads the package with importScripts() and predicts on request.
importScripts('/dist/onnx-predict.min.js');

self.onmessage = async ({ data: { url, records } }) => {
  try {
    const model = await OnnxPredict.loadModel(url);
    const batch = await model.predictBatch(records, { onInvalid: 'skip' });
    model.dispose();
    self.postMessage({ batch });
  } catch (error) {
    self.postMessage({ error: { name: error.name, code: error.code, message: error.message } });
  }
};
