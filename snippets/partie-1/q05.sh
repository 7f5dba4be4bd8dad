# Question 5 : journaliser depuis un poste vers le serveur de l’équipe.
# Le serveur tourne sur la machine centrale (q04.sh, section proxy).

# --8<-- [start:client]
# Sur chaque poste, depuis la racine du dépôt : l’adresse du serveur, puis
# le script. Rien n’est écrit dans le dossier du poste.
export MLFLOW_TRACKING_URI=http://mlflow.equipe.interne:5000
python snippets/partie-1/q05.py
# --8<-- [end:client]
