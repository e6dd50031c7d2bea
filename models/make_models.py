#!/usr/bin/python3
"""Trains the models onnx-predict ships and writes them as .onnx files in this folder.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-onnx, python3-numpy):
    /usr/bin/python3 models/make_models.py
Deterministic: the same packages give the same bytes. skl2onnx is not packaged in Debian, so the
conversion is written by hand with onnx.helper; each model carries its input/output schema and
held-out examples in metadata_props["onnx_predict.schema"] (docs/schema.md, issue #3).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))


def iris():
    """Logistic regression on Fisher's iris data (bundled with scikit-learn: no download),
    exported as ai.onnx.ml LinearClassifier with a softmax over the class scores."""
    data = load_iris()
    features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    classes = [str(c) for c in data.target_names]
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=0, stratify=data.target)
    clf = LogisticRegression(max_iter=1000).fit(x_train, y_train)

    # The exported parameters must reproduce predict_proba (multinomial: softmax of the scores).
    scores = x_test @ clf.coef_.T + clf.intercept_
    softmax = np.exp(scores - scores.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.allclose(softmax, clf.predict_proba(x_test), atol=1e-9)

    examples = [
        {"input": dict(zip(features, map(float, row))),
         "output": {"label": classes[int(label)], "probabilities": dict(zip(classes, map(float, probs)))}}
        for row, label, probs in zip(x_test[:3], clf.predict(x_test[:3]), clf.predict_proba(x_test[:3]))
    ]
    schema = {
        "version": 1,
        "input": {
            "title": "IrisFlower", "type": "object",
            "properties": {f: {"title": f.replace("_", " ").capitalize() + " (cm)", "type": "number", "minimum": 0, "maximum": 100}
                           for f in features},
            "required": features, "additionalProperties": False,
        },
        "bind": {"X": {"dtype": "float32", "features": features}},
        "output": {"label": {"from": "label", "kind": "label", "classes": classes},
                   "probabilities": {"from": "probabilities", "kind": "probabilities", "classes": classes}},
        "examples": examples,
    }
    node = helper.make_node(
        "LinearClassifier", ["X"], ["label", "probabilities"], domain="ai.onnx.ml",
        coefficients=clf.coef_.astype(np.float32).flatten().tolist(),
        intercepts=clf.intercept_.astype(np.float32).tolist(),
        classlabels_strings=classes, multi_class=1, post_transform="SOFTMAX")
    graph = helper.make_graph(
        [node], "iris_logistic_regression",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("label", TensorProto.STRING, ["N"]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 3])])
    model = helper.make_model(
        graph, producer_name="onnx-predict models/make_models.py", producer_version="1",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
        doc_string="Iris species from sepal and petal sizes: scikit-learn LogisticRegression, "
                   f"held-out accuracy {clf.score(x_test, y_test):.3f}.")
    model.ir_version = 8
    model.model_version = 1
    helper.set_model_props(model, {"onnx_predict.schema": json.dumps(schema), "dataset": "iris (scikit-learn, CC BY 4.0)"})
    onnx.checker.check_model(model)
    return model


def main():
    for name, build in [("iris", iris)]:
        path = os.path.join(HERE, f"{name}.onnx")
        onnx.save(build(), path)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
