"""Downloads of stored uploads (core.models.StoredFile) and of generated files.

Uploads are never served from MEDIA_URL: a view finds the file through an
access check (others, anonymous visitors too, get 404, so a file's address
reveals nothing) and sends it with attachment(), as a download a browser will
not run: labelled only with a content type browsers do not execute
(uploads.SAFE_CONTENT_TYPES), named with the extension of what it really is,
sandboxed and never cached.
"""

from django.http import FileResponse

from . import uploads


def attachment(stored):
    """A stored upload as a download the browser will not run. The caller has
    already checked who may fetch it."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=uploads.download_name(stored),
        content_type=uploads.SAFE_CONTENT_TYPES.get(
            stored.file_type, "application/octet-stream"
        ),
    )
    return harden(response)


def harden(response):
    """A download made safe to open: never sniffed, run or cached."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_view(fetch):
    """A view of `pk` that sends the stored file `fetch(user, pk)` returns.

    `fetch` is the access check: it returns the file the user may fetch, or
    raises Http404 for anyone else (an anonymous user included)."""

    def view(request, pk):
        return attachment(fetch(request.user, pk))

    view.__doc__ = f"The file of {fetch.__name__}, as a hardened attachment."
    return view
