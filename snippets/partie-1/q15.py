"""Question 15 : publier un modèle pour les autres systèmes de l’entreprise.

L’équipe de data science entraîne, enregistre et promeut un modèle dans le
registre. Les autres systèmes (application métier, ordonnanceur, service
de prédiction) n’ont besoin que de son nom et de son alias : ils le
retrouvent par l’API REST, la ligne de commande ou le client Python, sans
lire le code d’entraînement (voir `q15.sh`).
"""

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.linear_model import LinearRegression

NOM = "prix_maisons"

rng = np.random.default_rng(42)
X = pd.DataFrame(
    {
        "surface": rng.uniform(30.0, 150.0, 200),
        "pieces": rng.integers(1, 7, 200).astype(float),
    }
)
y = 3.0 * X["surface"] + 10.0 * X["pieces"] + rng.normal(0.0, 5.0, 200)

# --8<-- [start:publication]
mlflow.set_experiment("estimation-immobiliere")
with mlflow.start_run(run_name="publication"):
    info = mlflow.sklearn.log_model(
        LinearRegression().fit(X, y),
        name="model",
        input_example=X.head(2),
        registered_model_name=NOM,
    )

client = MlflowClient()
version = info.registered_model_version
client.update_registered_model(
    NOM, description="Prix de vente estimé (k€) d’un logement."
)
client.set_registered_model_tag(NOM, "equipe", "data-science-immobilier")
client.set_registered_model_alias(NOM, "champion", version)
# --8<-- [end:publication]

# --8<-- [start:consommation]
# Ce que voit un autre système : un nom, un alias, un schéma d’entrée.
champion = client.get_model_version_by_alias(NOM, "champion")
print(f"models:/{NOM}@champion → version {champion.version}")
signature = mlflow.models.get_model_info(f"models:/{NOM}@champion").signature
print("entrées attendues :", ", ".join(signature.inputs.input_names()))
# --8<-- [end:consommation]
