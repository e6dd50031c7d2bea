// Type-checked in CI (npm test): the public API as a TypeScript user writes it.
import {
  compileSchema,
  inspectModel,
  loadModel,
  OnnxPredictError,
  type BatchPrediction,
  type ColumnarPrediction,
  type ResultColumn,
  type ModelInfo,
  type RewriteReport,
  type PredictionResult,
  type ValidationErrorItem,
} from 'onnx-predict';

export async function example(bytes: Uint8Array): Promise<void> {
  const info: ModelInfo = await inspectModel(bytes);
  const firstInput: string = info.graph.input[0].name;
  const dims = info.graph.input[0].type?.tensorType?.shape?.dim.map((d) => d.dimValue ?? d.dimParam);

  const model = await loadModel('https://example.com/iris.onnx', {
    sha256: 'sha256-abc=',
    onProgress: ({ loaded, total }) => void (total === undefined ? loaded : loaded / total),
    timeoutMs: 5000,
    cache: 'only-if-cached',
    selfCheck: true,
    rewriteZipMap: true,
  });
  const rewrite: RewriteReport = model.info.rewrite;
  const probabilityClasses: string[][] = rewrite.rewrites.map((r) => r.classes);
  const notes: string[] = rewrite.notes.map((n) => `${n.path}: ${n.note}`);
  const one: PredictionResult = await model.predict({ sepal_length: 5.1 });
  const batch: BatchPrediction = await model.predictBatch([{ sepal_length: 5.1 }], { onInvalid: 'skip' });
  const errors: ValidationErrorItem[] = batch.errors.concat(model.validate([]));
  const columnar: ColumnarPrediction = await model.predictColumns({ sepal_length: Float64Array.of(5.1) }, { output: 'columns' });
  const fromRecords: ColumnarPrediction = await model.predictBatch([{ sepal_length: 5.1 }], { output: 'columns', onInvalid: 'skip' });
  const labels: ResultColumn = columnar.columns.label;
  const firstLabel: string | undefined = labels.names?.[labels.indices?.[0] ?? 0];
  const probability: number | undefined = fromRecords.columns.probabilities?.numbers?.[0];
  const rowsAndIndex: [number, Uint32Array] = [columnar.rows, columnar.indices];
  const asObjects: BatchPrediction = await model.predictColumns({ sepal_length: [5.1] });
  const source: 'given' | 'embedded' | 'derived' = model.schema.source;
  model.dispose();

  const schema = await compileSchema({ type: 'object' }, { maxErrors: 10 });
  const locs: (string | number)[][] = schema.validate({}).map((e) => e.loc);
  schema[Symbol.dispose]();

  try {
    await inspectModel(new ArrayBuffer(0));
  } catch (e) {
    if (e instanceof OnnxPredictError && e.code === 'unsafe_format') console.log(e.details.format);
  }
  console.log(firstInput, dims, one, errors, source, locs, probabilityClasses, notes, firstLabel, probability, rowsAndIndex, asObjects);
}
