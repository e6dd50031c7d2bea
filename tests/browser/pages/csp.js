// Predicts from page code, so the page's Content-Security-Policy applies to every step (code that
// DevTools evaluates, as page.evaluate does, may generate code whatever the policy says).
// Answers in window.answer: whether this page may generate code, and the prediction or its error.
window.addEventListener('message', async ({ data }) => {
  if (!data || data.type !== 'predict') return;
  let codeGeneration = 'allowed';
  try {
    new Function('');  // eslint-disable-line no-new-func
  } catch {
    codeGeneration = 'refused';
  }
  try {
    const model = await OnnxPredict.loadModel(data.url);
    try {
      window.answer = { codeGeneration, prediction: await model.predictBatch(data.records, { onInvalid: 'skip' }) };
    } finally {
      model.dispose();
    }
  } catch (error) {
    window.answer = { codeGeneration, error: { code: error.code, message: String(error.message ?? error) } };
  }
});
