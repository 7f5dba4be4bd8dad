# Question 18 : PostgreSQL comme stockage des métadonnées en production.
# Prérequis : une base « mlflow » possédée par un rôle « mlflow », créés
# par l’administrateur PostgreSQL, et le pilote psycopg2
# (pip install psycopg2-binary) installé à côté de MLflow.
# Le mot de passe n’apparaît pas dans les commandes, que ps affiche à tous
# les utilisateurs de la machine : libpq le lit dans la variable
# PGPASSWORD ou dans le fichier ~/.pgpass.

# --8<-- [start:migration]
# Crée le schéma de MLflow dans une base vide, ou le met à jour après une
# mise à jour de MLflow (sauvegardez la base avant).
mlflow db upgrade postgresql+psycopg2://mlflow@db.equipe.interne/mlflow
# --8<-- [end:migration]

# --8<-- [start:serveur]
# Les métadonnées vont dans PostgreSQL, les artefacts sous
# --artifacts-destination (en production, plutôt s3://… ou gs://…).
mlflow server \
    --host 0.0.0.0 \
    --port 5000 \
    --allowed-hosts mlflow.equipe.interne:5000 \
    --backend-store-uri postgresql+psycopg2://mlflow@db.equipe.interne/mlflow \
    --artifacts-destination /srv/mlflow/artefacts
# --8<-- [end:serveur]
