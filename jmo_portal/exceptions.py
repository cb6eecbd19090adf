class ApplicationError(Exception):
    """The one domain error: a message for the user plus a machine-readable code.

    `status` is the HTTP status the API answers with (400 by default, 409 for a
    conflict, 423 for a lock); `extra` adds fields such as `attempts_left`.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int = 400,
        extra: dict | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.status = status
        self.extra = extra or {}
