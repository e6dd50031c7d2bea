#!/usr/bin/python3
"""The reference side of the Pydantic oracle test (tests/node/pydantic-oracle.test.mjs): defines
four Pydantic v1 models, and prints one JSON document with each model's `schema()` and records
that Pydantic itself has validated:

  {"pydantic": "1.10.4",
   "models": [{"name", "schema", "records": [{"value", "errors": [{"loc", "type", "msg"}], "v1_schema"}]}]}

`errors` is `ValidationError.errors()` (loc as a list of str/int), `[]` for a valid record.
`v1_schema` is false for the records that `schema()` cannot describe (below); the test compares
those against the hand-written Pydantic-v2-style schemas only.

Which records. Pydantic v1 coerces where JSON Schema does not: "5" and 5.7 pass as int 5, True as
int 1, 5 as str "5", "true"/1/0 as bool, "1.5" as float, a list of pairs as a sub-model (dict()),
and it matches `regex` with re.match, where `$` also matches before a final "\n". It also stops at
a field's first failing constraint (length before pattern, list length before items), where a
JSON Schema validator reports every failing keyword. So the invalid values below are chosen, by
construction, to be ones both sides reject for exactly one reason: wrong-typed objects, lists,
non-numeric strings and null; numbers out of range; strings too short, too long or not matching
an anchored ASCII pattern; unknown enum members; missing and extra fields; errors inside
sub-models and list items; lists of the wrong length. Each mutation breaks one check of one
field; a record combines mutations of unrelated fields. Nothing else is excluded, and the test
compares every error of every record.

`schema()` writes Optional[X] as plain X (no null), so an explicit null for an Optional field,
which Pydantic accepts, is such a record: `v1_schema` false.

Run with Debian's /usr/bin/python3 (python3-pydantic 1.10).
"""
import enum
import json
import random
import sys
from typing import List, Optional, Tuple

import pydantic
from pydantic import BaseModel, Field, ValidationError, confloat, conint, conlist, constr

assert pydantic.VERSION.startswith("1."), f"needs pydantic v1 (Debian's python3-pydantic), got {pydantic.VERSION}"

MISSING = object()  # a mutation that deletes the field
COMBINED_RECORDS = 12  # per model, each 2-4 mutations of unrelated fields
SEED = 20240917


class Forbid:
    extra = "forbid"


# --- Iris: four constrained floats -----------------------------------------------------------

class Iris(BaseModel):
    sepal_length: confloat(ge=0, le=100)
    sepal_width: confloat(ge=0, le=100)
    petal_length: confloat(ge=0, le=100)
    petal_width: confloat(ge=0, le=100)
    Config = Forbid


IRIS_FIELDS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
IRIS = {
    "model": Iris,
    "valid": [
        {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
        {"sepal_length": 0, "sepal_width": 100, "petal_length": 0.0, "petal_width": 100.0},
        {"sepal_length": 7, "sepal_width": 3, "petal_length": 6, "petal_width": 2},
    ],
    "mutations": [((f,), v) for f in IRIS_FIELDS for v in (-0.5, 100.5, "abc", None, [1.0], {}, MISSING)]
    + [(("species",), "setosa"), (("SEPAL_LENGTH",), 5.0)],
    "optional_nulls": [],
}


# --- House: exclusive bounds, Optional int, bool, constr with regex, enum, tuple ---------------

class Neighborhood(str, enum.Enum):
    downtown = "downtown"
    suburb = "suburb"
    rural = "rural"


class House(BaseModel):
    area: confloat(gt=10, lt=10000)
    bedrooms: conint(ge=0, le=20)
    year_built: Optional[conint(ge=1800, lt=2100)] = None
    garage: bool
    zipcode: constr(min_length=5, max_length=10, regex=r"^[0-9]{3,}(-[0-9]{4})?$")
    neighborhood: Neighborhood
    location: Tuple[confloat(ge=-90, le=90), confloat(ge=-180, le=180)]
    Config = Forbid


HOUSE = {
    "model": House,
    "valid": [
        {"area": 120.5, "bedrooms": 3, "year_built": 1995, "garage": True, "zipcode": "12345-6789",
         "neighborhood": "suburb", "location": [48.85, 2.35]},
        {"area": 10.001, "bedrooms": 0, "garage": False, "zipcode": "12345", "neighborhood": "rural",
         "location": [-90, 180]},
        {"area": 9999.5, "bedrooms": 20, "year_built": 2099, "garage": False, "zipcode": "1234567890",
         "neighborhood": "downtown", "location": [0, 0]},
    ],
    "mutations": [
        (("area",), 10), (("area",), 10000), (("area",), -5), (("area",), "big"), (("area",), None),
        (("area",), MISSING),
        (("bedrooms",), -1), (("bedrooms",), 21), (("bedrooms",), "three"), (("bedrooms",), [2]),
        (("bedrooms",), None), (("bedrooms",), MISSING),
        (("year_built",), 1799), (("year_built",), 2100), (("year_built",), "1990s"), (("year_built",), {}),
        (("garage",), 2), (("garage",), "maybe"), (("garage",), {}), (("garage",), None), (("garage",), MISSING),
        (("zipcode",), "1234"), (("zipcode",), "12345678901"), (("zipcode",), "ABCDE"), (("zipcode",), []),
        (("zipcode",), None), (("zipcode",), MISSING),
        (("neighborhood",), "castle"), (("neighborhood",), "Downtown"), (("neighborhood",), 5),
        (("neighborhood",), None), (("neighborhood",), MISSING),
        (("location",), [45.0]), (("location",), [1, 2, 3]), (("location",), "north"), (("location",), None),
        (("location",), MISSING), (("location", 0), 91), (("location", 1), -180.5), (("location", 0), "x"),
        (("price",), 250000),
    ],
    "optional_nulls": [("year_built",)],
}


# --- Car: nested sub-models (one Optional), enum, multiple_of, Optional[conint(ge=0)] ----------

class Fuel(str, enum.Enum):
    petrol = "petrol"
    diesel = "diesel"
    electric = "electric"
    hybrid = "hybrid"


class Engine(BaseModel):
    hp: conint(gt=0, lt=2000)
    cylinders: conint(ge=0, le=16, multiple_of=2)
    turbo: bool = False
    Config = Forbid


class Owner(BaseModel):
    name: constr(min_length=1, max_length=40)
    age: conint(ge=18, le=120)
    Config = Forbid


class Car(BaseModel):
    make: constr(min_length=2, max_length=20)
    model_year: conint(ge=1950, le=2030)
    price: confloat(gt=0)
    fuel: Fuel
    engine: Engine
    owner: Optional[Owner] = None
    mileage: Optional[conint(ge=0)] = None
    Config = Forbid


CAR = {
    "model": Car,
    "valid": [
        {"make": "Volvo", "model_year": 2018, "price": 18500.0, "fuel": "diesel",
         "engine": {"hp": 190, "cylinders": 4, "turbo": True}, "owner": {"name": "Ada", "age": 36}, "mileage": 42000},
        {"make": "VW", "model_year": 1950, "price": 0.01, "fuel": "electric", "engine": {"hp": 1, "cylinders": 0}},
        {"make": "Rolls-Royce Phantom", "model_year": 2030, "price": 450000, "fuel": "petrol",
         "engine": {"hp": 1999, "cylinders": 16, "turbo": False}, "mileage": 0},
    ],
    "mutations": [
        (("make",), "A"), (("make",), "X" * 21), (("make",), ["Ford"]), (("make",), None), (("make",), MISSING),
        (("model_year",), 1949), (("model_year",), 2031), (("model_year",), "2020x"), (("model_year",), None),
        (("model_year",), MISSING),
        (("price",), 0), (("price",), -100.5), (("price",), "cheap"), (("price",), MISSING),
        (("fuel",), "coal"), (("fuel",), ""), (("fuel",), 3), (("fuel",), None), (("fuel",), MISSING),
        (("engine",), "V8"), (("engine",), 8), (("engine",), None), (("engine",), MISSING),
        (("engine", "hp"), 0), (("engine", "hp"), 2000), (("engine", "hp"), "fast"), (("engine", "hp"), None),
        (("engine", "hp"), MISSING),
        (("engine", "cylinders"), 3), (("engine", "cylinders"), 18), (("engine", "cylinders"), -2),
        (("engine", "cylinders"), MISSING),
        (("engine", "turbo"), "sometimes"), (("engine", "turbo"), 7), (("engine", "valves"), 16),
        (("owner",), "me"), (("owner",), 5),
        (("owner", "name"), ""), (("owner", "name"), []), (("owner", "name"), MISSING),
        (("owner", "age"), 17), (("owner", "age"), 121), (("owner", "age"), "old"), (("owner", "age"), MISSING),
        (("owner", "email"), "ada@example.org"),
        (("mileage",), -1), (("mileage",), "far"), (("mileage",), []),
        (("color",), "red"),
    ],
    "optional_nulls": [("owner",), ("mileage",)],
}


# --- Survey: constrained lists, list of sub-models, Optional list, bool ------------------------

class Reading(BaseModel):
    sensor: constr(regex=r"^[a-z]{2}[0-9]$")
    value: confloat(ge=-50, le=50)
    Config = Forbid


class Survey(BaseModel):
    respondent: constr(min_length=3, max_length=12)
    scores: List[conint(ge=0, le=10)] = Field(..., min_items=1, max_items=5)
    tags: Optional[conlist(constr(max_length=8), max_items=4, unique_items=True)] = None
    consent: bool
    readings: List[Reading] = Field([], max_items=3)
    Config = Forbid


READING = {"sensor": "ab1", "value": 1.5}
SURVEY = {
    "model": Survey,
    "valid": [
        {"respondent": "r-0042", "scores": [3, 7, 5], "tags": ["red", "blue"], "consent": True,
         "readings": [READING, {"sensor": "cd2", "value": -3}]},
        {"respondent": "abc", "scores": [0], "consent": False},
        {"respondent": "abcdefghijkl", "scores": [10, 10, 0, 0, 10], "tags": [], "consent": True,
         "readings": [{"sensor": "zz9", "value": 50}, {"sensor": "aa0", "value": -50}, READING]},
    ],
    "mutations": [
        (("respondent",), "ab"), (("respondent",), "abcdefghijklm"), (("respondent",), {}),
        (("respondent",), None), (("respondent",), MISSING),
        (("scores",), []), (("scores",), [1, 2, 3, 4, 5, 6]), (("scores",), "1,2,3"), (("scores",), {}),
        (("scores",), None), (("scores",), MISSING),
        (("scores", 0), 11), (("scores", 1), -1), (("scores", 2), "x"), (("scores", 2), None),
        (("tags",), ["a", "a"]), (("tags",), ["a", "b", "c", "d", "e"]), (("tags",), "tag"),
        (("tags", 1), "waytoolongtag"), (("tags", 0), []),
        (("consent",), "perhaps"), (("consent",), 3), (("consent",), []), (("consent",), None),
        (("consent",), MISSING),
        (("readings",), "none"), (("readings",), [READING] * 4),
        (("readings", 0), "x"), (("readings", 1, "value"), 50.5), (("readings", 1, "value"), "hot"),
        (("readings", 1, "sensor"), "AB1"), (("readings", 0, "sensor"), MISSING), (("readings", 0, "note"), "x"),
        (("comment",), "hi"),
    ],
    "optional_nulls": [("tags",)],
}

MODELS = [IRIS, HOUSE, CAR, SURVEY]


def mutate(record, mutations):
    out = json.loads(json.dumps(record))  # a deep copy
    for path, value in mutations:
        parent = out
        for step in path[:-1]:
            parent = parent[step]
        if value is MISSING:
            del parent[path[-1]]
        else:
            parent[path[-1]] = json.loads(json.dumps(value))
    return out


def related(a, b):
    """True when one path is a prefix of the other: mutating both would not break two checks."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def pydantic_errors(model, value):
    try:
        model.parse_obj(value)
        return []
    except ValidationError as e:
        return [{"loc": list(err["loc"]), "type": err["type"], "msg": err["msg"]} for err in e.errors()]


def records_of(spec, rng):
    base = spec["valid"][0]
    values = [(v, True) for v in spec["valid"]]
    values += [(mutate(base, [m]), True) for m in spec["mutations"]]
    for _ in range(COMBINED_RECORDS):
        count, chosen = rng.randint(2, 4), []
        for m in rng.sample(spec["mutations"], len(spec["mutations"])):
            if len(chosen) < count and not any(related(m[0], c[0]) for c in chosen):
                chosen.append(m)
        values.append((mutate(base, chosen), True))
    values += [(mutate(base, [(path, None)]), False) for path in spec["optional_nulls"]]
    records = []
    for value, v1_schema in values:
        errors = pydantic_errors(spec["model"], value)
        records.append({"value": value, "errors": errors, "v1_schema": v1_schema})
    n_valid = len(spec["valid"]) + len(spec["optional_nulls"])
    # Every mutation must make the record invalid to Pydantic, and nothing else may.
    for i, r in enumerate(records):
        assert bool(r["errors"]) == (len(spec["valid"]) <= i < len(records) - len(spec["optional_nulls"])), r
    assert len(records) - n_valid >= 20
    return records


def main():
    rng = random.Random(SEED)
    doc = {"pydantic": pydantic.VERSION, "models": []}
    for spec in MODELS:
        model = spec["model"]
        doc["models"].append({"name": model.__name__, "schema": model.schema(), "records": records_of(spec, rng)})
    json.dump(doc, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
