"""An upload handler that refuses an oversized request before its body reaches the disk.

Django would otherwise write the whole body to a temporary file first, and a large enough upload (or many) could
fill the disk. The handler stops reading at IMPORT_MAX_UPLOAD_BYTES (plus room for the form's other fields) and
marks the request; UploadGuardMiddleware then answers every upload page (an import, the parking log, a listing
photo) with a 413 that says how large the file may be (``refusal_message``)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

# The multipart envelope and the form's other fields around the file.
ENVELOPE_BYTES = 64 * 1024


class UploadTooLarge(StopUpload):
    pass


class SizeLimitUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS. Sets ``request.upload_too_large`` (the size in bytes, or True when the
    client did not say) and stops the upload; the rest of the body is read and discarded, never stored."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        self.limit = settings.IMPORT_MAX_UPLOAD_BYTES + ENVELOPE_BYTES
        self.too_large = bool(content_length and content_length > self.limit)
        if self.too_large:
            self.request.upload_too_large = content_length

    def new_file(self, *args, **kwargs):
        if self.too_large:
            raise UploadTooLarge(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > self.limit:  # a body that did not announce its length
            self.request.upload_too_large = getattr(self.request, "upload_too_large", None) or True
            raise UploadTooLarge(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def refusal_message(request):
    """What to tell the uploader when SizeLimitUploadHandler stopped the request's upload, else None."""
    too_large = getattr(request, "upload_too_large", None)
    if not too_large:
        return None
    limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
    if too_large is True:  # the client did not announce the size
        return _("The file is larger than %(max)d MB, the most that is accepted. Split it into smaller files.") % {
            "max": limit
        }
    return _("The file is %(size).1f MB; at most %(max)d MB are accepted. Split it into smaller files.") % {
        "size": too_large / (1024 * 1024),
        "max": limit,
    }
