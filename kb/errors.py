"""Domain errors. Each carries the HTTP status it maps to; the API and the CLI render them in one place each."""

from __future__ import annotations


class CCINError(Exception):
    """Base of every error the product reports to a person."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableDocument(CCINError):
    """A file that cannot be turned into text: corrupt, encrypted, empty, image-only, wrong type."""

    status = 422
    code = "unreadable_document"


class UnsupportedFileType(UnreadableDocument):
    status = 415
    code = "unsupported_file_type"


class InvalidQuery(CCINError):
    status = 422
    code = "invalid_query"


class UnknownPrinciple(InvalidQuery):
    code = "unknown_principle"


class DocumentNotFound(CCINError):
    status = 404
    code = "document_not_found"


class CatalogueError(CCINError):
    status = 422
    code = "catalogue_error"


class IndexBusy(CCINError):
    """The index could not be read consistently because commits kept moving it (and no earlier snapshot was held)."""

    status = 503
    code = "index_busy"
