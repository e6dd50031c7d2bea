#!/usr/bin/python3
"""Writes the signature-read benchmark's large model: a valid ONNX file whose one big initializer
is >= 200 MB, so that reading its signature shows whether the reader skips weights by length.

    Y = MatMul(X, W) + B     X: float32[batch, 1024]   W: float32[1024, 51200] (200 MiB)
                             B: float32[51200]         Y: float32[batch, 51200]

Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 bench/make_large_model.py build/bench-models/large-200mb.onnx [--columns N]

The weights are random float32 from a fixed seed, built by numpy and stored as TensorProto
raw_data (never through Python lists). The file is written next to its destination and renamed
into place, so an interrupted run never leaves a truncated model that looks finished.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROWS = 1024
DEFAULT_COLUMNS = 51200  # 1024 x 51200 float32 = 52,428,800 floats = 209,715,200 bytes


def build_model(columns: int) -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((ROWS, columns), dtype=np.float32)
    bias = rng.standard_normal((columns,), dtype=np.float32)
    graph = helper.make_graph(
        nodes=[
            helper.make_node("MatMul", ["input", "W"], ["projected"], name="matmul"),
            helper.make_node("Add", ["projected", "B"], ["output"], name="add_bias"),
        ],
        name="large_projection",
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", ROWS])],
        outputs=[helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", columns])],
        # from_array stores the array's bytes as raw_data.
        initializer=[numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "B")],
        doc_string="One dense layer whose weights dwarf everything else in the file.",
    )
    model = helper.make_model(
        graph,
        producer_name="onnx-predict-bench",
        producer_version="1",
        doc_string="Signature-read benchmark model (bench/make_large_model.py).",
        opset_imports=[helper.make_opsetid("", 17)],
    )
    model.ir_version = 8
    helper.set_model_props(model, {
        "onnx_predict.bench": "model_info",
        "author": "bench/make_large_model.py",
        "weights": f"float32[{ROWS},{columns}] random normal, seed 0",
    })
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", help="where to write the .onnx file")
    parser.add_argument("--columns", type=int, default=DEFAULT_COLUMNS,
                        help=f"columns of W (default {DEFAULT_COLUMNS}: a 200 MiB initializer)")
    args = parser.parse_args()

    model = build_model(args.columns)
    directory = os.path.dirname(os.path.abspath(args.path))
    os.makedirs(directory, exist_ok=True)
    partial = args.path + ".partial"
    onnx.save_model(model, partial)
    # The path form reads the file in C++ (no 2 GB protobuf limit in Python); full_check runs
    # shape inference as well.
    onnx.checker.check_model(partial, full_check=True)
    os.replace(partial, args.path)
    print(f"{args.path}: {os.path.getsize(args.path)} bytes, initializer W "
          f"{ROWS * args.columns * 4} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
