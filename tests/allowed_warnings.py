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
    """Class name, as Python prints it in a warning line."""
    category_path: str
    """Import path of the class, for pytest's in-process filters."""
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
        category_path="sqlalchemy.exc.SADeprecationWarning",
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
        category_path="pandas.errors.Pandas4Warning",
        path=r"mlflow/models/utils\.py$",
        message=r"Operation with range is deprecated",
        reason=(
            "MLflow 3.17.2 compares DataFrame columns with a `range` when it "
            "handles an input example, which pandas 3.1 flags for pandas 4."
        ),
    ),
    AllowedWarning(
        category="Pandas4Warning",
        category_path="pandas.errors.Pandas4Warning",
        path=r"mlflow/data/digest_utils\.py$",
        message=(
            r"Starting with pandas version 4\.0 all arguments of all will be "
            r"keyword-only"
        ),
        reason=(
            "MLflow 3.17.2 computes the digest of a pandas dataset with "
            "`DataFrame.all(0)`, a positional call that pandas 3.1 flags for "
            "pandas 4; every `mlflow.data.from_pandas` call prints it."
        ),
    ),
    AllowedWarning(
        category="UserWarning",
        category_path="UserWarning",
        path=r"mlflow/utils/warnings_utils\.py$",
        message=r".*Any type hint is inferred as AnyType",
        reason=(
            "MLflow 3.17.2 infers schemas for its own GenAI response types "
            "when `mlflow.pyfunc.model` is first imported; the warning is "
            "about MLflow's internal type hints, not about our code. Python "
            "shows it only under an `error` filter such as pytest's."
        ),
    ),
    AllowedWarning(
        category="Pandas4Warning",
        category_path="pandas.errors.Pandas4Warning",
        path=r"mlflow/data/evaluation_dataset\.py$",
        message=r"The inplace keyword in DataFrame\.drop is deprecated",
        reason=(
            "MLflow 3.17.2 drops the target column of an evaluation dataset "
            "with `DataFrame.drop(..., inplace=False)`, a keyword pandas 3.1 "
            "deprecates; every `mlflow.models.evaluate` call on a pandas "
            "DataFrame with `targets=` prints it."
        ),
    ),
)
