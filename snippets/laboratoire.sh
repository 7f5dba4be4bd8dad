#!/usr/bin/env bash
# Lancer un exemple du site comme le font les tests.
set -euo pipefail

# --8<-- [start:lancer]
# Activer l’environnement virtuel du dépôt (créé par make).
source .venv/bin/activate

# Lancer l’exemple de la question 8 avec le stockage local par défaut.
python snippets/partie-1/q08.py

# Voir les exécutions enregistrées : la base par défaut est ./mlflow.db.
python -c "import mlflow; print(len(mlflow.search_runs()), 'exécution(s)')"
# --8<-- [end:lancer]
