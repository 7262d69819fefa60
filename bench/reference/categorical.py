"""Reference for categorical columns on the dictionary-coded path (issue 19 item 1).

Writes test/fixtures/datasets/categorical_orders.csv (600 rows: three categorical features with missing cells, two
numeric features, a three-class string target; numpy seed 19) and test/fixtures/reference/categorical.json:
scikit-learn 1.2.1's predictions and probabilities for
  SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore") on the categorical columns,
  StandardScaler on the numeric ones, LogisticRegression(C=1, tol=1e-10, max_iter=10000),
fitted on the first 450 rows and applied to the last 150 (which hold a category the training rows never saw), plus the
most frequent value of each categorical column in the training rows and the OrdinalEncoder's categories.

  /usr/bin/python3 bench/reference/categorical.py
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CSV = os.path.join(ROOT, "test", "fixtures", "datasets", "categorical_orders.csv")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "categorical.json")
CATEGORICAL = ["region", "channel", "product"]
NUMERIC = ["price", "quantity"]
TRAIN = 450

rng = np.random.default_rng(19)
n = 600
region = rng.choice(["north", "south", "east", "west"], size=n, p=[0.4, 0.3, 0.2, 0.1]).astype(object)
channel = rng.choice(["web", "shop", "phone"], size=n).astype(object)
product = np.array([f"p{int(k):02d}" for k in rng.integers(0, 12, size=n)], dtype=object)
product[TRAIN + 5] = "p99"  # a category only the held-out rows have
price = np.round(rng.normal(50, 15, size=n), 2)
quantity = rng.integers(1, 10, size=n).astype(float)
for column in (region, channel, product):
    column[rng.random(n) < 0.05] = None
score = np.stack(
    [
        (region == "north") * 1.5 + (channel == "web") * 1.0 - 0.02 * price,
        (region == "south") * 1.2 + np.isin(product, ["p01", "p02", "p03"]) * 1.5 + 0.1 * quantity,
        (channel == "phone") * 1.4 + 0.01 * price,
    ],
    axis=1,
) + rng.gumbel(size=(n, 3))
label = np.array(["low", "mid", "high"])[score.argmax(axis=1)]
frame = pd.DataFrame({"region": region, "channel": channel, "product": product, "price": price, "quantity": quantity, "label": label})
frame.to_csv(CSV, index=False)

data = pd.read_csv(CSV, dtype={c: "category" for c in CATEGORICAL})
X, y = data.drop(columns="label"), data["label"].astype(str)
X_train, X_test, y_train = X.iloc[:TRAIN], X.iloc[TRAIN:], y.iloc[:TRAIN]
categorical = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
prepare = ColumnTransformer([("cat", categorical, CATEGORICAL), ("num", StandardScaler(), NUMERIC)])
model = make_pipeline(prepare, LogisticRegression(C=1.0, tol=1e-10, max_iter=10000)).fit(X_train, y_train)
imputer = SimpleImputer(strategy="most_frequent").fit(X_train[CATEGORICAL].astype(object))
ordinal = OrdinalEncoder().fit(X_train[CATEGORICAL].astype(object).fillna("missing_value"))

with open(OUT, "w") as f:
    json.dump(
        {
            "sklearn": sklearn.__version__,
            "train_rows": TRAIN,
            "classes": model.classes_.tolist(),
            "most_frequent": dict(zip(CATEGORICAL, imputer.statistics_.tolist())),
            "ordinal_categories": {c: cats.tolist() for c, cats in zip(CATEGORICAL, ordinal.categories_)},
            "predictions": model.predict(X_test).tolist(),
            "proba": model.predict_proba(X_test).tolist(),
            "train_accuracy": float((model.predict(X_train) == y_train).mean()),
        },
        f,
        indent=1,
    )
print(f"wrote {CSV} and {OUT}")
