"""Question 10 : comparer plusieurs modèles au même endroit.

Quatre forêts aléatoires sont entraînées avec des hyperparamètres
différents, chacune dans sa propre exécution. `mlflow.search_runs` les
classe ensuite par métrique, comme le tableau de l’interface de MLflow.
"""

import mlflow
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

EXPERIMENT = "q10-comparaison"

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)

mlflow.set_experiment(EXPERIMENT)

# Relancer le script ne doit pas doubler le tableau : on supprime d’abord
# les exécutions d’un lancement précédent (suppression logique, réversible
# avec MlflowClient.restore_run).
for old_run in mlflow.search_runs(
    experiment_names=[EXPERIMENT], output_format="list"
):
    mlflow.delete_run(old_run.info.run_id)

# --8<-- [start:entrainement]
configurations = [
    {"n_estimators": 10, "max_depth": 2},
    {"n_estimators": 10, "max_depth": 5},
    {"n_estimators": 50, "max_depth": 5},
    {"n_estimators": 10, "max_depth": 10},
]

for params in configurations:
    run_name = f"foret-{params['n_estimators']}-{params['max_depth']}"
    with mlflow.start_run(run_name=run_name):
        model = RandomForestClassifier(**params, random_state=0)
        model.fit(X_train, y_train)
        predictions = model.predict(X_test)

        mlflow.log_params(params)
        mlflow.log_metrics(
            {
                "accuracy": accuracy_score(y_test, predictions),
                "f1": f1_score(y_test, predictions),
            }
        )
# --8<-- [end:entrainement]

# --8<-- [start:comparaison]
# Une ligne par exécution, une colonne par paramètre, métrique et étiquette.
runs = mlflow.search_runs(
    experiment_names=[EXPERIMENT],
    order_by=["metrics.accuracy DESC", "metrics.f1 DESC"],
)

columns = {
    "tags.mlflow.runName": "exécution",
    "params.n_estimators": "n_estimators",
    "params.max_depth": "max_depth",
    "metrics.accuracy": "accuracy",
    "metrics.f1": "f1",
}
table = runs[list(columns)].rename(columns=columns).round(4)
print(table.to_string(index=False))
# --8<-- [end:comparaison]

# --8<-- [start:meilleure]
best = mlflow.search_runs(
    experiment_names=[EXPERIMENT],
    order_by=["metrics.accuracy DESC", "metrics.f1 DESC"],
    max_results=1,
    output_format="list",
)[0]
print()
print("Meilleure exécution :", best.info.run_name)
print("Sa configuration :", dict(sorted(best.data.params.items())))
# --8<-- [end:meilleure]

# --8<-- [start:piege]
# Les paramètres sont stockés comme du texte : trier sur un paramètre
# compare des chaînes, donc « 10 » passe avant « 2 ».
by_depth = mlflow.search_runs(
    experiment_names=[EXPERIMENT], order_by=["params.max_depth ASC"]
)
print("Tri sur params.max_depth :", by_depth["params.max_depth"].tolist())
# --8<-- [end:piege]
