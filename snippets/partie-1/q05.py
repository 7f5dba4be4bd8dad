"""Question 5 : un client qui journalise vers le serveur de suivi de l’équipe.

Le script journalise une exécution avec un artefact, puis liste les
exécutions que tous les membres de l’équipe voient dans l’expérimentation.
Il écrit dans le stockage désigné par MLFLOW_TRACKING_URI : une adresse
http:// pour le serveur central, ou sqlite:///mlflow.db par défaut.
"""

import mlflow
from mlflow import MlflowClient

# --8<-- [start:journaliser]
# Aucune adresse dans le code : MLFLOW_TRACKING_URI choisit le serveur.
experiment = mlflow.set_experiment("equipe-prevision")
print("Artefacts de l’expérimentation :", experiment.artifact_location)

with mlflow.start_run() as run:
    mlflow.log_param("modele", "ridge")
    mlflow.log_metric("rmse", 12.5)
    # L’artefact part vers le stockage des artefacts, pas vers la base.
    mlflow.log_dict({"horizon": 7, "alpha": 0.5}, "config/entrainement.json")

print("Artefacts de l’exécution :", run.info.artifact_uri)
fichiers = MlflowClient().list_artifacts(run.info.run_id, "config")
print("Fichiers journalisés :", [fichier.path for fichier in fichiers])
# --8<-- [end:journaliser]

# --8<-- [start:partager]
# Chaque membre de l’équipe voit les exécutions de tous les autres.
runs = mlflow.search_runs(
    experiment_names=["equipe-prevision"], output_format="list"
)
print("Exécutions visibles :", len(runs))
for visible in runs:
    print(f"- {visible.info.run_id} par {visible.data.tags['mlflow.user']}")
# --8<-- [end:partager]
