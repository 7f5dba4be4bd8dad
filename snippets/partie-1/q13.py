"""Question 13 : versions de modèle, historique et retour arrière.

On enregistre deux versions d’un même modèle, on promeut la seconde avec
l’alias « champion », puis on revient à la première en déplaçant l’alias.
L’application charge toujours `models:/prix_maisons@champion` et n’a
jamais besoin de changer de code.
"""

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.linear_model import LinearRegression

NOM = "prix_maisons"
rng = np.random.default_rng(42)


def ventes(hausse: float) -> tuple[pd.DataFrame, pd.Series]:
    """Simule 200 ventes, dont `hausse` multiplie tous les prix (en k€)."""
    X = pd.DataFrame(
        {
            "surface": rng.uniform(30.0, 150.0, 200),
            "pieces": rng.integers(1, 7, 200).astype(float),
        }
    )
    prix = (3.0 * X["surface"] + 10.0 * X["pieces"]) * hausse
    return X, prix + rng.normal(0.0, 5.0, 200)


# --8<-- [start:versions]
# Chaque entraînement enregistré sous le même nom crée une nouvelle version.
for annee, hausse in [(2024, 1.0), (2025, 1.1)]:
    X, y = ventes(hausse)
    with mlflow.start_run(run_name=f"donnees-{annee}"):
        mlflow.log_param("annee_donnees", annee)
        info = mlflow.sklearn.log_model(
            LinearRegression().fit(X, y),
            name="model",
            input_example=X.head(2),
            registered_model_name=NOM,
        )
    print(f"Version {info.registered_model_version} : données {annee}")
# --8<-- [end:versions]

# --8<-- [start:promotion]
client = MlflowClient()
for version in (1, 2):
    client.set_model_version_tag(NOM, version, "validation_status", "approved")
client.set_registered_model_alias(NOM, "champion", 2)

# Côté application : une seule adresse, qui suit l’alias.
maison = pd.DataFrame({"surface": [70.0], "pieces": [3.0]})


def predire_avec_champion() -> None:
    champion = client.get_model_version_by_alias(NOM, "champion")
    modele = mlflow.pyfunc.load_model(f"models:/{NOM}@champion")
    prix = modele.predict(maison)[0]
    print(f"champion → version {champion.version} : {prix:.0f} k€")


predire_avec_champion()
# --8<-- [end:promotion]

# --8<-- [start:retour]
# Incident en production : on marque la version 2 et on remet l’alias
# sur la version 1. L’adresse chargée par l’application ne change pas.
client.set_model_version_tag(NOM, 2, "validation_status", "rejected")
client.set_registered_model_alias(NOM, "champion", 1)
predire_avec_champion()
# --8<-- [end:retour]

# --8<-- [start:historique]
# Historique : chaque version renvoie à l’exécution qui l’a produite.
alias = client.get_registered_model(NOM).aliases
for version in client.search_model_versions(
    f"name = '{NOM}'", order_by=["version_number ASC"]
):
    run = client.get_run(version.run_id)
    alias_version = [a for a, v in alias.items() if v == version.version]
    print(
        f"version {version.version}",
        f"exécution {version.run_id}",
        f"annee_donnees={run.data.params['annee_donnees']}",
        f"validation_status={version.tags['validation_status']}",
        f"alias={', '.join(alias_version) or '-'}",
        sep=" | ",
    )
# --8<-- [end:historique]
