"""An upload handler that stops a file over the limit while it arrives, before it is all on disk
(settings.FILE_UPLOAD_HANDLERS, first). The fields sent before the file (the CSRF token, which
document it is) are kept; the view sees ``request.upload_too_large`` and says so."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
