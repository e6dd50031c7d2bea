#!/usr/bin/python3
"""The reference side of the conformance test: reads every model and test vector of Debian's
libonnx-testdata with onnx's own Python reader and prints one JSON document:

  {"models": [{"path", "signature"}], "tensors": [{"path", "dataType", "dims", "byteLength", "sha256"}],
   "skipped": [{"path", "reason"}]}

`signature` is MessageToDict of the model restricted to the signature fields, normalized to the
conventions of onnx-predict's ModelInfo (docs/model-info.md): int64 strings become numbers, absent
top-level scalars get their proto default, opset domains are always present, an empty shape is
{"dim": []}, empty docStrings are dropped, and graph inputs that are initializers are removed.
Tensor values are compared by the SHA-256 of numpy_helper.to_array(t).tobytes() (bitwise).
Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy).
"""
import glob
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from google.protobuf.json_format import MessageToDict
from onnx import numpy_helper

DATA = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/libonnx-testdata/data"  # argv[2]: scratch dir


def normalize_type(t):
    out = {}
    for key, value in t.items():
        if key in ("tensorType", "sparseTensorType"):
            tt = {}
            if "elemType" in value:
                tt["elemType"] = value["elemType"]
            if "shape" in value:
                dims = []
                for d in value["shape"].get("dim", []):
                    nd = {}
                    if "dimValue" in d:
                        nd["dimValue"] = int(d["dimValue"])
                    if "dimParam" in d:
                        nd["dimParam"] = d["dimParam"]
                    if d.get("denotation"):
                        nd["denotation"] = d["denotation"]
                    dims.append(nd)
                tt["shape"] = {"dim": dims}
            out[key] = tt
        elif key in ("sequenceType", "optionalType"):
            out[key] = {"elemType": normalize_type(value["elemType"])} if "elemType" in value else {}
        elif key == "mapType":
            m = {}
            if "keyType" in value:
                m["keyType"] = value["keyType"]
            if "valueType" in value:
                m["valueType"] = normalize_type(value["valueType"])
            out[key] = m
        elif key == "denotation":
            if value:
                out[key] = value
        else:
            out[key] = value
    return out


def normalize_value_info(v):
    out = {"name": v.get("name", "")}
    if "type" in v:
        out["type"] = normalize_type(v["type"])
    if v.get("docString"):
        out["docString"] = v["docString"]
    return out


def signature(model):
    d = MessageToDict(model)
    g = d.get("graph", {})
    initializers = {t.name for t in model.graph.initializer} | {t.values.name for t in model.graph.sparse_initializer}
    return {
        "irVersion": int(d.get("irVersion", 0)),
        "opsetImport": [{"domain": o.get("domain", ""), "version": int(o.get("version", 0))} for o in d.get("opsetImport", [])],
        "producerName": d.get("producerName", ""),
        "producerVersion": d.get("producerVersion", ""),
        "domain": d.get("domain", ""),
        "modelVersion": int(d.get("modelVersion", 0)),
        "docString": d.get("docString", ""),
        "graph": {
            "name": g.get("name", ""),
            "docString": g.get("docString", ""),
            "input": [normalize_value_info(v) for v in g.get("input", []) if v.get("name", "") not in initializers],
            "output": [normalize_value_info(v) for v in g.get("output", [])],
        },
        "metadataProps": [{"key": p.get("key", ""), "value": p.get("value", "")} for p in d.get("metadataProps", [])],
    }


def tensor_entry(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    arr = numpy_helper.to_array(t)
    if t.data_type == onnx.TensorProto.STRING:
        data = b"".join(len(s).to_bytes(4, "little") + s for s in t.string_data)  # same framing as the JS side
    else:
        data = np.ascontiguousarray(arr).tobytes()
    return {"dataType": t.data_type, "dims": [int(x) for x in t.dims], "byteLength": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def typed_field_tensors(directory):
    """TensorProtos that keep their values in the typed fields (float_data, int32_data, ...), not
    raw_data: libonnx-testdata's vectors all use raw_data. One file per element type."""
    rng = np.random.default_rng(7)
    P = onnx.TensorProto
    cases = {
        P.FLOAT: rng.normal(size=(2, 3)).astype(np.float32), P.DOUBLE: rng.normal(size=(3, 2)),
        P.UINT8: rng.integers(0, 255, (4,)), P.INT8: rng.integers(-128, 127, (2, 2)),
        P.UINT16: rng.integers(0, 65535, (3,)), P.INT16: rng.integers(-32768, 32767, (3,)),
        P.INT32: rng.integers(-2**31, 2**31 - 1, (2, 2)), P.INT64: rng.integers(-2**62, 2**62, (5,)),
        P.UINT32: rng.integers(0, 2**32 - 1, (3,)), P.UINT64: rng.integers(0, 2**63, (2,), dtype=np.uint64),
        P.BOOL: rng.integers(0, 2, (2, 3)).astype(bool), P.FLOAT16: rng.normal(size=(4,)).astype(np.float16),
        P.BFLOAT16: rng.normal(size=(3,)).astype(np.float32), P.STRING: np.array([b"setosa", b"versicolor", "virginica \u00e9".encode()]),
    }
    paths = []
    for data_type, values in cases.items():
        t = onnx.helper.make_tensor(f"typed_{data_type}", data_type, values.shape, values.flatten().tolist(), raw=False)
        assert not t.HasField("raw_data")
        path = os.path.join(directory, f"typed_{onnx.TensorProto.DataType.Name(data_type).lower()}.pb")
        with open(path, "wb") as f:
            f.write(t.SerializeToString())
        paths.append(path)
    return paths


def main():
    out = {"models": [], "tensors": [], "skipped": []}
    if len(sys.argv) > 2:  # a scratch directory for the typed-field tensors
        for path in typed_field_tensors(sys.argv[2]):
            entry = tensor_entry(path)
            entry["path"] = path
            out["tensors"].append(entry)
    for model_path in sorted(glob.glob(os.path.join(DATA, "**", "model.onnx"), recursive=True)):
        model = onnx.load(model_path)
        out["models"].append({"path": model_path, "signature": signature(model)})
        # Test vectors are TensorProtos only where the matching graph input/output is a tensor;
        # the others are SequenceProto/MapProto/OptionalProto and are listed as skipped.
        inputs = [v for v in model.graph.input if v.name not in {t.name for t in model.graph.initializer}]
        outputs = list(model.graph.output)
        for pb in sorted(glob.glob(os.path.join(os.path.dirname(model_path), "test_data_set_*", "*.pb"))):
            name = os.path.basename(pb)
            kind, index = name[:-3].rsplit("_", 1)
            values = inputs if kind == "input" else outputs
            index = int(index)
            if index >= len(values) or not values[index].type.HasField("tensor_type"):
                out["skipped"].append({"path": pb, "reason": "not a TensorProto (sequence, map or optional value)"})
                continue
            entry = tensor_entry(pb)
            entry["path"] = pb
            out["tensors"].append(entry)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
