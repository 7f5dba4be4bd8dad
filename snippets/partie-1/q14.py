"""Question 14 : des étiquettes pour retrouver et filtrer.

On étiquette une expérimentation et ses exécutions, puis on s’en sert
pour filtrer avec `mlflow.search_experiments` et `mlflow.search_runs`.
La fin montre les pièges de la syntaxe des filtres de MLflow 3.17.
"""

import mlflow
from mlflow.exceptions import MlflowException
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

EXPERIMENT = "q14-etiquettes"

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, random_state=42, stratify=y
)

# --8<-- [start:experimentation]
mlflow.set_experiment(EXPERIMENT)
mlflow.set_experiment_tags({"equipe": "risque-credit", "priorite": "haute"})
# --8<-- [end:experimentation]

# Relancer le script ne doit pas doubler les résultats : on supprime
# d’abord les exécutions d’un lancement précédent (suppression logique).
for old_run in mlflow.search_runs(
    experiment_names=[EXPERIMENT], output_format="list"
):
    mlflow.delete_run(old_run.info.run_id)

# --8<-- [start:executions]
candidates = [
    ("arbre", DecisionTreeClassifier(max_depth=2, random_state=0)),
    ("arbre", DecisionTreeClassifier(max_depth=5, random_state=0)),
    ("foret", RandomForestClassifier(max_depth=2, random_state=0)),
    ("foret", RandomForestClassifier(max_depth=5, random_state=0)),
]

for family, model in candidates:
    run_name = f"{family}-{model.max_depth}"
    # Étiquettes connues au départ : passées à la création de l’exécution.
    with mlflow.start_run(
        run_name=run_name,
        tags={"famille": family, "version-donnees": "v2"},
    ):
        model.fit(X_train, y_train)
        accuracy = accuracy_score(y_test, model.predict(X_test))
        mlflow.log_param("max_depth", model.max_depth)
        mlflow.log_metric("accuracy", accuracy)

        # Étiquette décidée après l’évaluation, modifiable plus tard.
        status = "candidat" if accuracy >= 0.94 else "ecarte"
        mlflow.set_tag("statut", status)
# --8<-- [end:executions]

# --8<-- [start:recherche]
experiments = mlflow.search_experiments(
    filter_string="tags.equipe = 'risque-credit'"
)
print("Expérimentations de l’équipe :", [e.name for e in experiments])

# Les clauses se combinent par AND : ici une étiquette et une métrique.
runs = mlflow.search_runs(
    experiment_names=[EXPERIMENT],
    filter_string="tags.famille = 'foret' AND metrics.accuracy > 0.92",
    order_by=["metrics.accuracy DESC"],
)
columns = {
    "tags.mlflow.runName": "exécution",
    "tags.famille": "famille",
    "tags.statut": "statut",
    "metrics.accuracy": "accuracy",
}
table = runs[list(columns)].rename(columns=columns).round(4)
print(table.to_string(index=False))
# --8<-- [end:recherche]

# --8<-- [start:pieges]
filters = [
    "tags.famille = 'arbre' OR tags.famille = 'foret'",
    "params.max_depth = 5",
    "params.max_depth = '5'",
    "tags.version-donnees = 'v2'",
    "tags.`version-donnees` = 'v2'",
    "tags.`mlflow.runName` LIKE 'foret-%'",
    "tags.mlflow.runName LIKE 'foret-%'",
]
print()
for filter_string in filters:
    try:
        found = mlflow.search_runs(
            experiment_names=[EXPERIMENT], filter_string=filter_string
        )
        print(f"Accepté ({len(found)} exécutions) : {filter_string}")
    except MlflowException as error:
        print(f"Refusé : {filter_string}\n  → {error.message}")
# --8<-- [end:pieges]
