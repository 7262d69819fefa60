#!/usr/bin/env python3
"""
The scikit-learn anchor of bench/serve.ts: a Flask service with the same /invocations contract
(dataframe_records in; predictions, probabilities, labels, prediction_ids out) serving the
scikit-learn equivalent of the benchmarked run (StandardScaler + LogisticRegression(C=1.0)) trained
on the same CSV. Served by gunicorn (Debian's `gunicorn` package: one gthread worker with 4 threads,
one serving process like the Node service) when it is installed, otherwise by werkzeug's threaded server.

    /usr/bin/python3 bench/serve_flask.py --data test/fixtures/datasets/iris.csv --target species --port 8081 [--server gunicorn|werkzeug]

Prints one JSON line {"event": "listening", "url": ..., "pid": ..., "server": ...} on stdout when ready.
"""
import argparse
import itertools
import json
import os
import sys
import uuid

import numpy as np
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def build_app(data_path, target):
    data = pd.read_csv(data_path)
    X, y = data.drop(columns=[target]), data[target].astype(str)
    columns = list(X.columns)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=100)).fit(X, y)
    labels = [str(c) for c in model.classes_]
    prefix = uuid.uuid4().hex[:8]
    counter = itertools.count()
    app = Flask(__name__)

    def error(status, code, detail):
        response = jsonify({"error": code, "detail": detail})
        response.status_code = status
        return response

    @app.post("/invocations")
    def invocations():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("dataframe_records"), list) or not body["dataframe_records"]:
            return error(400, "invalid_shape", "send {\"dataframe_records\": [...]}")
        records = body["dataframe_records"]
        for i, record in enumerate(records):
            if not isinstance(record, dict) or set(record) != set(columns):
                return error(400, "wrong_columns", f"row {i + 1} must hold exactly {columns}")
            for name in columns:
                if not isinstance(record[name], (int, float)) or isinstance(record[name], bool):
                    return error(400, "wrong_type", f"column \"{name}\" is numeric but row {i + 1} holds {record[name]!r}")
        frame = pd.DataFrame.from_records(records, columns=columns)
        probabilities = model.predict_proba(frame)
        predictions = [labels[k] for k in np.argmax(probabilities, axis=1)]
        ids = [f"{prefix}-{next(counter)}" for _ in records]
        return jsonify({"predictions": predictions, "probabilities": probabilities.tolist(), "labels": labels, "prediction_ids": ids})

    @app.get("/ping")
    def ping():
        return "pong\n"

    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", choices=["gunicorn", "werkzeug"], default=None)
    args = parser.parse_args()
    app = build_app(args.data, args.target)
    server = args.server
    if server is None:
        try:
            import gunicorn  # noqa: F401
            server = "gunicorn"
        except ImportError:
            server = "werkzeug"
    url = f"http://127.0.0.1:{args.port}"
    if server == "gunicorn":
        from gunicorn.app.base import BaseApplication

        class Standalone(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"127.0.0.1:{args.port}")
                self.cfg.set("workers", 1)
                # gthread keeps connections alive (the sync worker closes each one); still one process.
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", 4)
                self.cfg.set("keepalive", 5)
                self.cfg.set("loglevel", "warning")
                self.cfg.set("when_ready", lambda _server: print(json.dumps({"event": "listening", "url": url, "pid": os.getpid(), "server": "gunicorn"}), flush=True))

            def load(self):
                return app

        Standalone().run()
    else:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        print(json.dumps({"event": "listening", "url": url, "pid": os.getpid(), "server": "werkzeug"}), flush=True)
        app.run(host="127.0.0.1", port=args.port, threaded=True)


if __name__ == "__main__":
    sys.exit(main())
