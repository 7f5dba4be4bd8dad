"""The reviewed list of warnings a snippet run may print.

A snippet that prints any other warning fails its test. Only warnings that
third-party code raises through no choice of ours belong here, each with the
reason it cannot be avoided. A deprecation raised by MLflow for an API that a
snippet calls never belongs here: the snippet must use the replacement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class AllowedWarning:
    category: str
    path: str
    """Regex searched in the path of the file that raised the warning."""
    message: str
    """Regex searched in the warning message."""
    reason: str

    def matches(self, category: str, path: str, message: str) -> bool:
        return (
            category == self.category
            and re.search(self.path, path) is not None
            and re.search(self.message, message) is not None
        )


ALLOWED_WARNINGS = (
    AllowedWarning(
        category="SADeprecationWarning",
        path=r"mlflow/store/tracking/sqlalchemy_store\.py$",
        message=r"The ``noload`` loader strategy is deprecated",
        reason=(
            "MLflow 3.17.2's SQL store configures its mappers with "
            "SQLAlchemy's `noload` strategy, deprecated in SQLAlchemy 2.1; "
            "every SQLite or PostgreSQL store prints it once at start-up."
        ),
    ),
    AllowedWarning(
        category="Pandas4Warning",
        path=r"mlflow/models/utils\.py$",
        message=r"Operation with range is deprecated",
        reason=(
            "MLflow 3.17.2 compares DataFrame columns with a `range` when it "
            "handles an input example, which pandas 3.1 flags for pandas 4."
        ),
    ),
)
