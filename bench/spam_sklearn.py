"""scikit-learn side of bench/spam.ts: TF-IDF (1-2-grams, 20,000 features) + LogisticRegression,
cross-validated on the folds bench/spam.ts wrote, TF-IDF fitted inside each fold.

Called by bench/spam.ts as: /usr/bin/python3 bench/spam_sklearn.py <corpus.jsonl> <folds.json>
(corpus.jsonl: one {"text", "label"} object a line; folds.json: the test row indices of each fold).
Prints one JSON object: wall and CPU seconds of cross_validate, and the accuracy of each fold.
"""
import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
from sklearn.pipeline import Pipeline


def main():
    corpus_path, folds_path = sys.argv[1], sys.argv[2]
    with open(corpus_path, encoding="utf-8") as f:
        mails = [json.loads(line) for line in f if line.strip()]
    with open(folds_path, encoding="utf-8") as f:
        tests = json.load(f)
    docs = [m["text"] for m in mails]
    y = np.array([m["label"] for m in mails])
    n = len(docs)
    cv = []
    for test in tests:
        mask = np.ones(n, dtype=bool)
        mask[test] = False
        cv.append((np.flatnonzero(mask), np.array(test)))
    pipeline = Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), max_features=20000)),
        ("logreg", LogisticRegression()),
    ])
    wall = time.perf_counter()
    cpu = time.process_time()
    scores = cross_validate(pipeline, docs, y, cv=cv, scoring="accuracy", n_jobs=1)
    print(json.dumps({
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": time.process_time() - cpu,
        "accuracy": [float(s) for s in scores["test_score"]],
    }))


if __name__ == "__main__":
    main()
