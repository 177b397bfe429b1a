"""Reading and validating response files, the row account, and data-entry templates.

See :mod:`govsurvey.io.reader` for what comes out of a file and which columns a file needs.
"""

from .reader import Responses, Source, file_sha256, read_responses, valid_scale
from .template import write_template

__all__ = ["Responses", "Source", "file_sha256", "read_responses", "valid_scale", "write_template"]
