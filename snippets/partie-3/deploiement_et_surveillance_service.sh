#!/usr/bin/env bash
# Partie 3, question 5 : servir la version championne sur HTTP.
#
# MLFLOW_TRACKING_URI désigne le serveur de suivi (ou la base) qui contient
# le registre ; PORT est le port d’écoute du service.
set -euo pipefail

# --8<-- [start:service]
# L’alias est résolu au démarrage : après une promotion ou un retour
# arrière, on redémarre le service pour charger la nouvelle version.
mlflow models serve \
  -m "models:/detection-fraude@champion" \
  --env-manager local \
  -h 127.0.0.1 \
  -p "${PORT:-5001}"
# --8<-- [end:service]
