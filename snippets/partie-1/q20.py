"""Question 20 : journaliser un graphique prédictions contre valeurs réelles.

On entraîne une régression sur le jeu « diabetes » de scikit-learn, on
trace les prédictions du jeu de test contre les valeurs mesurées, et
`mlflow.log_figure` range l’image PNG parmi les artefacts de l’exécution.
"""

import matplotlib

# Backend sans fenêtre : le script tourne aussi sur un serveur ou en CI.
matplotlib.use("Agg")

import matplotlib.pyplot as plt
import mlflow
from mlflow import MlflowClient
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42
)
model = LinearRegression().fit(X_train, y_train)
predictions = model.predict(X_test)

# --8<-- [start:figure]
fig, ax = plt.subplots(figsize=(6, 6), dpi=100)
ax.scatter(y_test, predictions, alpha=0.6)
# La diagonale est la prédiction parfaite : l’écart vertical d’un point
# à cette droite est son erreur.
bornes = [
    min(y_test.min(), predictions.min()),
    max(y_test.max(), predictions.max()),
]
ax.plot(bornes, bornes, color="red", linestyle="--", label="prédiction = réel")
ax.set_xlabel("Progression mesurée de la maladie")
ax.set_ylabel("Progression prédite")
ax.set_title("Jeu de test : prédictions contre valeurs réelles")
ax.legend()

with mlflow.start_run() as run:
    mlflow.log_metric("r2", r2_score(y_test, predictions))
    mlflow.log_metric("mae", mean_absolute_error(y_test, predictions))
    mlflow.log_figure(fig, "graphiques/predictions_vs_reel.png")
plt.close(fig)
# --8<-- [end:figure]

# --8<-- [start:verification]
client = MlflowClient()
for fichier in client.list_artifacts(run.info.run_id, "graphiques"):
    print(f"artefact : {fichier.path}")
metriques = client.get_run(run.info.run_id).data.metrics
print(f"r2 = {metriques['r2']:.3f}, mae = {metriques['mae']:.1f}")
# --8<-- [end:verification]
