/**
 * What `inspectModel` returns: the model's signature and metadata in protobuf's JSON mapping of
 * onnx.proto (the names `MessageToDict` gives), with int64 values as numbers (exact up to 2^53),
 * plus `stats` about the graph. docs/model-info.md lists the differences from `MessageToDict`.
 */
export interface ModelInfo {
  irVersion: number;
  /** Operator sets the model uses; `domain` '' is the default ai.onnx domain. */
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: {
    name: string;
    docString: string;
    /** Inputs the caller feeds: graph inputs that are not initializers. */
    input: ValueInfo[];
    output: ValueInfo[];
  };
  /** `metadata_props` in file order (a model may carry its schema under `onnx_predict.schema`). */
  metadataProps: { key: string; value: string }[];
  stats: {
    /** Nodes of the main graph (subgraphs of If/Loop/Scan not included). */
    nodeCount: number;
    /** Node count per domain ('' = ai.onnx) and op_type. */
    opTypes: Record<string, Record<string, number>>;
    initializerCount: number;
    /** Bytes of initializer values as stored. */
    initializerBytes: number;
    /** Whether any tensor keeps its values in an external file (not loadable from one buffer). */
    usesExternalData: boolean;
  };
}

export interface ValueInfo {
  name: string;
  /** Absent when the model does not declare a type. */
  type?: TypeProto;
  docString?: string;
}

/** onnx.proto TypeProto: exactly one of the `*Type` members is set (none for an empty type). */
export interface TypeProto {
  tensorType?: TensorTypeProto;
  sparseTensorType?: TensorTypeProto;
  sequenceType?: { elemType?: TypeProto };
  optionalType?: { elemType?: TypeProto };
  mapType?: { keyType?: number; valueType?: TypeProto };
  opaqueType?: { domain?: string; name?: string };
  denotation?: string;
}

export interface TensorTypeProto {
  /** TensorProto.DataType: 1 float32, 7 int64, 8 string, 9 bool, 11 float64, … */
  elemType?: number;
  /** Absent: rank unknown. `dim: []`: a scalar. */
  shape?: { dim: Dimension[] };
}

/** A fixed size, a symbolic size, or `{}` when nothing is known. */
export interface Dimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

/** `model.info`: the ModelInfo of the bytes ONNX Runtime runs, and what loading rewrote. */
export interface LoadedModelInfo extends ModelInfo {
  /** The ZipMap rewrite (docs/rewrite.md); `enabled: false` when loadModel's `rewriteZipMap` was false. */
  rewrite: RewriteReport;
}

export interface RewriteReport {
  enabled: boolean;
  /** Whether ONNX Runtime runs rewritten bytes. */
  changed: boolean;
  /** One per rewritten ZipMap output, in graph output order. */
  rewrites: ZipMapRewrite[];
  /** What was left unchanged, and why (a declined ZipMap, a sequence output no ZipMap makes, …). */
  notes: RewriteNote[];
}

export interface ZipMapRewrite {
  /** The graph output the ZipMap made (a sequence of maps). */
  output: string;
  /** The graph output now: a float [N, C] tensor (the same name unless `renamed`). */
  newOutput: string;
  /** The ZipMap's input tensor, whose values `newOutput` carries. */
  probabilities: string;
  renamed: boolean;
  /** The ZipMap node's name and where it was ("graph.node[5]"). */
  node: string;
  path: string;
  /** Label of column j (int64 labels in decimal). */
  classes: string[];
  int64Labels: boolean;
  note: string;
}

export interface RewriteNote {
  output: string;
  node: string;
  path: string;
  note: string;
}
