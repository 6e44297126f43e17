"""Errors that reach users: each names what was wrong and, for input files, where."""


class AnnotatorError(Exception):
    """A user-facing error: the CLI prints it on one line, the web answers it once (errors.py).

    `status` and `code` are the HTTP status and the API's error code; `details` are extra fields
    of the API's JSON answer. A detail given as a callable is called after the request's
    transaction is rolled back, so that it describes what is stored (a layer's current state).
    """

    code = "error"
    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidField(AnnotatorError):
    """A request whose field is missing or wrong, named in the message and in `field`."""

    code = "invalid_request"
    status = 422

    def __init__(self, field: str, problem: str, **details):
        super().__init__(f"{field}: {problem}", field=field, **details)
        self.field = field


class InputError(AnnotatorError):
    """Bad input data, located by file and line (1-based) when known."""

    code = "invalid_input"
    status = 422

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        where = ""
        if file and line:
            where = f"{file}, line {line}: "
        elif file:
            where = f"{file}: "
        elif line:
            where = f"line {line}: "
        super().__init__(where + message)
        self.reason = message


class InputErrors(AnnotatorError):
    """Several input errors found in one run, reported together."""

    code = "invalid_input"
    status = 422

    def __init__(self, errors: list[InputError], limit: int = 20):
        self.errors = errors
        shown = "; ".join(e.message for e in errors[:limit])
        more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
        super().__init__(f"{len(errors)} error(s): {shown}{more}")


class NotFound(AnnotatorError):
    code = "not_found"
    status = 404


class Forbidden(AnnotatorError):
    code = "forbidden"
    status = 403


class Conflict(AnnotatorError):
    code = "conflict"
    status = 409


class MissingExtra(AnnotatorError):
    """A feature needs an optional dependency that is not installed."""

    code = "missing_dependency"

    def __init__(self, feature: str, extra: str, module: str):
        super().__init__(
            f"{feature} needs the '{module}' package: install it with "
            f"pip install 'annotator[{extra}]'"
        )
