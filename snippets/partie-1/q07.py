"""Question 7 : ce qu’une exécution garde pour être reproduite.

Une exécution enregistre ses paramètres, métriques et étiquettes, la
référence du jeu de données d’entraînement et l’environnement du modèle.
MLflow y ajoute de lui-même l’origine du code : le script, l’utilisateur
et, dans un dépôt git, le commit.
"""

from pathlib import Path

import mlflow
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score, root_mean_squared_error
from sklearn.model_selection import train_test_split

# Page d’origine du jeu, citée par scikit-learn qui en fournit une copie.
SOURCE = "https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html"

# --8<-- [start:run]
params = {"alpha": 0.5, "test_size": 0.25, "random_state": 42}
data = load_diabetes(as_frame=True).frame  # 10 variables et « target »
train, test = train_test_split(
    data, test_size=params["test_size"], random_state=params["random_state"]
)

mlflow.set_experiment("diabete")
with mlflow.start_run(run_name="ridge-reference") as run:
    mlflow.log_params(params)
    mlflow.set_tags({"equipe": "santé", "objectif": "référence"})

    # Référence du jeu d’entraînement : nom, empreinte, schéma, source.
    dataset = mlflow.data.from_pandas(
        train, source=SOURCE, name="diabete-entrainement", targets="target"
    )
    mlflow.log_input(dataset, context="training")

    features = train.drop(columns="target")
    model = Ridge(alpha=params["alpha"]).fit(features, train["target"])
    predictions = model.predict(test.drop(columns="target"))
    mlflow.log_metrics(
        {
            "rmse": root_mean_squared_error(test["target"], predictions),
            "r2": r2_score(test["target"], predictions),
        }
    )

    # Le modèle emporte la liste de ses dépendances.
    model_info = mlflow.sklearn.log_model(
        model, name="model", input_example=features.head(3)
    )
# --8<-- [end:run]

# --8<-- [start:relire]
# Ce que le serveur de suivi garde de l’exécution.
run = mlflow.get_run(run.info.run_id)
print("Paramètres :", dict(sorted(run.data.params.items())))
print(
    "Métriques :",
    {key: round(value, 3) for key, value in sorted(run.data.metrics.items())},
)
print(
    "Étiquettes :",
    {
        key: value
        for key, value in sorted(run.data.tags.items())
        if not key.startswith("mlflow.")
    },
)

dataset_input = run.inputs.dataset_inputs[0]
print("Jeu de données :", dataset_input.dataset.name)
print("  empreinte (digest) :", dataset_input.dataset.digest)
print("  profil :", dataset_input.dataset.profile)
print("  source :", dataset_input.dataset.source)
print("  contexte :", dataset_input.tags[0].value)
# --8<-- [end:relire]

# --8<-- [start:environnement]
model_dir = Path(
    mlflow.artifacts.download_artifacts(
        model_info.model_uri, dst_path="modele"
    )
)
print("requirements.txt du modèle :")
print((model_dir / "requirements.txt").read_text().strip())
# --8<-- [end:environnement]

# --8<-- [start:automatique]
# Étiquettes système, posées par MLflow sans rien demander.
for key in ("mlflow.source.name", "mlflow.source.type", "mlflow.user"):
    print(f"{key} :", run.data.tags[key])
# --8<-- [end:automatique]
