"""Question 9 : une étape de déploiement continu appuyée sur MLflow.

Chaque modèle candidat est suivi (exécution), enregistré (nouvelle version),
validé sur un jeu de validation, puis promu par l’alias « champion » s’il
passe le seuil. Le service de prédiction charge toujours
`models:/prix_maisons@champion` : un refus ne change rien en production.
"""

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

NOM = "prix_maisons"
SEUIL_R2 = 0.8

# Ventes simulées : prix en k€ selon la surface et le nombre de pièces.
rng = np.random.default_rng(42)
X = pd.DataFrame(
    {
        "surface": rng.uniform(30.0, 150.0, 300),
        "pieces": rng.integers(1, 7, 300).astype(float),
    }
)
y = 3.0 * X["surface"] + 10.0 * X["pieces"] + rng.normal(0.0, 15.0, 300)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.3, random_state=42
)
client = MlflowClient()


# --8<-- [start:etape_ci]
def etape_ci(candidat) -> None:
    """Entraîne, enregistre, valide et promeut (ou non) un candidat."""
    candidat.fit(X_train, y_train)
    r2 = r2_score(y_val, candidat.predict(X_val))

    # Suivre : l’exécution garde le type de modèle et le score.
    with mlflow.start_run(run_name=type(candidat).__name__):
        mlflow.log_param("modele", type(candidat).__name__)
        mlflow.log_metric("r2_validation", r2)
        info = mlflow.sklearn.log_model(
            candidat,
            name="model",
            input_example=X_train.head(2),
            registered_model_name=NOM,
        )

    # Valider : le verdict reste attaché à la version, même refusée.
    version = info.registered_model_version
    statut = "approved" if r2 >= SEUIL_R2 else "rejected"
    client.set_model_version_tag(NOM, version, "validation_status", statut)

    # Déployer : seul un candidat validé reçoit l’alias de production.
    if statut == "approved":
        client.set_registered_model_alias(NOM, "champion", version)
    champion = client.get_model_version_by_alias(NOM, "champion")
    print(
        f"version {version} ({type(candidat).__name__}) : "
        f"R² = {r2:.2f} → {statut} ; champion = version {champion.version}"
    )


# --8<-- [end:etape_ci]


# --8<-- [start:chaine]
# Deux passages de la chaîne : un bon modèle, puis un modèle beaucoup
# trop régularisé, qui sous-apprend.
etape_ci(LinearRegression())
etape_ci(Ridge(alpha=1e6))

# Le service de prédiction ne connaît que l’alias.
modele = mlflow.pyfunc.load_model(f"models:/{NOM}@champion")
maison = pd.DataFrame({"surface": [70.0], "pieces": [3.0]})
print(f"prédiction servie : {modele.predict(maison)[0]:.0f} k€")
# --8<-- [end:chaine]
