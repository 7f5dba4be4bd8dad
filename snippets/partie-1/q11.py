"""Question 11 : plusieurs frameworks, un seul suivi, une seule interface.

Deux modèles du même prix de logement sont écrits avec des outils
différents : scikit-learn d’un côté, numpy seul de l’autre (un modèle
Python personnalisé). MLflow range les deux exécutions dans la même
expérimentation et recharge les deux modèles par la même interface pyfunc.
"""

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import root_mean_squared_error

X = pd.DataFrame(
    {
        "surface": [50.0, 80.0, 120.0, 65.0, 95.0, 40.0],
        "pieces": [2.0, 3.0, 5.0, 3.0, 4.0, 1.0],
    }
)
y = np.array([150.0, 240.0, 390.0, 200.0, 300.0, 125.0])

# --8<-- [start:deux-frameworks]
mlflow.set_experiment("prix-logements")

# Premier modèle : scikit-learn, enregistré avec sa saveur native.
with mlflow.start_run(run_name="regression-sklearn"):
    sklearn_model = LinearRegression().fit(X, y)
    mlflow.set_tag("framework", "scikit-learn")
    mlflow.log_metric(
        "rmse", root_mean_squared_error(y, sklearn_model.predict(X))
    )
    sklearn_info = mlflow.sklearn.log_model(
        sklearn_model, name="model", input_example=X.head(2)
    )

# Second modèle : une droite ajustée avec numpy, sans saveur dédiée.
with mlflow.start_run(run_name="droite-numpy"):
    coefficients = np.polyfit(X["surface"], y, deg=1)
    mlflow.set_tag("framework", "numpy")
    mlflow.log_metric(
        "rmse",
        root_mean_squared_error(y, np.polyval(coefficients, X["surface"])),
    )
    numpy_info = mlflow.pyfunc.log_model(
        name="model",
        python_model=Path(__file__).with_name("q11_modele.py"),
        model_config={"coefficients": coefficients.tolist()},
        input_example=X.head(2),
    )
# --8<-- [end:deux-frameworks]

# --8<-- [start:interface-commune]
# Le même code sert les deux modèles, quel que soit leur framework.
nouveaux = pd.DataFrame({"surface": [70.0, 100.0], "pieces": [3.0, 4.0]})
for info in (sklearn_info, numpy_info):
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    print(
        "Saveurs :",
        ", ".join(info.flavors),
        "| loader_module :",
        info.flavors["python_function"]["loader_module"],
    )
    print("  prédictions :", np.round(loaded.predict(nouveaux), 1))
# --8<-- [end:interface-commune]

# --8<-- [start:suivi-central]
# Les deux exécutions se comparent dans la même expérimentation.
runs = mlflow.search_runs(
    experiment_names=["prix-logements"], order_by=["metrics.rmse ASC"]
)
colonnes = ["tags.mlflow.runName", "tags.framework", "metrics.rmse"]
print(runs[colonnes].round(2).to_string(index=False))
# --8<-- [end:suivi-central]
