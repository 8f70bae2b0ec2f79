"""What went wrong, in a form a program can branch on (the TypeScript client's codes)."""

from __future__ import annotations

from typing import Optional, Sequence

#: UNAUTHORIZED, STREAM_FAILED, STREAM_STALLED, POLL_FAILED, BAD_EVENT,
#: CACHE_READ_FAILED, CACHE_WRITE_FAILED, CLOSED, READY_TIMEOUT
ErrorCode = str


class PromptClientError(Exception):
    """Every error the client reports (to `on_error` callbacks, or raised by `ready()`)."""

    def __init__(self, code: ErrorCode, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class PromptClientAuthError(PromptClientError):
    """The server refused the credentials (401 or 403). The client stops and does not retry."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(
            "UNAUTHORIZED",
            f"the prompt server at {url} refused the token (HTTP {status}); check PROMPTCAST_TOKEN / the token "
            "option. The client has stopped and will not retry.",
            status,
        )


class MissingVariableError(Exception):
    """`render` was asked for a prompt whose required variables were not all given; nothing was rendered."""

    def __init__(self, key: str, variables: Sequence[str]) -> None:
        self.key = key
        self.variables = tuple(variables)
        names = ", ".join("{{" + v + "}}" for v in variables)
        super().__init__(
            f'prompt "{key}" needs {names}: pass {"it" if len(variables) == 1 else "them"} to render(), or declare a default'
        )
