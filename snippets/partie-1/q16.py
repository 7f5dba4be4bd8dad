"""Question 16 : SQLite, un stockage des métadonnées en un seul fichier.

Sans MLFLOW_TRACKING_URI, MLflow 3.7 et suivants rangent les métadonnées
dans le fichier ./mlflow.db. Le script journalise une exécution, puis relit
ce fichier avec le module sqlite3 de Python : aucun serveur n’est en jeu.
"""

import sqlite3
from contextlib import closing

import mlflow

# --8<-- [start:journaliser]
# Aucune configuration : MLflow crée ./mlflow.db au premier appel.
print("URI de suivi :", mlflow.get_tracking_uri())

mlflow.set_experiment("dev-local")
with mlflow.start_run() as run:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_metric("rmse", 12.5)
    mlflow.log_text("essai local", "notes.txt")

# Les artefacts ne vont pas dans la base, mais dans ./mlruns.
print("Artefacts :", run.info.artifact_uri)
# --8<-- [end:journaliser]

# --8<-- [start:lire]
# Toute la base tient dans ce fichier, lisible par n’importe quel outil SQLite.
chemin = mlflow.get_tracking_uri().removeprefix("sqlite:///")
with closing(sqlite3.connect(chemin)) as base:
    tables = base.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    ).fetchone()[0]
    schema = base.execute("SELECT version_num FROM alembic_version").fetchone()
    statut = base.execute(
        "SELECT status FROM runs WHERE run_uuid = ?", (run.info.run_id,)
    ).fetchone()
    parametres = base.execute(
        "SELECT key, value FROM params WHERE run_uuid = ?", (run.info.run_id,)
    ).fetchall()

print("Tables :", tables)
print("Version du schéma :", schema[0])
print("Statut de l’exécution :", statut[0])
print("Paramètres :", parametres)
# --8<-- [end:lire]
