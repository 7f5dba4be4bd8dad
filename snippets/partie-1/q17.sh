# Question 17 : regarder ses propres exécutions, sur son poste.

# --8<-- [start:local]
# Dans le dossier où vos scripts écrivent mlflow.db : l’interface s’ouvre
# sur http://127.0.0.1:5000, joignable depuis ce poste seulement.
mlflow ui --port 5000
# --8<-- [end:local]

# --8<-- [start:alias]
# Les deux commandes affichent la même aide, à la ligne d’usage près.
diff <(mlflow ui --help) <(mlflow server --help)
# --8<-- [end:alias]
