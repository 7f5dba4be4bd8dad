"""Partie 3, question 5 : détecter une dérive et décider du réentraînement.

On compare un échantillon de référence (les données d’entraînement) à un
échantillon de production dont une partie des variables a glissé. Pour
chaque variable, et pour le score du modèle, on calcule le PSI et le test de
Kolmogorov-Smirnov ; les résultats et la décision sont journalisés dans
MLflow, et la décision dit s’il faut déclencher le réentraînement.
"""

from __future__ import annotations

import mlflow
import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["amount", "hour", "distance_km", "n_tx_24h", "merchant_risk"]


def make_sample(n: int, seed: int, shift: bool = False) -> pd.DataFrame:
    """Tire un échantillon ; `shift` simule la dérive de la production."""
    rng = np.random.default_rng(seed)
    # En production : paniers plus gros (inflation, nouveau catalogue) et
    # achats plus lointains (ouverture d’un marché), le reste inchangé.
    amount_mu, distance_scale = (4.1, 22.0) if shift else (3.5, 15.0)
    df = pd.DataFrame(
        {
            "amount": rng.lognormal(amount_mu, 1.0, n),
            "hour": rng.integers(0, 24, n).astype(float),
            "distance_km": rng.exponential(distance_scale, n),
            "n_tx_24h": rng.poisson(2.0, n).astype(float),
            "merchant_risk": rng.beta(2.0, 8.0, n),
        }
    )
    logit = -8.5 + 0.6 * np.log(df["amount"]) + 4.0 * df["merchant_risk"]
    df["fraude"] = rng.random(n) < 1 / (1 + np.exp(-logit))
    return df


# --8<-- [start:psi]
def population_stability_index(
    reference: np.ndarray, current: np.ndarray, bins: int = 10
) -> float:
    """PSI entre deux échantillons, sur les déciles de la référence."""
    # Bornes fixées sur la référence, puis élargies à tout l’axe pour que
    # chaque valeur de production tombe dans une classe.
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = -np.inf, np.inf
    ref_share = np.histogram(reference, edges)[0] / len(reference)
    cur_share = np.histogram(current, edges)[0] / len(current)
    # Une classe vide rendrait le logarithme infini : plancher de 0,01 %.
    ref_share = np.clip(ref_share, 1e-4, None)
    cur_share = np.clip(cur_share, 1e-4, None)
    return float(
        np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
    )


# --8<-- [end:psi]

# --8<-- [start:regle]
# Seuils usuels du PSI, venus du suivi des grilles de score en crédit.
PSI_WATCH = 0.10  # de 0,10 à 0,25 : glissement modéré, à surveiller
PSI_ALERT = 0.25  # au-delà : glissement majeur
KS_ALPHA = 0.01  # la différence doit aussi être statistiquement nette


def detect_drift(reference: pd.DataFrame, current: pd.DataFrame) -> dict:
    """Mesure chaque colonne et dit si elle a dérivé."""
    results = {}
    for column in reference.columns:
        ref, cur = reference[column].to_numpy(), current[column].to_numpy()
        psi = population_stability_index(ref, cur)
        ks = ks_2samp(ref, cur)
        results[column] = {
            "psi": round(psi, 4),
            "ks_stat": round(float(ks.statistic), 4),
            "ks_pvalue": float(ks.pvalue),
            # Les deux à la fois : sur de gros volumes, le test KS seul
            # signale des écarts minuscules ; le PSI mesure leur ampleur.
            "drift": bool(psi >= PSI_ALERT and ks.pvalue < KS_ALPHA),
            "watch": bool(PSI_WATCH <= psi < PSI_ALERT),
        }
    return results


# --8<-- [end:regle]


def main() -> None:
    mlflow.set_experiment("detection-fraude-surveillance")

    # --8<-- [start:surveillance]
    reference = make_sample(20_000, seed=10)
    production = make_sample(5_000, seed=11, shift=True)

    # Le score du modèle se surveille aussi : sa dérive se voit avant
    # l’arrivée des étiquettes, qui peuvent prendre des semaines.
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(reference[FEATURES], reference["fraude"])
    reference["score"] = model.predict_proba(reference[FEATURES])[:, 1]
    production["score"] = model.predict_proba(production[FEATURES])[:, 1]

    columns = [*FEATURES, "score"]
    results = detect_drift(reference[columns], production[columns])
    drifted = [column for column, r in results.items() if r["drift"]]
    retrain = bool(drifted)

    with mlflow.start_run(run_name="surveillance-2026-03-08"):
        for column, r in results.items():
            mlflow.log_metrics(
                {
                    f"psi.{column}": r["psi"],
                    f"ks_stat.{column}": r["ks_stat"],
                }
            )
        mlflow.log_dict(results, "derive/rapport.json")
        mlflow.set_tags(
            {
                "derive.colonnes": ",".join(drifted) or "aucune",
                "decision": "reentrainement" if retrain else "aucune action",
            }
        )

    for column, r in results.items():
        flag = (
            "DÉRIVE"
            if r["drift"]
            else ("à surveiller" if r["watch"] else "stable")
        )
        print(
            f"{column:14} PSI={r['psi']:.3f}  KS={r['ks_stat']:.3f}"
            f"  p={r['ks_pvalue']:.1e}  {flag}"
        )
    if retrain:
        print("Décision : réentraînement déclenché pour", ", ".join(drifted))
    else:
        print("Décision : aucune action")
    # --8<-- [end:surveillance]


if __name__ == "__main__":
    main()
