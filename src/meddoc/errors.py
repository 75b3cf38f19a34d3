"""meddoc's own exceptions. Their class names are the error names the workflow's Retry
and Catch match, and the API maps them to status codes in one place."""

from __future__ import annotations


class MeddocError(Exception):
    """Base of every error meddoc raises on purpose; the message is human-readable and
    free of PHI, because it becomes a document's failure reason."""


class InvalidDocument(MeddocError):
    """The upload can never be processed as it is (wrong type, corrupt, too large)."""


class DocumentNotFound(MeddocError):
    pass


class DocumentDeleted(MeddocError):
    """The document was deleted while a step worked on it: the step removed what it had
    written and the run stops (the workflow ends without a record to mark FAILED)."""


class InvalidRequest(MeddocError):
    """A request the API cannot act on as given (bad filter, cursor, correction)."""


class Conflict(MeddocError):
    """The request does not fit the document's state (e.g. reviewing a FAILED one)."""


class ConcurrentChange(Conflict):
    """Another writer changed the document while a unit of work was open; nothing of
    the unit was written, and doing it again (from a fresh read) is safe."""


class NotAuthenticated(MeddocError):
    pass


class NotAllowed(MeddocError):
    pass


class ServiceThrottled(MeddocError):
    """A service asked us to slow down; retry with backoff."""


class ServiceUnavailable(MeddocError):
    """A service failed transiently (5xx, timeout); retry with backoff."""


class ServiceRejected(MeddocError):
    """A service refused the request for good (bad input, unsupported document)."""


class TextDetectionFailed(MeddocError):
    """An asynchronous text detection job ended without a result."""


class ConfigurationError(MeddocError):
    pass


class StorageFull(MeddocError):
    """The disk (or quota) holding the data is full. Nothing is wrong with the document:
    its work is kept and retried when there is room, never recorded as its failure."""


RETRYABLE_ERRORS = ("ServiceThrottled", "ServiceUnavailable")
