"""Partie 3, question 3 : optimiser les hyperparamètres sous MLflow.

Une étude Optuna cherche les hyperparamètres d’un modèle de détection de
fraude. L’étude est une exécution parente, chaque essai une exécution
imbriquée ; les essais faibles sont élagués (*pruning*) avant la fin de leur
entraînement. Le meilleur essai est réentraîné, évalué sur un jeu de test
jamais vu, puis enregistré au registre avec l’alias « challenger ».
"""

import time

import mlflow
import optuna
import pandas as pd
from mlflow.entities import Metric, Param, RunTag
from mlflow.models import infer_signature
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

MODEL_NAME = "detection-fraude"
SEED = 0
N_TRIALS = 16
# Le modèle grandit par paliers de 20 arbres : chaque palier est un point
# de contrôle où Optuna peut élaguer l’essai.
STEPS = [20, 40, 60, 80, 100]

optuna.logging.set_verbosity(optuna.logging.WARNING)

# --8<-- [start:donnees]
# Transactions synthétiques : 10 variables anonymisées, 10 % de fraudes.
X, y = make_classification(
    n_samples=3000,
    n_features=10,
    n_informative=5,
    weights=[0.9],
    flip_y=0.02,
    random_state=0,
)
X = pd.DataFrame(X, columns=[f"v{i:02d}" for i in range(1, 11)])
y = pd.Series(y.astype(bool), name="fraude")

# Trois jeux : entraînement, validation (pour Optuna), test (pour la fin).
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=0
)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=0
)
# --8<-- [end:donnees]


# --8<-- [start:objectif]
def objective(trial: optuna.Trial) -> float:
    """Entraîne un essai par paliers, dans sa propre exécution imbriquée."""
    params = {
        "learning_rate": trial.suggest_float(
            "learning_rate", 0.01, 0.3, log=True
        ),
        "max_leaf_nodes": trial.suggest_int("max_leaf_nodes", 4, 64, log=True),
        "l2_regularization": trial.suggest_float(
            "l2_regularization", 1e-4, 10.0, log=True
        ),
        "min_samples_leaf": trial.suggest_int(
            "min_samples_leaf", 5, 100, log=True
        ),
    }
    model = HistGradientBoostingClassifier(
        warm_start=True, early_stopping=False, random_state=SEED, **params
    )

    history = []
    pruned = False
    with mlflow.start_run(
        run_name=f"essai-{trial.number:02d}",
        nested=True,
        tags={"optuna.trial": str(trial.number)},
    ) as run:
        for n_trees in STEPS:
            # warm_start : on ajoute des arbres au lieu de tout réentraîner.
            model.set_params(max_iter=n_trees)
            model.fit(X_train, y_train)
            score = average_precision_score(
                y_val, model.predict_proba(X_val)[:, 1]
            )
            timestamp = int(time.time() * 1000)
            history.append(
                Metric("val_average_precision", score, timestamp, n_trees)
            )
            trial.report(score, step=n_trees)
            if trial.should_prune():
                pruned = True
                break

        # Une seule écriture par essai (paramètres, courbe, état) : un
        # aller-retour avec le serveur de suivi au lieu d’un par palier.
        state = "PRUNED" if pruned else "COMPLETE"
        mlflow.MlflowClient().log_batch(
            run.info.run_id,
            metrics=history,
            params=[Param(key, str(value)) for key, value in params.items()],
            tags=[RunTag("optuna.state", state)],
        )

    # L’exécution reste FINISHED avec son étiquette : l’élagage est une
    # décision d’Optuna, pas une panne.
    if pruned:
        raise optuna.TrialPruned()
    return score


# --8<-- [end:objectif]


# --8<-- [start:etude]
mlflow.set_experiment("detection-fraude")

with mlflow.start_run(run_name="optuna-hgb") as parent:
    # Le jeu de données est tracé par son empreinte (digest) et son schéma.
    train_df = pd.concat([X_train, y_train], axis=1)
    mlflow.log_input(
        mlflow.data.from_pandas(
            train_df, name="transactions-train", targets="fraude"
        ),
        context="training",
    )

    study = optuna.create_study(
        study_name="detection-fraude-hgb",
        direction="maximize",
        # Graine fixe : la même suite d’essais à chaque exécution.
        sampler=optuna.samplers.TPESampler(seed=SEED, n_startup_trials=5),
        # Élague un essai dont le meilleur score jusqu’ici est sous la
        # médiane des essais précédents au même palier.
        pruner=optuna.pruners.MedianPruner(n_startup_trials=5),
    )
    # Un seul thread par essai : sur un petit jeu, la synchronisation entre
    # threads coûte plus qu’elle ne rapporte, et les cœurs restent libres
    # pour lancer plusieurs essais en parallèle.
    with threadpool_limits(limits=1):
        study.optimize(objective, n_trials=N_TRIALS)

    states = [t.state for t in study.trials]
    n_pruned = states.count(optuna.trial.TrialState.PRUNED)
    mlflow.log_params({f"best_{k}": v for k, v in study.best_params.items()})
    mlflow.log_metrics(
        {
            "best_val_average_precision": study.best_value,
            "n_trials_pruned": n_pruned,
            "n_trials_complete": len(states) - n_pruned,
        }
    )
    trials = study.trials_dataframe(attrs=("number", "value", "state"))
    mlflow.log_text(trials.to_csv(index=False), "optuna/essais.csv")

for trial in study.trials:
    if trial.state == optuna.trial.TrialState.PRUNED:
        last_step = max(trial.intermediate_values)
        print(f"essai {trial.number:02d} : élagué après {last_step} arbres")
    else:
        print(f"essai {trial.number:02d} : AP validation = {trial.value:.4f}")
print(f"Meilleur essai : {study.best_trial.number:02d}")
print(f"Essais élagués : {n_pruned} sur {N_TRIALS}")
# --8<-- [end:etude]

# --8<-- [start:enregistrement]
best = study.best_trial
model = HistGradientBoostingClassifier(
    max_iter=STEPS[-1], early_stopping=False, random_state=SEED, **best.params
)
with threadpool_limits(limits=1):
    model.fit(X_train, y_train)
test_ap = average_precision_score(y_test, model.predict_proba(X_test)[:, 1])

# Le modèle final est rattaché à l’exécution parente de l’étude.
with mlflow.start_run(run_id=parent.info.run_id):
    mlflow.log_metric("test_average_precision", test_ap)
    model_info = mlflow.sklearn.log_model(
        model,
        name="model",
        signature=infer_signature(X_val, model.predict_proba(X_val)[:, 1]),
        input_example=X_val.head(3),
        registered_model_name=MODEL_NAME,
        # skops refuse par défaut les types qu’il n’a pas audités ; on
        # déclare celui des arbres de HistGradientBoosting, produit ici.
        skops_trusted_types=[
            "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
        ],
    )

client = mlflow.MlflowClient()
version = model_info.registered_model_version
client.set_model_version_tag(
    MODEL_NAME, version, "optuna_trial", str(best.number)
)
client.set_model_version_tag(
    MODEL_NAME, version, "validation_status", "pending"
)
# Candidat seulement : la promotion en « champion » passe par la porte
# d’évaluation de la chaîne de déploiement.
client.set_registered_model_alias(MODEL_NAME, "challenger", version)

challenger = client.get_model_version_by_alias(MODEL_NAME, "challenger")
print(f"AP sur le jeu de test : {test_ap:.4f}")
print(
    f"« {MODEL_NAME} » version {challenger.version} : alias challenger, "
    f"statut {challenger.tags['validation_status']}"
)
# --8<-- [end:enregistrement]
