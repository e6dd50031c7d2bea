#!/usr/bin/python3
"""Writes the wide-schema benchmark's models: Y = X @ W, X float32[N, n], with an embedded schema
of n number fields (bounds and a title each, all required, no extra keys), for each n given.

    /usr/bin/python3 bench/make_wide_models.py DIR 64 256 1000   → DIR/wide-64.onnx, ...

Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def field_names(n: int) -> list:
    return [f"feature_{i:04d}" for i in range(n)]


def build_model(n: int) -> onnx.ModelProto:
    names = field_names(n)
    weights = numpy_helper.from_array(np.linspace(-1, 1, n, dtype=np.float32).reshape(n, 1), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["y"])], f"wide_{n}",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    schema = {
        "version": 1,
        "input": {"type": "object",
                  "properties": {f: {"title": f, "type": "number", "minimum": -1000, "maximum": 1000} for f in names},
                  "required": names, "additionalProperties": False},
        "bind": {"X": {"dtype": "float32", "features": names}},
        "output": {"y": {"from": "y", "kind": "value"}},
    }
    model.metadata_props.add(key="onnx_predict.schema", value=json.dumps(schema))
    return model


def main() -> None:
    out_dir, widths = sys.argv[1], [int(n) for n in sys.argv[2:]]
    os.makedirs(out_dir, exist_ok=True)
    for n in widths:
        path = os.path.join(out_dir, f"wide-{n}.onnx")
        onnx.save(build_model(n), path + ".tmp")
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
