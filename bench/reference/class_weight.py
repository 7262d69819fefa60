"""Reference figures for class_weight, from Debian's scikit-learn 1.2.1.

Writes test/fixtures/reference/class_weight.json:
- compute_class_weight: sklearn's per-class weights for 'balanced' and maps on small label lists;

Run: /usr/bin/python3 bench/reference/class_weight.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.utils.class_weight import compute_class_weight

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "class_weight.json")

WEIGHT_CASES = [
    {"y": ["a", "a", "a", "a", "a", "a", "a", "b", "b", "c"], "class_weight": "balanced"},
    {"y": ["no"] * 90 + ["yes"] * 10, "class_weight": "balanced"},
    {"y": ["0", "1", "1", "2", "2", "2", "2"], "class_weight": "balanced"},
    {"y": ["a", "a", "a", "a", "b", "b", "c"], "class_weight": {"b": 3.0}},
    {"y": ["a", "a", "a", "a", "b", "b", "c"], "class_weight": {"a": 0.5, "b": 2.0, "c": 10.0}},
    {"y": ["no"] * 90 + ["yes"] * 10, "class_weight": {"yes": 9.0}},
]


def compute_cases():
    cases = []
    for case in WEIGHT_CASES:
        y = np.array(case["y"])
        classes = np.unique(y)
        weights = compute_class_weight(case["class_weight"], classes=classes, y=y)
        cases.append({**case, "classes": classes.tolist(), "weights": weights.tolist()})
    return cases


def main():
    fixture = {"sklearn": sklearn.__version__, "compute_class_weight": compute_cases()}
    with open(OUT, "w") as out:
        json.dump(fixture, out, indent=1)
        out.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
