#!/usr/bin/env bash
# Partie 3, question 3 : le serveur de suivi partagé par l’équipe.
#
# Métadonnées dans PostgreSQL, artefacts envoyés par le serveur (proxy) vers
# un stockage objet, accès authentifié. Les secrets arrivent par
# l’environnement (gestionnaire de secrets, Secret Kubernetes) : ce fichier
# n’en contient aucun et peut être versionné.
set -euo pipefail

# --8<-- [start:serveur]
# MLflow lit ces variables lui-même : l’URI et son mot de passe
# n’apparaissent pas dans la ligne de commande, visible avec `ps`.
: "${MLFLOW_BACKEND_STORE_URI:?ex. postgresql://mlflow:***@pg:5432/mlflow}"
: "${MLFLOW_ARTIFACTS_DESTINATION:?ex. s3://ml-artefacts/mlflow}"
: "${MLFLOW_AUTH_DATABASE_URI:?ex. postgresql://mlflow:***@pg:5432/auth}"
: "${MLFLOW_FLASK_SERVER_SECRET_KEY:?clé aléatoire des sessions}"
: "${MLFLOW_AUTH_ADMIN_PASSWORD:?mot de passe initial de l’administrateur}"
: "${MLFLOW_ALLOWED_HOSTS:?ex. mlflow.exemple.fr, le nom servi par le proxy}"
export MLFLOW_BACKEND_STORE_URI MLFLOW_ARTIFACTS_DESTINATION

# Configuration de l’authentification, écrite au démarrage et lisible par
# le seul compte du serveur, car elle contient l’URI de la base des comptes.
export MLFLOW_AUTH_CONFIG_PATH="${MLFLOW_AUTH_CONFIG_PATH:-/run/mlflow/auth.ini}"
mkdir -p "$(dirname "$MLFLOW_AUTH_CONFIG_PATH")"
(
  umask 077
  cat > "$MLFLOW_AUTH_CONFIG_PATH" <<EOF
[mlflow]
default_permission = READ
database_uri = ${MLFLOW_AUTH_DATABASE_URI}
admin_username = admin
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
EOF
)

# Migrations du schéma avant chaque démarrage : sans effet si la base est
# déjà à jour, et l’on sauvegarde la base avant une montée de version.
mlflow db upgrade "$MLFLOW_BACKEND_STORE_URI"

# TLS est terminé en amont (répartiteur de charge ou Ingress) ; le serveur
# refuse toute requête dont l’en-tête Host n’est pas dans la liste.
exec mlflow server \
  --app-name basic-auth \
  --host "${MLFLOW_HOST:-127.0.0.1}" \
  --port "${MLFLOW_PORT:-5000}" \
  --workers "${MLFLOW_WORKERS:-4}" \
  --allowed-hosts "$MLFLOW_ALLOWED_HOSTS"
# --8<-- [end:serveur]
