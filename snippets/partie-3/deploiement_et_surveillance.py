"""Partie 3, question 5 : promouvoir un modèle par alias, derrière une porte.

Le champion en service a été entraîné sur les données de janvier. Un
candidat entraîné sur février est comparé au champion sur les données les
plus récentes ; il ne devient champion que s’il passe la porte
d’évaluation. La promotion et le retour arrière ne font que déplacer des
alias : le code de service ne change pas.
"""

from __future__ import annotations

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

MODEL_NAME = "detection-fraude"
FEATURES = ["amount", "hour", "distance_km", "n_tx_24h", "merchant_risk"]
HGB_TREES = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"


def make_transactions(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Génère des transactions et leur étiquette de fraude (≈ 4 %)."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "amount": np.round(rng.lognormal(3.5, 1.0, n), 2),
            "hour": rng.integers(0, 24, n).astype(float),
            "distance_km": np.round(rng.exponential(15.0, n), 1),
            "n_tx_24h": rng.poisson(2.0, n).astype(float),
            "merchant_risk": np.round(rng.beta(2.0, 8.0, n), 3),
        }
    )
    # Effets à seuil (la nuit, loin du domicile) : une régression
    # logistique ne les capte qu’en partie.
    logit = (
        -8.5
        + 0.6 * np.log(X["amount"])
        + 3.0 * (X["hour"] < 6)
        + 2.0 * (X["distance_km"] > 40)
        + 0.3 * X["n_tx_24h"]
        + 4.0 * X["merchant_risk"]
    )
    y = pd.Series(rng.random(n) < 1 / (1 + np.exp(-logit)), name="fraude")
    return X, y


# --8<-- [start:enregistrer]
def register(model, X: pd.DataFrame, run_name: str) -> str:
    """Journalise un modèle entraîné et en crée une version au registre."""
    with mlflow.start_run(run_name=run_name):
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            # Le service renvoie la probabilité de fraude, pas une classe :
            # le seuil de blocage est une décision métier, réglable.
            pyfunc_predict_fn="predict_proba",
            signature=infer_signature(X, model.predict_proba(X)),
            input_example=X.head(2),
            registered_model_name=MODEL_NAME,
            skops_trusted_types=[HGB_TREES],
        )
    return str(info.registered_model_version)


# --8<-- [end:enregistrer]


# --8<-- [start:porte]
MIN_AVERAGE_PRECISION = 0.30  # plancher absolu, fixé avec le métier
MIN_IMPROVEMENT = 0.01  # gain minimal sur le champion pour le remplacer


def passes_gate(candidate: str, X: pd.DataFrame, y: pd.Series) -> bool:
    """Compare le candidat au champion sur les mêmes données récentes."""
    client = mlflow.MlflowClient()
    scores = {}
    for label, uri in [
        ("candidat", f"models:/{MODEL_NAME}/{candidate}"),
        ("champion", f"models:/{MODEL_NAME}@champion"),
    ]:
        # Même interface que le service : pyfunc, probabilité en colonne 1.
        model = mlflow.pyfunc.load_model(uri)
        scores[label] = average_precision_score(y, model.predict(X)[:, 1])
        print(f"AP {label} : {scores[label]:.3f}")

    passed = (
        scores["candidat"] >= MIN_AVERAGE_PRECISION
        and scores["candidat"] >= scores["champion"] + MIN_IMPROVEMENT
    )
    # La décision et ses chiffres restent attachés à la version.
    client.set_model_version_tag(
        MODEL_NAME, candidate, "gate.ap", f"{scores['candidat']:.4f}"
    )
    client.set_model_version_tag(
        MODEL_NAME, candidate, "gate.ap_champion", f"{scores['champion']:.4f}"
    )
    client.set_model_version_tag(
        MODEL_NAME,
        candidate,
        "validation_status",
        "approved" if passed else "rejected",
    )
    return passed


# --8<-- [end:porte]


# --8<-- [start:alias]
def promote(version: str) -> None:
    """Fait de `version` le champion et garde l’ancien sous « previous »."""
    client = mlflow.MlflowClient()
    try:
        current = client.get_model_version_by_alias(MODEL_NAME, "champion")
        client.set_registered_model_alias(
            MODEL_NAME, "previous", current.version
        )
    except mlflow.exceptions.MlflowException:
        pass  # premier déploiement : aucun champion à conserver
    client.set_registered_model_alias(MODEL_NAME, "champion", version)


def rollback() -> str:
    """Rend le service à l’ancien champion, sans réentraîner ni rebâtir."""
    client = mlflow.MlflowClient()
    previous = client.get_model_version_by_alias(MODEL_NAME, "previous")
    client.set_registered_model_alias(MODEL_NAME, "champion", previous.version)
    return str(previous.version)


# --8<-- [end:alias]


def main() -> None:
    mlflow.set_experiment("detection-fraude")
    # Un seul thread OpenMP : les petits modèles de cette démonstration
    # ne gagnent rien au parallélisme.
    threadpool_limits(limits=1)

    # --8<-- [start:scenario]
    # Janvier : un premier modèle simple devient champion.
    X_jan, y_jan = make_transactions(4000, seed=1)
    v1 = register(
        make_pipeline(StandardScaler(), LogisticRegression()).fit(
            X_jan, y_jan
        ),
        X_jan,
        "regression-logistique-janvier",
    )
    promote(v1)

    # Février : un candidat plus riche, entraîné sur plus de données.
    X_feb, y_feb = make_transactions(8000, seed=2)
    v2 = register(
        HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.05, random_state=0
        ).fit(X_feb, y_feb),
        X_feb,
        "hgb-fevrier",
    )

    # Début mars : les données les plus récentes, que ni l’un ni l’autre
    # n’a vues, départagent les deux versions.
    X_recent, y_recent = make_transactions(4000, seed=3)
    if passes_gate(v2, X_recent, y_recent):
        promote(v2)

    aliases = mlflow.MlflowClient().get_registered_model(MODEL_NAME).aliases
    for alias, version in sorted(aliases.items()):
        print(f"@{alias} → version {version}")
    # --8<-- [end:scenario]


if __name__ == "__main__":
    main()
