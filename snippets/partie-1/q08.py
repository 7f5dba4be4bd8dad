"""Question 8 : la signature décrit et protège l’interface du modèle.

On enregistre un petit modèle de régression avec sa signature, puis on
montre ce que MLflow vérifie au moment de la prédiction.
"""

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature
from sklearn.linear_model import LinearRegression

# --8<-- [start:signature]
# Données d’entraînement : deux colonnes de type double.
X = pd.DataFrame(
    {"surface": [50.0, 80.0, 120.0, 65.0], "pieces": [2.0, 3.0, 5.0, 3.0]}
)
y = [150.0, 240.0, 390.0, 200.0]
model = LinearRegression().fit(X, y)

# La signature est déduite d’un échantillon d’entrées et de sorties.
signature = infer_signature(X, model.predict(X))
print(signature)

with mlflow.start_run():
    model_info = mlflow.sklearn.log_model(
        model, name="model", signature=signature
    )
# --8<-- [end:signature]

# --8<-- [start:enforcement]
loaded = mlflow.pyfunc.load_model(model_info.model_uri)

# Une colonne manque : MLflow refuse l’entrée avant d’appeler le modèle.
try:
    loaded.predict(X[["surface"]])
except MlflowException as error:
    print("Refusé :", str(error).split("Error: ")[-1])

# Des entiers au lieu de doubles : la conversion n’est pas sûre, donc refusée.
entiers = pd.DataFrame({"surface": [50, 80], "pieces": [2, 3]})
try:
    loaded.predict(entiers)
except MlflowException as error:
    print("Refusé :", str(error).split("Error: ")[-1])
# --8<-- [end:enforcement]
