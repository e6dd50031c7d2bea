#!/usr/bin/python3
"""Trains the models onnx-predict ships and writes them as .onnx files in this folder.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-onnx, python3-numpy, python3-pydantic)
from anywhere; it needs `node` and the repo's node_modules (onnxruntime-web) for the check:
    /usr/bin/python3 models/make_models.py
Deterministic: the same packages give the same bytes. skl2onnx is not packaged in Debian, so the
conversion is written by hand with onnx.helper; each model carries its input/output schema and
held-out examples in metadata_props["onnx_predict.schema"] (docs/schema.md, issue #3).

Beside each NAME.onnx it writes NAME.reference.json: held-out records and scikit-learn's outputs
for them. Then it checks every model independently of scikit-learn and of onnx-predict: the
records are packed into tensors as the schema's `bind` says (the packer below, written from
docs/schema.md), run by raw ONNX Runtime Web (check_with_ort.mjs; Debian's onnx 1.12 has no
onnx.reference evaluator), and the outputs decoded as the schema's `output` says. Any label that
differs from scikit-learn's, or any probability or value more than 1e-5 away, is an error: the
script exits 1 (after writing the files, so that they can be inspected).
"""
import json
import math
import os
import subprocess
import sys

# One BLAS thread: the same sums in the same order on any machine, so the same trained weights.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PRODUCER = "onnx-predict models/make_models.py"
TOLERANCE = 1e-5
UCI_LICENCE = "CC BY 4.0 (UCI Machine Learning Repository)"


def finish(graph, doc_string, schema, dataset):
    """The ModelProto around a graph, as every model here is written."""
    model = helper.make_model(
        graph, producer_name=PRODUCER, producer_version="1",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
        doc_string=doc_string)
    model.ir_version = 8
    model.model_version = 1
    helper.set_model_props(model, {"onnx_predict.schema": json.dumps(schema), "dataset": dataset})
    onnx.checker.check_model(model)
    return model


def classifier_cases(records, labels, probabilities, classes):
    return [{"input": record,
             "output": {"label": classes[int(label)], "probabilities": dict(zip(classes, map(float, probs)))}}
            for record, label, probs in zip(records, labels, probabilities)]


def regressor_cases(records, values):
    return [{"input": record, "output": {"value": float(value)}} for record, value in zip(records, values)]


def rows_to_records(x, features):
    return [dict(zip(features, map(float, row))) for row in x]


def f32_le(t):
    """The largest float32 <= t. For a float32 x, `x <= t` (in float64) iff `x <= f32_le(t)`."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


# ---- iris: the default model ------------------------------------------------------------------

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
        classlabels_ints=list(range(len(classes))), multi_class=1, post_transform="SOFTMAX")
    graph = helper.make_graph(
        [node], "iris_logistic_regression",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 3])])
    model = finish(graph, "Iris species from sepal and petal sizes: scikit-learn LogisticRegression, "
                          f"held-out accuracy {clf.score(x_test, y_test):.3f}.",
                   schema, "iris (scikit-learn, CC BY 4.0)")
    cases = classifier_cases(rows_to_records(x_test, features), clf.predict(x_test), clf.predict_proba(x_test), classes)
    everything = classifier_cases(rows_to_records(data.data, features), clf.predict(data.data), clf.predict_proba(data.data), classes)
    return model, cases, everything


# ---- breast_cancer: StandardScaler + random forest ----------------------------------------------

def tree_ensemble_attributes(forest, n_classes):
    """ai.onnx.ml TreeEnsembleClassifier attributes reproducing forest.predict_proba.

    scikit-learn's trees compare float32(x) <= threshold (float64), going left when true: each
    threshold is stored as the largest float32 not above it, so ONNX's float32 comparison decides
    every split the same way. A leaf's value is its (weighted) class counts: its vote is the
    class distribution divided by the number of trees, so that the sum over trees is the mean."""
    attrs = {name: [] for name in (
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes", "nodes_values",
        "nodes_truenodeids", "nodes_falsenodeids", "class_treeids", "class_nodeids", "class_ids", "class_weights")}
    n_trees = len(forest.estimators_)
    for tree_id, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        for node in range(tree.node_count):
            leaf = tree.children_left[node] == -1
            attrs["nodes_treeids"].append(tree_id)
            attrs["nodes_nodeids"].append(node)
            attrs["nodes_featureids"].append(0 if leaf else int(tree.feature[node]))
            attrs["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            attrs["nodes_values"].append(0.0 if leaf else f32_le(tree.threshold[node]))
            attrs["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[node]))
            attrs["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[node]))
            if leaf:
                counts = tree.value[node][0]
                for class_id in range(n_classes):
                    attrs["class_treeids"].append(tree_id)
                    attrs["class_nodeids"].append(node)
                    attrs["class_ids"].append(class_id)
                    attrs["class_weights"].append(float(counts[class_id] / counts.sum() / n_trees))
    return attrs


def breast_cancer():
    """Random forest on the Wisconsin diagnostic breast cancer data, behind a StandardScaler (the
    Pipeline a user would write; trees do not need it). ONNX: Sub → Div → Cast (the scaler) →
    ai.onnx.ml TreeEnsembleClassifier → ArgMax for the label."""
    data = load_breast_cancer()
    features = [name.replace(" ", "_") for name in data.feature_names]
    classes = [str(c) for c in data.target_names]  # malignant, benign
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.2, random_state=0, stratify=data.target)
    pipe = Pipeline([("scale", StandardScaler()),
                     ("forest", RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0))]).fit(x_train, y_train)
    scaler, forest = pipe.named_steps["scale"], pipe.named_steps["forest"]
    accuracy = pipe.score(x_test, y_test)

    cases = classifier_cases(rows_to_records(x_test, features), pipe.predict(x_test), pipe.predict_proba(x_test), classes)
    schema = {
        "version": 1,
        "input": {
            "title": "CellNuclei", "type": "object",
            "description": "Features of the cell nuclei in a digitized image of a fine needle aspirate of a breast mass.",
            "properties": {f: {"title": name[0].upper() + name[1:], "type": "number", "minimum": 0}
                           for f, name in zip(features, data.feature_names)},
            "required": features, "additionalProperties": False,
        },
        "bind": {"X": {"dtype": "float64", "features": features}},
        "output": {"label": {"from": "label", "kind": "label", "classes": classes},
                   "probabilities": {"from": "probabilities", "kind": "probabilities", "classes": classes}},
        "examples": cases[:3],
    }
    # StandardScaler.transform is `(X - mean_) / scale_` in float64, and the forest then casts to
    # float32: Sub, Div and Cast on a float64 input do exactly that, so every split is decided as
    # in scikit-learn. (ai.onnx.ml Scaler computes in float32 with float32 parameters: on this
    # data that moves scaled values across 5 thresholds, changing probabilities by 0.04.)
    initializers = [helper.make_tensor("mean", TensorProto.DOUBLE, [len(features)], scaler.mean_.tolist()),
                    helper.make_tensor("scale", TensorProto.DOUBLE, [len(features)], scaler.scale_.tolist())]
    scale = [helper.make_node("Sub", ["X", "mean"], ["centred"]),
             helper.make_node("Div", ["centred", "scale"], ["scaled64"]),
             helper.make_node("Cast", ["scaled64"], ["scaled"], to=TensorProto.FLOAT)]
    # The label is the ArgMax of the probabilities, as scikit-learn's predict is (the first class
    # on a tie). The operator's own label output is not used: with votes for both classes, ONNX
    # Runtime labels a record with the second class whenever its score is above 0 (not 0.5).
    trees = helper.make_node("TreeEnsembleClassifier", ["scaled"], ["forest_label", "probabilities"], domain="ai.onnx.ml",
                             classlabels_int64s=list(range(len(classes))), post_transform="NONE",
                             **tree_ensemble_attributes(forest, len(classes)))
    argmax = helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0)
    graph = helper.make_graph(
        [*scale, trees, argmax], "breast_cancer_random_forest",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, ["N", len(features)])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", len(classes)])],
        initializer=initializers)
    model = finish(graph, "Breast mass malignant or benign from 30 cell-nucleus features: scikit-learn StandardScaler + "
                          f"RandomForestClassifier (50 trees, max_depth 8), held-out accuracy {accuracy:.3f} "
                          f"({len(y_test)} records).",
                   schema, f"Breast Cancer Wisconsin (Diagnostic), scikit-learn load_breast_cancer; {UCI_LICENCE}")
    everything = classifier_cases(rows_to_records(data.data, features), pipe.predict(data.data), pipe.predict_proba(data.data), classes)
    return model, cases, everything


# ---- digits: a small neural network ---------------------------------------------------------------

def scale_pixels(x):
    return x / 16.0  # pixel values are 0..16; a power of two, so exact in float32 and float64


def digits():
    """A one-hidden-layer MLP on the 8x8 handwritten digits, as standard ONNX operators:
    Mul (the pixel scaling) → Gemm → Relu → Gemm → Softmax, and ArgMax for the label."""
    data = load_digits()
    features = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    classes = [str(c) for c in data.target_names]
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.1, random_state=0, stratify=data.target)
    pipe = Pipeline([("scale", FunctionTransformer(scale_pixels)),
                     ("mlp", MLPClassifier(hidden_layer_sizes=(32,), activation="relu", alpha=1e-3,
                                           max_iter=1000, random_state=0))]).fit(x_train, y_train)
    mlp = pipe.named_steps["mlp"]
    assert mlp.out_activation_ == "softmax" and mlp.n_iter_ < mlp.max_iter, "the MLP did not converge"
    accuracy = pipe.score(x_test, y_test)

    def as_records(x):
        return [dict(zip(features, map(int, row))) for row in x]

    cases = classifier_cases(as_records(x_test), pipe.predict(x_test), pipe.predict_proba(x_test), classes)
    schema = {
        "version": 1,
        "input": {
            "title": "DigitImage", "type": "object",
            "description": "An 8x8 image of a handwritten digit: each pixel counts the set pixels in a 4x4 block of the 32x32 bitmap.",
            "properties": {f"pixel_{r}_{c}": {"title": f"Pixel row {r} column {c}", "type": "integer", "minimum": 0, "maximum": 16}
                           for r in range(8) for c in range(8)},
            "required": features, "additionalProperties": False,
        },
        "bind": {"X": {"dtype": "float32", "features": features}},
        "output": {"label": {"from": "label", "kind": "label", "classes": classes},
                   "probabilities": {"from": "probabilities", "kind": "probabilities", "classes": classes}},
        "examples": cases[:3],
    }
    (w1, w2), (b1, b2) = mlp.coefs_, mlp.intercepts_
    f32 = lambda name, a: helper.make_tensor(name, TensorProto.FLOAT, a.shape, a.astype(np.float32).flatten().tolist())  # noqa: E731
    initializers = [helper.make_tensor("pixel_scale", TensorProto.FLOAT, [], [1.0 / 16.0]),
                    f32("W1", w1), f32("B1", b1), f32("W2", w2), f32("B2", b2)]
    nodes = [helper.make_node("Mul", ["X", "pixel_scale"], ["x_scaled"]),
             helper.make_node("Gemm", ["x_scaled", "W1", "B1"], ["hidden_in"]),
             helper.make_node("Relu", ["hidden_in"], ["hidden"]),
             helper.make_node("Gemm", ["hidden", "W2", "B2"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
             helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0)]
    graph = helper.make_graph(
        nodes, "digits_mlp",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 64])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10])],
        initializer=initializers)
    model = finish(graph, "Handwritten digit 0-9 from an 8x8 image (64 pixels, 0..16): scikit-learn MLPClassifier "
                          f"(one hidden layer of 32 ReLU units), held-out accuracy {accuracy:.3f} ({len(y_test)} records).",
                   schema, f"Optical Recognition of Handwritten Digits (test set), scikit-learn load_digits; {UCI_LICENCE}")
    everything = classifier_cases(as_records(data.data), pipe.predict(data.data), pipe.predict_proba(data.data), classes)
    return model, cases, everything


# ---- diabetes: linear regression in float64 -----------------------------------------------------

def diabetes():
    """Ordinary least squares on the diabetes data (raw, unscaled values), as MatMul + Add in
    double precision: a float32 output could not hold values near 300 to 1e-5."""
    data = load_diabetes(scaled=False)
    fields = [  # (sklearn name, field, title, schema constraints)
        ("age", "age", "Age (years)", {"type": "number", "minimum": 0, "maximum": 120}),
        ("sex", "sex", "Sex (coded 1 or 2)", {"type": "integer", "minimum": 1, "maximum": 2}),
        ("bmi", "bmi", "Body mass index", {"type": "number", "minimum": 0}),
        ("bp", "blood_pressure", "Average blood pressure (bp)", {"type": "number", "minimum": 0}),
        ("s1", "total_cholesterol", "Total serum cholesterol (s1, tc)", {"type": "number", "minimum": 0}),
        ("s2", "ldl", "Low-density lipoproteins (s2, ldl)", {"type": "number", "minimum": 0}),
        ("s3", "hdl", "High-density lipoproteins (s3, hdl)", {"type": "number", "minimum": 0}),
        ("s4", "cholesterol_hdl_ratio", "Total cholesterol / HDL (s4, tch)", {"type": "number", "minimum": 0}),
        ("s5", "log_triglycerides", "Possibly log of serum triglycerides level (s5, ltg)", {"type": "number"}),
        ("s6", "blood_sugar", "Blood sugar level (s6, glu)", {"type": "number", "minimum": 0}),
    ]
    assert [f[0] for f in fields] == list(data.feature_names)
    features = [f[1] for f in fields]
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.2, random_state=0)
    reg = LinearRegression().fit(x_train, y_train)
    r2 = reg.score(x_test, y_test)

    def as_records(x):
        return [{f: (int(v) if f == "sex" else float(v)) for f, v in zip(features, row)} for row in x]

    cases = regressor_cases(as_records(x_test), reg.predict(x_test))
    schema = {
        "version": 1,
        "input": {
            "title": "DiabetesPatient", "type": "object",
            "description": "Baseline measurements of a diabetes patient.",
            "properties": {f: {"title": title, **constraints} for _, f, title, constraints in fields},
            "required": features, "additionalProperties": False,
        },
        "bind": {"X": {"dtype": "float64", "features": features}},
        "output": {"value": {"from": "progression", "kind": "value"}},
        "examples": cases[:3],
    }
    initializers = [helper.make_tensor("coef", TensorProto.DOUBLE, [len(features), 1], reg.coef_.tolist()),
                    helper.make_tensor("intercept", TensorProto.DOUBLE, [1], [float(reg.intercept_)])]
    nodes = [helper.make_node("MatMul", ["X", "coef"], ["product"]),
             helper.make_node("Add", ["product", "intercept"], ["progression"])]
    graph = helper.make_graph(
        nodes, "diabetes_linear_regression",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, ["N", len(features)])],
        [helper.make_tensor_value_info("progression", TensorProto.DOUBLE, ["N", 1])],
        initializer=initializers)
    model = finish(graph, "Disease progression one year after baseline from 10 baseline measurements: scikit-learn "
                          f"LinearRegression, held-out R^2 {r2:.3f} ({len(y_test)} records).",
                   schema, "Diabetes (Efron, Hastie, Johnstone, Tibshirani 2004, 'Least Angle Regression'), "
                           "scikit-learn load_diabetes(scaled=False); scikit-learn states no licence for it")
    everything = regressor_cases(as_records(data.data), reg.predict(data.data))
    return model, cases, everything


# ---- iris_petal_width: a string category and an optional field ---------------------------------

def iris_petal_width_schema(classes):
    """The record as a Pydantic v1 model describes it (`schema()`), with one change: v1 writes
    Optional[float] as a plain number, which refuses the explicit null that v1 itself accepts,
    so the optional field's type is widened to ["number", "null"]."""
    from enum import Enum
    from typing import Optional

    from pydantic import BaseModel, Extra, Field

    Species = Enum("Species", {c: c for c in classes}, type=str)

    class IrisWithoutPetalWidth(BaseModel):
        class Config:
            extra = Extra.forbid

        species: Species = Field(..., title="Species")
        sepal_length: float = Field(..., ge=0, le=100, title="Sepal length (cm)")
        sepal_width: Optional[float] = Field(None, ge=0, le=100, title="Sepal width (cm)",
                                             description="Optional: when missing, the model uses the training mean.")
        petal_length: float = Field(..., ge=0, le=100, title="Petal length (cm)")

    schema = IrisWithoutPetalWidth.schema()
    assert schema["properties"]["sepal_width"]["type"] == "number" and "sepal_width" not in schema["required"]
    schema["properties"]["sepal_width"]["type"] = ["number", "null"]
    return schema, IrisWithoutPetalWidth


def iris_petal_width():
    """Petal width from the other three measurements and the species (a string, one-hot encoded by
    the schema's bind); sepal width is optional. scikit-learn: ColumnTransformer(SimpleImputer(mean)
    on the numbers, OneHotEncoder on the species) → LinearRegression. ONNX: the bound row
    [sepal_length, sepal_width (NaN when missing), petal_length, setosa, versicolor, virginica] →
    ai.onnx.ml Imputer (NaN → the training mean) → ai.onnx.ml LinearRegressor."""
    data = load_iris()
    classes = [str(c) for c in data.target_names]
    numeric = ["sepal_length", "sepal_width", "petal_length"]
    x = np.empty((len(data.target), 4), dtype=object)
    x[:, :3] = data.data[:, :3]
    x[:, 3] = [classes[t] for t in data.target]
    y = data.data[:, 3]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0, stratify=data.target)
    # Sepal width is left out of every third held-out record: absent in one, null in the next.
    x_test = x_test.copy()
    missing = [i for i in range(len(x_test)) if i % 3 == 1]
    x_test[missing, 1] = np.nan
    pipe = Pipeline([
        ("columns", ColumnTransformer([
            ("numbers", SimpleImputer(strategy="mean"), [0, 1, 2]),
            ("species", OneHotEncoder(categories=[classes], sparse_output=False), [3])])),
        ("regression", LinearRegression())]).fit(x_train, y_train)
    imputer = pipe.named_steps["columns"].named_transformers_["numbers"]
    reg = pipe.named_steps["regression"]
    r2 = pipe.score(x_test, y_test)

    def as_records(rows):
        records = []
        for i, row in enumerate(rows):
            record = {"species": row[3], "sepal_length": float(row[0]), "sepal_width": float(row[1]), "petal_length": float(row[2])}
            if math.isnan(record["sepal_width"]):
                if (missing.index(i) if i in missing else 0) % 2 == 0:
                    del record["sepal_width"]
                else:
                    record["sepal_width"] = None
            records.append(record)
        return records

    input_schema, pydantic_model = iris_petal_width_schema(classes)
    cases = regressor_cases(as_records(x_test), pipe.predict(x_test))
    for case in cases:  # Pydantic v1 itself accepts every record
        pydantic_model.parse_obj(case["input"])
    examples = [cases[0], cases[1], next(c for c in cases[2:] if c["input"].get("sepal_width", 0) is None)]
    schema = {
        "version": 1,
        "input": input_schema,
        "bind": {"X": {"dtype": "float32", "features": [
            "sepal_length", "sepal_width", "petal_length",
            {"field": "species", "encoding": "one_hot", "categories": classes}]}},
        "output": {"value": {"from": "variable", "kind": "value"}},
        "examples": examples,
    }
    width = len(numeric) + len(classes)
    imputed = imputer.statistics_.tolist() + [0.0] * len(classes)
    nodes = [helper.make_node("Imputer", ["X"], ["imputed"], domain="ai.onnx.ml",
                              imputed_value_floats=np.float32(imputed).tolist(), replaced_value_float=float("nan")),
             helper.make_node("LinearRegressor", ["imputed"], ["variable"], domain="ai.onnx.ml",
                              coefficients=reg.coef_.astype(np.float32).tolist(),
                              intercepts=[float(np.float32(reg.intercept_))])]
    graph = helper.make_graph(
        nodes, "iris_petal_width_linear_regression",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", width])],
        [helper.make_tensor_value_info("variable", TensorProto.FLOAT, ["N", 1])])
    model = finish(graph, "Iris petal width (cm) from sepal length, optional sepal width, petal length and species: "
                          "scikit-learn SimpleImputer(mean) + OneHotEncoder + LinearRegression, "
                          f"held-out R^2 {r2:.3f} ({len(y_test)} records, sepal width missing in {len(missing)}).",
                   schema, "iris (scikit-learn, CC BY 4.0)")
    everything = regressor_cases(as_records(x), pipe.predict(x))
    return model, cases, everything


# ---- the independent check ----------------------------------------------------------------------

NUMPY_DTYPES = {"float32": np.float32, "float64": np.float64, "int64": np.int64, "int32": np.int32}


def pack(schema, records):
    """Records → input tensors, as docs/schema.md says `bind` does ("features" and "field")."""
    properties = schema["input"].get("properties", {})
    tensors = {}
    for name, binding in schema["bind"].items():
        features = binding["features"] if "features" in binding else [binding["field"]]
        rows = []
        for record in records:
            row = []
            for feature in features:
                spec = {"field": feature} if isinstance(feature, str) else feature
                field, encoding = spec["field"], spec.get("encoding", "value")
                value = record.get(field)
                if value is None:
                    value = spec.get("default", properties.get(field, {}).get("default"))
                if encoding == "one_hot":
                    row += [1.0 if value == c else 0.0 for c in spec["categories"]]
                elif encoding == "ordinal":
                    row.append(float("nan") if value is None else float(spec["categories"].index(value)))
                else:
                    row.append(float("nan") if value is None else float(value))
            rows.append(row)
        array = np.array(rows, dtype=NUMPY_DTYPES[binding["dtype"]])
        data = [None if math.isnan(v) else v for v in array.flatten().tolist()]
        tensors[name] = {"dtype": binding["dtype"], "dims": list(array.shape), "data": data}
    return tensors


def run_ort(path, tensors):
    done = subprocess.run(["node", os.path.join(HERE, "check_with_ort.mjs"), path], input=json.dumps({"inputs": tensors}),
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"check_with_ort.mjs failed on {path}:\n{done.stderr}")
    return json.loads(done.stdout)["outputs"]


def decode(schema, outputs, n):
    results = [{} for _ in range(n)]
    for key, spec in schema["output"].items():
        tensor = outputs[spec.get("from", key)]
        data, classes = tensor["data"], spec.get("classes")
        assert tensor["dims"][0] == n, f"output {key}: {tensor['dims']}"
        width = len(data) // n
        for i, result in enumerate(results):
            row = data[i * width:(i + 1) * width]
            if spec["kind"] == "label":
                result[key] = row[0] if isinstance(row[0], str) else classes[row[0]]
            elif spec["kind"] == "probabilities":
                result[key] = dict(zip(classes, row))
            elif spec["kind"] == "value":
                result[key] = row[0] if width == 1 else row
    return results


def max_difference(name, cases, results):
    """The largest |ONNX - scikit-learn| over probabilities and values; exits on a wrong label."""
    worst = 0.0
    for i, (case, result) in enumerate(zip(cases, results)):
        for key, expected in case["output"].items():
            actual = result[key]
            if isinstance(expected, str):
                if actual != expected:
                    sys.exit(f"{name}: record {i}: label {actual!r}, scikit-learn says {expected!r}")
                continue
            pairs = [(expected[c], actual[c]) for c in expected] if isinstance(expected, dict) else [(expected, actual)]
            for e, a in pairs:
                worst = max(worst, math.inf if a is None else abs(a - e))
    return worst


def write_reference(path, name, model, cases):
    lines = ",\n".join("  " + json.dumps(case) for case in cases)
    with open(path, "w") as out:
        out.write(f'{{"model": "{name}.onnx",\n "description": {json.dumps(model.doc_string)},\n'
                  f' "tolerance": {TOLERANCE},\n "cases": [\n{lines}\n]}}\n')


def main():
    failures = []
    for name, build in [("iris", iris), ("breast_cancer", breast_cancer), ("digits", digits),
                        ("diabetes", diabetes), ("iris_petal_width", iris_petal_width)]:
        model, cases, everything = build()
        path = os.path.join(HERE, f"{name}.onnx")
        onnx.save(model, path)
        write_reference(os.path.join(HERE, f"{name}.reference.json"), name, model, cases)
        schema = json.loads(model.metadata_props[0].value)
        diffs = []
        for label, checked in [("held-out", cases), ("whole dataset", everything)]:
            results = decode(schema, run_ort(path, pack(schema, [c["input"] for c in checked])), len(checked))
            diffs.append(max_difference(f"{name} ({label})", checked, results))
        print(f"wrote {path} ({os.path.getsize(path)} bytes) and {name}.reference.json ({len(cases)} records); "
              f"ONNX Runtime Web vs scikit-learn: labels equal, max |diff| {diffs[0]:.3g} held-out, "
              f"{diffs[1]:.3g} on all {len(everything)} records")
        if max(diffs) > TOLERANCE:
            failures.append(f"{name}: max |diff| {max(diffs):.3g} > {TOLERANCE}")
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    main()
