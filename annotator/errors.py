"""Errors that reach users: each names what was wrong and, for input files, where."""


class AnnotatorError(Exception):
    """A user-facing error: the CLI prints it on one line, the API returns it as JSON."""

    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(AnnotatorError):
    """Bad input data, located by file and line (1-based) when known."""

    code = "invalid_input"

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

    def __init__(self, errors: list[InputError], limit: int = 20):
        self.errors = errors
        shown = "; ".join(e.message for e in errors[:limit])
        more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
        super().__init__(f"{len(errors)} error(s): {shown}{more}")


class NotFound(AnnotatorError):
    code = "not_found"


class Conflict(AnnotatorError):
    code = "conflict"


class MissingExtra(AnnotatorError):
    """A feature needs an optional dependency that is not installed."""

    code = "missing_dependency"

    def __init__(self, feature: str, extra: str, module: str):
        super().__init__(
            f"{feature} needs the '{module}' package: install it with "
            f"pip install 'annotator[{extra}]'"
        )
