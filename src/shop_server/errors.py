"""Errors the API answers with a status and ``{"code", "message"}``."""

from __future__ import annotations


class ApiError(Exception):
    """A request refused for a reason the caller can act on."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def unauthorized(
    message: str = "This device is not enrolled or its access was revoked.",
) -> ApiError:
    return ApiError(401, "unauthorized", message)


def forbidden(message: str = "This belongs to another branch.") -> ApiError:
    return ApiError(403, "forbidden", message)


def device_cloned() -> ApiError:
    return ApiError(
        409,
        "device_cloned",
        "This workstation's database was copied to another machine; enrol it again.",
    )


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def busy(seconds: int = 1) -> ApiError:
    return ApiError(
        429, "busy", "The server is busy; try again shortly.", {"Retry-After": str(seconds)}
    )
