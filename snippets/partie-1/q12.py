"""Question 12 : ce que MLflow tire d’un exemple d’entrée (input_example).

On enregistre un modèle avec quelques lignes d’entrée réelles. MLflow les
stocke avec le modèle, en déduit la signature et prépare une requête prête à
envoyer au service de prédiction. On montre ensuite le piège des entiers.
"""

import json
import warnings
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LinearRegression

X = pd.DataFrame(
    {"surface": [50.0, 80.0, 120.0, 65.0], "pieces": [2.0, 3.0, 5.0, 3.0]}
)
y = [150.0, 240.0, 390.0, 200.0]
model = LinearRegression().fit(X, y)

# --8<-- [start:exemple]
# Deux lignes réelles suffisent : pas de signature écrite à la main.
with mlflow.start_run():
    model_info = mlflow.sklearn.log_model(
        model, name="model", input_example=X.head(2)
    )

model_dir = Path(
    mlflow.artifacts.download_artifacts(
        model_info.model_uri, dst_path="modele"
    )
)
print("input_example.json :", (model_dir / "input_example.json").read_text())
# Affiché sur une ligne, car le fichier est indenté.
serving_input = json.loads(
    (model_dir / "serving_input_example.json").read_text()
)
print("serving_input_example.json :", json.dumps(serving_input))
print("Signature déduite de l’exemple :")
print(model_info.signature)
# --8<-- [end:exemple]

# --8<-- [start:predict]
# Rejoue la requête d’exemple comme le ferait le service de prédiction.
mlflow.models.predict(
    model_uri=model_info.model_uri,
    input_path=model_dir / "serving_input_example.json",
    output_path="predictions.json",
    env_manager="local",
)
response = json.loads(Path("predictions.json").read_text())
print("Prédictions :", [round(p, 1) for p in response["predictions"]])
# --8<-- [end:predict]

# --8<-- [start:piege-entiers]
# Le même exemple écrit avec des entiers donne une signature en entiers.
exemple_entiers = pd.DataFrame({"surface": [50, 80], "pieces": [2, 3]})
with warnings.catch_warnings(record=True) as alertes:
    warnings.simplefilter("always")
    with mlflow.start_run():
        info_entiers = mlflow.sklearn.log_model(
            model, name="model", input_example=exemple_entiers
        )
print("Entrées de la signature :", info_entiers.signature.inputs)
for alerte in alertes:
    if str(alerte.message).startswith("Hint"):
        print("Avertissement de MLflow :", str(alerte.message).split(".")[0])

# Plus tard, une surface décimale est refusée par le modèle chargé.
loaded = mlflow.pyfunc.load_model(info_entiers.model_uri)
try:
    loaded.predict(pd.DataFrame({"surface": [52.5], "pieces": [2]}))
except MlflowException as error:
    print("Refusé :", str(error).split("Error: ")[-1])
# --8<-- [end:piege-entiers]
