"""Question 2 : une exécution suivie se documente et se retrouve.

On entraîne une régression ridge en journalisant sa configuration, son
résultat et une description, puis on retrouve l’exécution par une
recherche, comme le ferait un collègue des semaines plus tard.
"""

import mlflow
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)

mlflow.set_experiment("q02-suivi")

# --8<-- [start:journaliser]
alpha = 0.5
with mlflow.start_run(
    run_name="ridge-reference",
    description="Référence : ridge sur toutes les variables.",
):
    model = Ridge(alpha=alpha).fit(X_train, y_train)
    rmse = root_mean_squared_error(y_test, model.predict(X_test))

    mlflow.log_param("alpha", alpha)
    mlflow.log_metric("rmse", rmse)
    mlflow.set_tag("jeu_de_donnees", "diabetes")
# --8<-- [end:journaliser]

# --8<-- [start:retrouver]
# Plus tard, sans connaître l’identifiant : on cherche par paramètre.
found = mlflow.search_runs(
    experiment_names=["q02-suivi"],
    filter_string="params.alpha = '0.5' AND tags.jeu_de_donnees = 'diabetes'",
    order_by=["attributes.start_time DESC"],
    max_results=1,
    output_format="list",
)[0]

tags = found.data.tags
print("Exécution :", found.info.run_name, found.info.run_id)
print("Paramètres :", found.data.params)
print("Métriques :", {k: round(v, 2) for k, v in found.data.metrics.items()})
print("Description :", tags["mlflow.note.content"])
print("Lancée par :", tags["mlflow.user"])
print("Script :", tags["mlflow.source.name"])
# --8<-- [end:retrouver]
