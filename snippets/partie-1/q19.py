"""Question 19 : évaluer un modèle avec `mlflow.models.evaluate`.

On évalue deux classifieurs sur le même jeu de test : une régression
logistique et un modèle qui répond au hasard. MLflow compare les
prédictions aux vraies étiquettes, journalise les métriques et les
graphiques, puis une porte de validation à seuils refuse le modèle faible.
"""

import textwrap

import mlflow
from mlflow import MlflowClient
from mlflow.models import MetricThreshold
from mlflow.models.evaluation.validation import ModelValidationFailedException
from sklearn.datasets import load_breast_cancer
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# Diagnostic de tumeurs du sein (jeu fourni avec scikit-learn). Des
# étiquettes en texte évitent que MLflow prenne la cible pour un nombre.
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
y = y.map({0: "maligne", 1: "benigne"})
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=42, stratify=y
)
jeu_de_test = X_test.assign(diagnostic=y_test)

candidats = {
    "regression_logistique": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ),
    "hasard": DummyClassifier(strategy="stratified", random_state=0),
}

# --8<-- [start:evaluation]
resultats = {}
for nom, candidat in candidats.items():
    candidat.fit(X_train, y_train)
    with mlflow.start_run(run_name=nom) as run:
        info = mlflow.sklearn.log_model(
            candidat, name="model", input_example=X_train.head(2)
        )
        # Prédictions du modèle comparées à la colonne cible.
        resultat = mlflow.models.evaluate(
            info.model_uri,
            jeu_de_test,
            targets="diagnostic",
            model_type="classifier",
            evaluator_config={"pos_label": "maligne"},
        )
    resultats[nom] = (run.info.run_id, resultat)

# Ce que MLflow a journalisé pour la régression logistique.
run_id, resultat = resultats["regression_logistique"]
noms = ", ".join(sorted(resultat.metrics))
print("Métriques :")
print(textwrap.fill(noms, 76, initial_indent="  ", subsequent_indent="  "))
print("Artefacts de l’exécution :")
for artefact in MlflowClient().list_artifacts(run_id):
    print(f"  {artefact.path}")

# Les deux candidats côte à côte, arrondis à trois décimales.
for nom, (_, resultat) in resultats.items():
    scores = ("accuracy_score", "f1_score", "roc_auc")
    valeurs = " ".join(f"{m}={resultat.metrics[m]:.3f}" for m in scores)
    print(f"{nom} : {valeurs}")
# --8<-- [end:evaluation]

# --8<-- [start:validation]
# Porte de validation : un candidat doit atteindre ces seuils.
seuils = {
    "accuracy_score": MetricThreshold(threshold=0.9, greater_is_better=True),
    "roc_auc": MetricThreshold(threshold=0.9, greater_is_better=True),
}
for nom, (run_id, resultat) in resultats.items():
    try:
        mlflow.validate_evaluation_results(seuils, resultat)
        statut = "approved"
        print(f"{nom} : seuils atteints")
    except ModelValidationFailedException as erreur:
        statut = "rejected"
        print(f"{nom} : {type(erreur).__name__}")
        print(erreur)
    # Le verdict reste attaché à l’exécution, pour la suite de la chaîne.
    MlflowClient().set_tag(run_id, "validation_status", statut)
# --8<-- [end:validation]
