"""Question 1 : suivre, enregistrer et gérer, en un seul petit script.

Chaque étape correspond à un des rôles de MLflow : le suivi d’une
exécution, l’enregistrement du modèle dans un format standard, puis la
gestion de ses versions dans le registre de modèles.
"""

import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

MODEL_NAME = "diabete-ridge"

X, y = load_diabetes(return_X_y=True, as_frame=True)
mlflow.set_experiment("q01-role-de-mlflow")

# --8<-- [start:cycle]
# 1. Suivi : la configuration et le résultat de l’entraînement.
with mlflow.start_run() as run:
    model = Ridge(alpha=1.0).fit(X, y)
    mlflow.log_param("alpha", 1.0)
    mlflow.log_metric("r2", model.score(X, y))

    # 2. Enregistrement : le modèle au format MLflow Model, inscrit au
    # registre sous un nom partagé par l’équipe.
    model_info = mlflow.sklearn.log_model(
        model,
        name="model",
        input_example=X.head(3),
        registered_model_name=MODEL_NAME,
    )

# 3. Gestion : un alias désigne la version à utiliser, sans toucher au code
# de ceux qui chargent le modèle.
client = MlflowClient()
version = model_info.registered_model_version
client.set_registered_model_alias(MODEL_NAME, "champion", version)
champion = mlflow.pyfunc.load_model(f"models:/{MODEL_NAME}@champion")
# --8<-- [end:cycle]

# --8<-- [start:bilan]
print("Suivi : exécution", run.info.run_id)
print("Enregistrement : modèle", model_info.model_id)
print("Saveurs :", sorted(model_info.flavors))
print(f"Gestion : {MODEL_NAME}@champion → version {version}")
print("Prédictions :", champion.predict(X.head(3)).round(1).tolist())
# --8<-- [end:bilan]
