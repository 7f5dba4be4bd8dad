#!/usr/bin/env bash
# Partie 3, question 5 : interroger le service de prédiction.
set -euo pipefail
cd "$(dirname "$0")"

# --8<-- [start:requete]
curl -sS http://127.0.0.1:"${PORT:-5001}"/invocations \
  -H "Content-Type: application/json" \
  --data @deploiement_et_surveillance_requete.json
# --8<-- [end:requete]
