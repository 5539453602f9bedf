"""Payment file import (docs/formats/payments.md): ``payment_import(path=…)``."""

from .readers import COLUMNS, FileRejected
from .service import import_run_create, payment_import

__all__ = ["COLUMNS", "FileRejected", "import_run_create", "payment_import"]
