"""Question 3 : le format MLflow Model rend un modèle portable.

On enregistre un modèle scikit-learn avec sa saveur, on lit le fichier
`MLmodel` qui décrit le dossier du modèle, puis on recharge le modèle par
l’interface générique `mlflow.pyfunc`, comme le ferait un outil qui ne
connaît pas scikit-learn.
"""

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import yaml
from sklearn.linear_model import LinearRegression

# --8<-- [start:log]
# Un modèle scikit-learn : prix d’un logement (k€) selon sa surface.
X = pd.DataFrame(
    {"surface": [50.0, 80.0, 120.0, 65.0], "pieces": [2.0, 3.0, 5.0, 3.0]}
)
y = [150.0, 240.0, 390.0, 200.0]
model = LinearRegression().fit(X, y)

# La saveur sklearn écrit le modèle au format MLflow Model.
with mlflow.start_run():
    model_info = mlflow.sklearn.log_model(
        model, name="model", input_example=X.head(2)
    )
# --8<-- [end:log]

# --8<-- [start:mlmodel]
# Copie du dossier du modèle dans le dossier de travail.
model_dir = Path(
    mlflow.artifacts.download_artifacts(
        model_info.model_uri, dst_path="modele"
    )
)
print("Fichiers du modèle :")
for path in sorted(model_dir.iterdir()):
    print(f"  {path.name}")

# MLmodel déclare les saveurs : les façons de recharger ce même modèle.
mlmodel = yaml.safe_load((model_dir / "MLmodel").read_text())
pyfunc_flavor = mlmodel["flavors"]["python_function"]
sklearn_flavor = mlmodel["flavors"]["sklearn"]
print("Saveurs déclarées dans MLmodel :", ", ".join(mlmodel["flavors"]))
print(
    "  python_function : loader_module =",
    pyfunc_flavor["loader_module"] + ", model_path =",
    pyfunc_flavor["model_path"],
)
print(
    "  sklearn : serialization_format =",
    sklearn_flavor["serialization_format"] + ", sklearn_version =",
    sklearn_flavor["sklearn_version"],
)
# --8<-- [end:mlmodel]

# --8<-- [start:pyfunc]
# Chargement générique : ce code n’importe pas scikit-learn.
loaded = mlflow.pyfunc.load_model(model_info.model_uri)
nouveaux = pd.DataFrame({"surface": [70.0, 100.0], "pieces": [3.0, 4.0]})
predictions = loaded.predict(nouveaux)
print("Objet chargé :", type(loaded).__name__)
print("Prédictions par pyfunc :", np.round(predictions, 1))
print(
    "Identiques à celles du modèle natif :",
    np.array_equal(predictions, model.predict(nouveaux)),
)
# --8<-- [end:pyfunc]
