"""Question 11 : un modèle écrit avec numpy seul, défini par son code.

MLflow copie ce fichier dans le modèle et l’exécute au chargement
(*models from code*), ce qui évite de sérialiser un objet Python avec
cloudpickle. Les coefficients arrivent par `model_config`.
"""

# --8<-- [start:modele]
import mlflow
import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel


class DroitePrixSurface(PythonModel):
    """Prix (k€) = polynôme de la surface, évalué avec numpy."""

    def load_context(self, context):
        self.coefficients = context.model_config["coefficients"]

    def predict(self, model_input: pd.DataFrame, params=None):
        return np.polyval(self.coefficients, model_input["surface"])


# Indique à MLflow l’objet à servir quand il exécute ce fichier.
mlflow.models.set_model(DroitePrixSurface())
# --8<-- [end:modele]
