# Image du serveur de suivi MLflow. L’image officielle ne contient ni le
# pilote PostgreSQL ni le client S3 : on les ajoute, versions figées, pour
# que la même image serve sur un poste (Docker Compose) et dans le cluster.
FROM ghcr.io/mlflow/mlflow:v3.17.2

RUN pip install --no-cache-dir psycopg2-binary==2.9.13 boto3==1.44.5

EXPOSE 5000

# Aucune option ici : Compose et Kubernetes passent les leurs, visibles
# dans leur propre fichier.
ENTRYPOINT ["mlflow", "server"]
