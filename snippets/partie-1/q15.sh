#!/usr/bin/env bash
# Question 15 : un autre système consomme le modèle publié par q15.py,
# sans Python ni code d’entraînement, par l’API REST et la ligne de
# commande de MLflow.
# Prérequis : un serveur de suivi (mlflow server) dont l’adresse est dans
# MLFLOW_TRACKING_URI, et le modèle publié par q15.py sur ce serveur.
set -euo pipefail
: "${MLFLOW_TRACKING_URI:?donnez l’adresse du serveur de suivi, par exemple http://127.0.0.1:5000}"
PORT_SERVICE="${PORT_SERVICE:-5001}"

# --8<-- [start:rest]
# 1. API REST du registre : quelle version porte l’alias « champion » ?
curl --silent --show-error --fail --get \
  "$MLFLOW_TRACKING_URI/api/2.0/mlflow/registered-models/alias" \
  --data-urlencode "name=prix_maisons" \
  --data-urlencode "alias=champion"
echo
# --8<-- [end:rest]

# --8<-- [start:serve]
# 2. Ligne de commande : servir la version « champion » en API HTTP.
# Ses journaux vont sur la sortie d’erreur, la sortie standard garde les
# réponses.
mlflow models serve --model-uri "models:/prix_maisons@champion" \
  --env-manager local --host 127.0.0.1 --port "$PORT_SERVICE" >&2 &
SERVICE_PID=$!
trap 'kill "$SERVICE_PID"' EXIT

# Attendre que le service réponde (au plus deux minutes).
curl --silent --fail --retry 120 --retry-delay 1 --retry-connrefused \
  "http://127.0.0.1:$PORT_SERVICE/ping" > /dev/null
# --8<-- [end:serve]

# --8<-- [start:invocations]
# 3. N’importe quelle application appelle le service en JSON.
curl --silent --show-error --fail \
  "http://127.0.0.1:$PORT_SERVICE/invocations" \
  -H "Content-Type: application/json" \
  -d '{"dataframe_split": {"columns": ["surface", "pieces"],
                          "data": [[70.0, 3.0]]}}'
echo
# --8<-- [end:invocations]
