"""Question 6 : l’historique d’une métrique, tracé par la vue en graphiques.

Deux exécutions d’un même modèle, avec deux taux d’apprentissage,
journalisent l’accuracy de test après chaque arbre ajouté. La vue en
graphiques de l’interface trace ces historiques en courbes ; le script les
relit avec `MlflowClient.get_metric_history`.
"""

import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

EXPERIMENT = "q06-courbes"

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)

mlflow.set_experiment(EXPERIMENT)

# Relancer le script ne doit pas doubler les courbes : on supprime d’abord
# les exécutions d’un lancement précédent (suppression logique).
for old_run in mlflow.search_runs(
    experiment_names=[EXPERIMENT], output_format="list"
):
    mlflow.delete_run(old_run.info.run_id)

# --8<-- [start:historique]
for learning_rate in (0.5, 0.1):
    with mlflow.start_run(run_name=f"gb-lr-{learning_rate}"):
        model = GradientBoostingClassifier(
            n_estimators=50,
            learning_rate=learning_rate,
            max_depth=2,
            random_state=0,
        )
        model.fit(X_train, y_train)
        mlflow.log_params({"learning_rate": learning_rate, "n_estimators": 50})

        # Une valeur par arbre ajouté : le pas (step) sert d’axe des x.
        stages = model.staged_predict(X_test)
        for step, predictions in enumerate(stages, start=1):
            accuracy = accuracy_score(y_test, predictions)
            mlflow.log_metric("accuracy", accuracy, step=step)
# --8<-- [end:historique]

# --8<-- [start:relire]
client = MlflowClient()
runs = mlflow.search_runs(
    experiment_names=[EXPERIMENT],
    order_by=["attributes.run_name ASC"],
    output_format="list",
)
for run in runs:
    history = sorted(
        client.get_metric_history(run.info.run_id, "accuracy"),
        key=lambda point: point.step,
    )
    # Le meilleur point ; à égalité, le premier pas qui l’atteint.
    best = max(history, key=lambda point: (point.value, -point.step))
    shown = run.data.metrics["accuracy"]
    print(
        f"{run.info.run_name} : {len(history)} points, "
        f"tableau = {shown:.4f} (pas {history[-1].step}), "
        f"meilleur = {best.value:.4f} (pas {best.step})"
    )
# --8<-- [end:relire]
