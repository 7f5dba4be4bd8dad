# Question 4 : deux façons de démarrer le serveur de suivi de l’équipe.
# Chaque commande tourne jusqu’à Ctrl+C : lancez-en une seule, dans un
# terminal de la machine centrale. Les tests remplacent les chemins, le nom
# et le port, puis exécutent ces commandes telles quelles.
# --allowed-hosts liste le nom et le port que les clients utilisent : sans
# lui, MLflow refuse les requêtes qui ne visent pas localhost ou une
# adresse IP privée.

# --8<-- [start:proxy]
# Artefacts servis par le serveur (le proxy est actif par défaut) : les
# clients les envoient en HTTP, le serveur les range sous
# --artifacts-destination (un dossier local ou s3://…).
mlflow server \
    --host 0.0.0.0 \
    --port 5000 \
    --allowed-hosts mlflow.equipe.interne:5000 \
    --backend-store-uri sqlite:////srv/mlflow/mlflow.db \
    --artifacts-destination /srv/mlflow/artefacts
# --8<-- [end:proxy]

# --8<-- [start:racine]
# Sans proxy : chaque nouvelle expérimentation reçoit un dossier sous
# --default-artifact-root, et chaque client y écrit lui-même. Ce chemin
# doit donc exister sur tous les postes (partage NFS monté au même
# endroit), ou être un stockage objet (s3://…) accessible aux clients.
mlflow server \
    --host 0.0.0.0 \
    --port 5000 \
    --allowed-hosts mlflow.equipe.interne:5000 \
    --backend-store-uri sqlite:////srv/mlflow/mlflow.db \
    --no-serve-artifacts \
    --default-artifact-root /mnt/partage/mlflow-artefacts
# --8<-- [end:racine]
