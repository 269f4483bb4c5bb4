"""The OpenAPI 3.1 document of the JSON API, served at /openapi.json.

Tests check real responses against it, and schemathesis generates requests from it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("openapi", __name__)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


SESSION_ID = {
    "name": "session_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}
COMMON_ERRORS = {
    "405": _error("Method not allowed"),
    "413": _error("Body too large"),
    "429": _error("Too many requests; see Retry-After"),
    "503": _error("The database is unreachable for a moment; send it again"),
}
EMPTY_OBJECT = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object"}}},
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "casereview web chat API",
        "version": "1.0.0",
        "description": "Contract section 2: ask for an ASB case review by chat. "
        "Bot text is plain text, never HTML.",
    },
    "paths": {
        "/api/chat/sessions": {
            "post": {
                "summary": "Start a conversation",
                "operationId": "startSession",
                "requestBody": EMPTY_OBJECT,
                "responses": {
                    "201": _json("Turn", "The first turn"),
                    "400": _error("Not a JSON object"),
                    "415": _error("Not application/json"),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/chat/sessions/{session_id}": {
            "get": {
                "summary": "The transcript so far, to resume after a reload",
                "operationId": "getSession",
                "parameters": [SESSION_ID],
                "responses": {
                    "200": _json("Session", "The conversation so far"),
                    "404": _error("Unknown or expired session"),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/chat/sessions/{session_id}/messages": {
            "post": {
                "summary": "Send the resident's message",
                "operationId": "postMessage",
                "parameters": [SESSION_ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["text"],
                                "properties": {
                                    "text": {
                                        "type": "string",
                                        "description": "Over 10,000 characters gets 413.",
                                    },
                                    "values": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "maxItems": 50,
                                        "description": "For a choice question: the values of "
                                        "the choices picked on screen, read as they are (text "
                                        "is then what the transcript shows).",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json("Turn", "The next turn"),
                    "400": _error("Bad JSON, or no text"),
                    "404": _error("Unknown or expired session"),
                    "415": _error("Not application/json"),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/chat/sessions/{session_id}/extend": {
            "post": {
                "summary": "More time: restart the idle timer",
                "operationId": "extendSession",
                "parameters": [SESSION_ID],
                "requestBody": EMPTY_OBJECT,
                "responses": {
                    "200": _json("Extended", "The new expiry time"),
                    "400": _error("Not a JSON object"),
                    "404": _error("Unknown or expired session"),
                    "415": _error("Not application/json"),
                    **COMMON_ERRORS,
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Choice": {
                "type": "object",
                "required": ["value", "label"],
                "properties": {"value": {"type": "string"}, "label": {"type": "string"}},
                "additionalProperties": False,
            },
            "Expects": {
                "type": "object",
                "required": ["field", "kind", "optional", "choices", "incident"],
                "properties": {
                    "field": {"type": "string"},
                    "kind": {
                        "enum": [
                            "text",
                            "yes_no",
                            "choice",
                            "multi_choice",
                            "date",
                            "phone",
                            "email",
                            "postcode",
                            "number",
                            "confirm",
                        ],
                    },
                    "optional": {"type": "boolean"},
                    "choices": {"type": "array", "items": {"$ref": "#/components/schemas/Choice"}},
                    "incident": {"type": ["integer", "null"], "minimum": 1},
                    "question": {"type": "string"},
                    "title": {"type": "string"},
                    "hint": {"type": "string"},
                    "unsure": {"type": "boolean"},
                    "answer": {
                        "oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}},
                        ]
                    },
                    "max_length": {"type": ["integer", "null"]},
                    "review": {"type": "array", "items": {"$ref": "#/components/schemas/Section"}},
                    "incidents": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["number", "date", "description"],
                            "properties": {
                                "number": {"type": "integer"},
                                "date": {"type": "string"},
                                "description": {"type": "string"},
                            },
                        },
                    },
                },
                "additionalProperties": False,
            },
            "Section": {
                "type": "object",
                "required": ["section", "rows", "remove"],
                "properties": {
                    "section": {"type": "string"},
                    "rows": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["label", "value", "change"],
                            "properties": {
                                "label": {"type": "string"},
                                "value": {"type": "string"},
                                "change": {"type": "string"},
                            },
                        },
                    },
                    "remove": {"type": ["string", "null"]},
                },
            },
            "Turn": {
                "type": "object",
                "required": ["session_id", "messages", "expects", "done", "reference"],
                "properties": {
                    "session_id": {"type": "string", "minLength": 22},
                    "messages": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["text"],
                            "properties": {"text": {"type": "string"}},
                            "additionalProperties": False,
                        },
                    },
                    "expects": {
                        "oneOf": [{"$ref": "#/components/schemas/Expects"}, {"type": "null"}]
                    },
                    "done": {"type": "boolean"},
                    "reference": {"type": ["string", "null"], "pattern": "^CR-"},
                    "problem": {"type": ["string", "null"]},
                    "expires_at": {"type": ["string", "null"], "format": "date-time"},
                    "feedback": {"type": "array", "items": {"type": "string"}},
                },
                "additionalProperties": False,
            },
            "Session": {
                "type": "object",
                "required": ["session_id", "transcript", "expects", "done", "reference"],
                "properties": {
                    "session_id": {"type": "string"},
                    "transcript": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["from", "text"],
                            "properties": {
                                "from": {"enum": ["bot", "resident"]},
                                "text": {"type": "string"},
                            },
                            "additionalProperties": False,
                        },
                    },
                    "expects": {
                        "oneOf": [{"$ref": "#/components/schemas/Expects"}, {"type": "null"}]
                    },
                    "done": {"type": "boolean"},
                    "reference": {"type": ["string", "null"]},
                    "expires_at": {"type": ["string", "null"], "format": "date-time"},
                },
                "additionalProperties": False,
            },
            "Extended": {
                "type": "object",
                "required": ["session_id", "expires_at"],
                "properties": {
                    "session_id": {"type": "string"},
                    # null: the conversation has ended, so there is no timer to restart
                    "expires_at": {"type": ["string", "null"], "format": "date-time"},
                },
                "additionalProperties": False,
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        "additionalProperties": False,
                    }
                },
                "additionalProperties": False,
            },
        }
    },
}


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The API's OpenAPI document."""
    return jsonify(DOCUMENT)
