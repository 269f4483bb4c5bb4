"""The baseline: a bare Flask app that only echoes JSON (served by bench/echo_serve.py)."""

from __future__ import annotations

from flask import Flask
from flask import jsonify
from flask import request
from flask.typing import ResponseReturnValue

app = Flask(__name__)


@app.post("/echo")
def echo() -> ResponseReturnValue:
    """Return the JSON body as it came."""
    return jsonify(request.get_json())
