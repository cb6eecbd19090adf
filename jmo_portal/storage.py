"""Private media on the file system, leaving nothing behind when a write fails."""

import os

from django.core.files.storage import FileSystemStorage


class MediaStorage(FileSystemStorage):
    """FileSystemStorage that removes a partly written file when the write fails.

    Django keeps what it wrote before a disk-full or quota error: a file that no
    row names, which no retention purge would ever find. Every upload here gets a
    random name (uuid or token), so the file at `name` is the one this call made.
    """

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            path = self.path(name)
            if os.path.isfile(path):
                os.remove(path)
            raise
