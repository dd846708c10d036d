"""The OpenAPI 3 description of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

NULLABLE_TEXT = {"type": "string", "nullable": True}
PLAIN_TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}  # NUL characters are refused
TIME = {"type": "string", "format": "date-time"}


# The form field types of the FORM schema (engine/domain/forms.py TYPE_NAMES, as the API names them).
FIELD_TYPES = [
    "text",
    "longtext",
    "integer",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "enum",
    "rows",
    "signature",
    "files",
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        401: "no or unknown token",
        403: "the token's user lacks the role",
        404: "no such case or task",
        409: "the task was already done or claimed, or the case changed meanwhile",
        422: "the input is not valid; `errors` maps fields to messages",
    }
    return {str(code): _json(_ref("Error"), text[code]) for code in codes}


def _id_param(name: str) -> dict[str, Any]:
    schema = {"type": "integer", "format": "int32", "minimum": 1, "maximum": 2**31 - 1}
    return {"name": name, "in": "path", "required": True, "schema": schema}


UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["message", "severity"],
        "properties": {
            "element": NULLABLE_TEXT,
            "line": {"type": "integer", "nullable": True},
            "message": {"type": "string"},
            "severity": {"type": "string", "enum": ["error", "warning"]},
            "file": NULLABLE_TEXT,
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            "element": NULLABLE_TEXT,
        },
    },
    "FormField": {
        "type": "object",
        "required": ["id", "type", "label", "required"],
        "properties": {
            "id": {"type": "string"},
            "type": {
                "type": "string",
                "enum": FIELD_TYPES,
                "description": "datetime: ISO 8601, local time of the installation unless an offset is given, "
                "answered in UTC; rows: a list of objects, one key per column; signature: a PNG data URL "
                "(data:image/png;base64,…), answered as its stored file's reference and SHA-256; files: a list of "
                "{filename, content_base64} (PDF, PNG, JPEG, Office; at most 20), answered as the stored files' "
                "references, names and SHA-256",
            },
            "label": {"type": "string"},
            "required": {"type": "boolean"},
            "readonly": {"type": "boolean"},
            "options": {
                "type": "array",
                "items": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            },
            "min": {"type": "number"},
            "max": {"type": "number"},
            "minlength": {"type": "integer"},
            "maxlength": {"type": "integer"},
            "pattern": {"type": "string"},
            "default": {"type": "string"},
            "choices": {
                "type": "object",
                "description": "a decision: the names of the two answers; one must be picked",
                "properties": {"true": {"type": "string"}, "false": {"type": "string"}},
            },
            "user_role": {"type": "string", "description": "names a user with this role (an active account)"},
            "required_unless": {
                "type": "string",
                "description": "required when this yes/no field of the form is answered no (a refusal's reason)",
            },
            "total_of": {
                "type": "array",
                "items": {"type": "string"},
                "description": "computed when blank: the sum of these number fields and rows columns (rows.column)",
            },
            "columns": {
                "type": "array",
                "description": "the columns of a rows field",
                "items": _ref("FormColumn"),
            },
            "max_rows": {"type": "integer"},
        },
    },
    "FormColumn": {
        "type": "object",
        "required": ["id", "type", "label", "required"],
        "properties": {
            "id": {"type": "string"},
            "type": {"type": "string", "enum": ["text", "integer", "decimal", "date"]},
            "label": {"type": "string"},
            "required": {"type": "boolean"},
            "maxlength": {"type": "integer"},
            "product_of": {
                "type": "array",
                "items": {"type": "string"},
                "description": "computed when blank: the product of these columns of the row",
            },
        },
    },
    "Form": {
        "type": "object",
        "required": ["fields"],
        "properties": {"fields": {"type": "array", "items": _ref("FormField")}},
    },
    "Task": {
        "type": "object",
        "required": ["id", "case_id", "case_number", "name", "bpmn_id", "roles", "assignee", "due_at", "form"],
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "case_number": {"type": "string"},
            "name": {"type": "string"},
            "bpmn_id": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string"}},
            "assignee": NULLABLE_TEXT,
            "due_at": {**TIME, "nullable": True},
            "form": _ref("Form"),
        },
    },
    "Case": {
        "type": "object",
        "required": ["id", "number", "status", "process", "version", "data"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string"},
            "status": {"type": "string", "enum": ["running", "completed", "cancelled", "error"]},
            "process": {"type": "string"},
            "version": {"type": "integer"},
            "data": {"type": "object"},
            "created_at": TIME,
            "next_timer_at": {**TIME, "nullable": True},
            "error": NULLABLE_TEXT,
            "error_element": NULLABLE_TEXT,
        },
    },
    "Event": {
        "type": "object",
        "required": ["seq", "at", "actor", "action"],
        "properties": {
            "seq": {"type": "integer"},
            "at": TIME,
            "actor": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string"}},
            "action": {"type": "string"},
            "task_id": NULLABLE_TEXT,
            "bpmn_id": NULLABLE_TEXT,
            "task_name": NULLABLE_TEXT,
            "data": {"type": "object"},
        },
    },
    "CaseDetail": {
        "allOf": [
            _ref("Case"),
            {
                "type": "object",
                "required": ["tasks", "events", "audit_verified"],
                "properties": {
                    "tasks": {"type": "array", "items": _ref("Task")},
                    "events": {"type": "array", "items": _ref("Event")},
                    "audit_verified": {"type": "boolean"},
                },
            },
        ]
    },
}

DATA_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object"}}}}},
}

# A customer's step entered at the desk from the paper form carries the form's scan.
COMPLETE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "data": {
                        "type": "object",
                        "description": "the form's values; a customer's step done at the desk also says "
                        "answered_by (phone, paper; for the survey also not_reached with contact_attempts, "
                        "or declined)",
                    },
                    "paper_scan": {
                        "type": "object",
                        "required": ["filename", "content_base64"],
                        "properties": {"filename": {"type": "string"}, "content_base64": {"type": "string"}},
                        "description": "with answered_by paper: the scanned form (PDF, PNG or JPEG)",
                    },
                },
            }
        }
    },
}


def openapi_document() -> dict[str, Any]:
    task_list = {
        "type": "object",
        "required": ["tasks"],
        "properties": {"tasks": {"type": "array", "items": _ref("Task")}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Aftercare API", "version": "1.0.0"},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/processes": {
                "get": {
                    "summary": "Processes the caller may start",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["processes"],
                                "properties": {
                                    "processes": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["key", "name", "version", "start_form"],
                                            "properties": {
                                                "key": {"type": "string"},
                                                "name": {"type": "string"},
                                                "version": {"type": "integer"},
                                                "start_form": _ref("Form"),
                                            },
                                        },
                                    }
                                },
                            },
                            "startable processes",
                        ),
                        **_errors(401, 403),
                    },
                },
                "post": {
                    "summary": "Deploy .bpmn/.dmn files as new process versions (process_owner, admin)",
                    "requestBody": UPLOAD,
                    "responses": {
                        "201": _json(
                            {
                                "type": "object",
                                "required": ["key", "version", "processes"],
                                "properties": {
                                    "key": {"type": "string"},
                                    "version": {"type": "integer"},
                                    "processes": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "key": {"type": "string"},
                                                "version": {"type": "integer"},
                                                "created": {"type": "boolean"},
                                            },
                                        },
                                    },
                                },
                            },
                            "deployed (or unchanged) versions; key/version of the first",
                        ),
                        **_errors(401, 403),
                        "422": _json(
                            {
                                "type": "object",
                                "required": ["error", "problems"],
                                "properties": {
                                    "error": {"type": "string"},
                                    "problems": {"type": "array", "items": _ref("Problem")},
                                },
                            },
                            "the files have problems; nothing was deployed",
                        ),
                    },
                },
            },
            "/api/v1/processes/validate": {
                "post": {
                    "summary": "Validate .bpmn/.dmn files without deploying (process_owner, admin)",
                    "requestBody": UPLOAD,
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["problems", "executable"],
                                "properties": {
                                    "problems": {"type": "array", "items": _ref("Problem")},
                                    "executable": {"type": "boolean"},
                                },
                            },
                            "every problem found, each with its element and line",
                        ),
                        **_errors(401, 403),
                    },
                }
            },
            "/api/v1/cases": {
                "get": {
                    "summary": "List cases, newest first",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["running", "completed", "cancelled", "error"]},
                        },
                        {"name": "process", "in": "query", "schema": PLAIN_TEXT},
                        {"name": "q", "in": "query", "schema": PLAIN_TEXT},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["cases", "total"],
                                "properties": {
                                    "cases": {"type": "array", "items": _ref("Case")},
                                    "total": {"type": "integer"},
                                    "page": {"type": "integer"},
                                },
                            },
                            "one page of cases (20 a page)",
                        ),
                        **_errors(401, 403, 422),
                    },
                },
                "post": {
                    "summary": "Start a case",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["process"],
                                    "properties": {
                                        "process": {**PLAIN_TEXT, "minLength": 1},
                                        "data": {"type": "object"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"201": _json(_ref("CaseDetail"), "the new case"), **_errors(401, 403, 404, 422)},
                },
            },
            "/api/v1/cases/{case_id}": {
                "get": {
                    "summary": "A case with its open tasks and audit events",
                    "parameters": [_id_param("case_id")],
                    "responses": {"200": _json(_ref("CaseDetail"), "the case"), **_errors(401, 403, 404)},
                }
            },
            "/api/v1/cases/{case_id}/audit": {
                "get": {
                    "summary": "The case's audit trail and whether its hash chain verifies",
                    "parameters": [_id_param("case_id")],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["events", "verified"],
                                "properties": {
                                    "events": {"type": "array", "items": _ref("Event")},
                                    "verified": {"type": "boolean"},
                                },
                            },
                            "the trail",
                        ),
                        **_errors(401, 403, 404),
                    },
                }
            },
            "/api/v1/tasks": {
                "get": {
                    "summary": "Tasks assigned to the caller (mine) or that the caller may complete now (available)",
                    "parameters": [
                        {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["mine", "available"]}}
                    ],
                    "responses": {"200": _json(task_list, "tasks, by due time"), **_errors(401, 403, 422)},
                }
            },
            "/api/v1/tasks/{task_id}/claim": {
                "post": {
                    "summary": "Claim a task",
                    "parameters": [_id_param("task_id")],
                    "responses": {"200": _json(_ref("Task"), "the claimed task"), **_errors(401, 403, 404, 409)},
                }
            },
            "/api/v1/tasks/{task_id}/unclaim": {
                "post": {
                    "summary": "Give a claimed task back to its roles",
                    "parameters": [_id_param("task_id")],
                    "responses": {"200": _json(_ref("Task"), "the released task"), **_errors(401, 403, 404, 409)},
                }
            },
            "/api/v1/tasks/{task_id}/complete": {
                "post": {
                    "summary": "Complete a task with form data",
                    "parameters": [_id_param("task_id")],
                    "requestBody": COMPLETE_BODY,
                    "responses": {
                        "200": _json(_ref("CaseDetail"), "the case after the step"),
                        **_errors(401, 403, 404, 409, 422),
                    },
                }
            },
        },
    }
