# Partie 2 : les commandes de l’équipe autour du serveur de suivi partagé.
# Chaque section se lance sur une machine différente. Les tests exécutent
# ces commandes dans l’ordre, après avoir remplacé l’hôte, le port et les
# stockages par des valeurs locales.

# --8<-- [start:serveur]
# Sur la machine centrale. Les métadonnées vont dans PostgreSQL (mot de
# passe dans ~/.pgpass, jamais dans la commande) ; les artefacts passent par
# le serveur, qui les range dans le stockage objet.
mlflow server \
    --host 0.0.0.0 \
    --port 5000 \
    --allowed-hosts mlflow.interne.example:5000 \
    --backend-store-uri postgresql://mlflow@db.interne.example:5432/mlflow \
    --artifacts-destination s3://equipe-ml/mlflow
# --8<-- [end:serveur]

# --8<-- [start:connexion]
# Sur chaque poste : la seule configuration à faire.
export MLFLOW_TRACKING_URI=http://mlflow.interne.example:5000
# --8<-- [end:connexion]

# --8<-- [start:alice]
# Alice compare deux régularisations d’une régression ridge.
python snippets/partie-2/index.py train --model ridge --alpha 1.0
python snippets/partie-2/index.py train --model ridge --alpha 10
# --8<-- [end:alice]

# --8<-- [start:bruno]
# Bruno essaie une forêt aléatoire.
python snippets/partie-2/index.py train --model forest --max-depth 6
# --8<-- [end:bruno]

# --8<-- [start:chloe]
# Chloé, responsable de la mise en production, promeut le meilleur.
python snippets/partie-2/index.py promote
# --8<-- [end:chloe]

# --8<-- [start:david]
# David, arrivé après coup, reproduit le champion sur son poste.
python snippets/partie-2/index.py reproduce
# --8<-- [end:david]
