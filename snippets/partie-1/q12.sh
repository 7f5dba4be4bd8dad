# Question 12 : servir le modèle que q12.py a copié dans ./modele, puis lui
# envoyer telle quelle la requête d’exemple préparée par MLflow.
# Lancez les deux commandes depuis le dossier où q12.py a tourné, dans
# deux terminaux. Les tests remplacent le port, puis les exécutent.

# --8<-- [start:serve]
# Terminal 1 : le service de prédiction, dans l’environnement Python courant.
mlflow models serve -m modele --env-manager local -h 127.0.0.1 -p 5001
# --8<-- [end:serve]

# --8<-- [start:requete]
# Terminal 2 : le corps de la requête est le fichier stocké avec le modèle.
curl -s http://127.0.0.1:5001/invocations \
    -H "Content-Type: application/json" \
    -d @modele/serving_input_example.json
# --8<-- [end:requete]
