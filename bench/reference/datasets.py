"""Copies the small real data sets that Debian's python3-sklearn ships into test/fixtures/datasets/.

Run: /usr/bin/python3 bench/reference/datasets.py
"""
import csv
import os

from sklearn.datasets import load_breast_cancer, load_iris, load_diabetes

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "datasets")


def write(name, bunch, target_name, target_values):
    os.makedirs(OUT, exist_ok=True)
    columns = [c.replace(" ", "_").replace("(", "").replace(")", "") for c in bunch.feature_names]
    with open(os.path.join(OUT, name), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns + [target_name])
        for row, target in zip(bunch.data, bunch.target):
            writer.writerow([repr(float(v)) for v in row] + [target_values(target)])


iris = load_iris()
write("iris.csv", iris, "species", lambda t: iris.target_names[t])
cancer = load_breast_cancer()
write("breast_cancer.csv", cancer, "diagnosis", lambda t: cancer.target_names[t])
diabetes = load_diabetes()
write("diabetes.csv", diabetes, "progression", lambda t: repr(float(t)))
