"""Partie 2 : une équipe partage un serveur de suivi MLflow.

Chaque sous-commande joue un rôle du scénario de la page, sur le poste d’un
membre de l’équipe :

    python snippets/partie-2/index.py train --model ridge --alpha 1.0
    python snippets/partie-2/index.py train --model forest --max-depth 6
    python snippets/partie-2/index.py promote
    python snippets/partie-2/index.py reproduce

Sans sous-commande, le script joue tout le scénario dans l’ordre. Il écrit
là où pointe MLFLOW_TRACKING_URI : le serveur de l’équipe ou, par défaut,
le fichier mlflow.db du dossier courant.
"""

from __future__ import annotations

import argparse
import getpass
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.data.pandas_dataset import PandasDataset
from mlflow.data.sources import LocalArtifactDatasetSource
from mlflow.entities import DatasetInput, Run
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score, root_mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# --8<-- [start:conventions]
# Conventions de l’équipe : tous les membres utilisent ces noms.
EXPERIMENT = "prix-logements"  # une expérimentation par problème métier
REGISTERED_MODEL = "prix-logements"  # le nom que l’application charge
CHAMPION = "champion"  # alias de la version servie en production
CAMPAIGN = "2026-12"  # étiquette d’une vague de comparaisons
DATA_FILE = Path("donnees/logements-v1.csv")  # instantané partagé
TARGET = "prix"
SPLIT = {"random_state": "42", "test_size": "0.25"}
# --8<-- [end:conventions]

# skops, le format de sérialisation par défaut de MLflow 3, refuse au
# chargement les types qu’on ne lui a pas déclarés sûrs, dont les arbres.
TRUSTED_TYPES = {"forest": ["sklearn.tree._tree.Tree"]}


def write_shared_data() -> None:
    """Écrit l’instantané de données partagé, s’il n’existe pas encore.

    Dans une équipe, ce fichier vit sur un stockage commun et il est
    versionné par un autre outil (DVC, lakeFS, table Delta) : MLflow ne
    garde que sa source, son empreinte et son schéma.
    """
    if DATA_FILE.exists():
        return
    rng = np.random.default_rng(2026)
    size = 400
    data = pd.DataFrame(
        {
            "surface": rng.uniform(20, 150, size).round(1),
            "pieces": rng.integers(1, 7, size).astype(float),
            "age": rng.uniform(0, 80, size).round(0),
            "distance_centre": rng.uniform(0.5, 25, size).round(1),
        }
    )
    # Le prix n’est pas linéaire : il grimpe fortement près du centre.
    centre_bonus = 0.8 * data["surface"] * (data["distance_centre"] < 5)
    data[TARGET] = (
        3.0 * data["surface"]
        + 10 * data["pieces"]
        - 0.8 * data["age"]
        - 3 * data["distance_centre"]
        + centre_bonus
        + rng.normal(0, 15, size)
    ).round(1)
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    data.to_csv(DATA_FILE, index=False)


# --8<-- [start:data]
def load_dataset(path: Path) -> tuple[pd.DataFrame, PandasDataset]:
    """Lit les données et les décrit pour MLflow : source, empreinte."""
    df = pd.read_csv(path)
    source = LocalArtifactDatasetSource(Path(path).resolve().as_uri())
    dataset = mlflow.data.from_pandas(
        df, source=source, name=DATA_FILE.stem, targets=TARGET
    )
    return df, dataset


def split(df: pd.DataFrame, params: dict[str, str]) -> list:
    """Découpe entraînement et validation avec les paramètres journalisés."""
    return train_test_split(
        df.drop(columns=TARGET),
        df[TARGET],
        test_size=float(params["test_size"]),
        random_state=int(params["random_state"]),
    )


def build_model(params: dict[str, str]):
    """Construit le modèle à partir des paramètres, tels que MLflow les
    stocke (du texte) : l’entraînement et la reproduction passent par ici.
    """
    family = params["model_family"]
    if family == "ridge":
        return make_pipeline(
            StandardScaler(), Ridge(alpha=float(params["alpha"]))
        )
    if family == "forest":
        return RandomForestRegressor(
            n_estimators=int(params["n_estimators"]),
            max_depth=int(params["max_depth"]),
            random_state=int(params["random_state"]),
        )
    raise ValueError(
        f"famille de modèle inconnue : {family!r}, attendu ridge ou forest"
    )


# --8<-- [end:data]


# --8<-- [start:train]
def train(params: dict[str, str]) -> None:
    """Entraîne une configuration et journalise de quoi la reproduire."""
    df, dataset = load_dataset(DATA_FILE)
    X_train, X_valid, y_train, y_valid = split(df, params)

    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(
        run_name=run_name(params), tags={"campaign": CAMPAIGN}
    ) as run:
        mlflow.log_params(params)
        mlflow.log_input(dataset, context="training")

        model = build_model(params).fit(X_train, y_train)
        predictions = model.predict(X_valid)
        mlflow.log_metrics(
            {
                "rmse": root_mean_squared_error(y_valid, predictions),
                "r2": r2_score(y_valid, predictions),
            }
        )

        # Le modèle part avec sa signature, déduite de l’exemple d’entrée,
        # et les fichiers d’environnement (requirements.txt…).
        mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=X_valid.head(3),
            skops_trusted_types=TRUSTED_TYPES.get(params["model_family"]),
        )
    print_run(MlflowClient().get_run(run.info.run_id))


# --8<-- [end:train]


def run_name(params: dict[str, str]) -> str:
    """Nomme une exécution par sa famille et son réglage principal."""
    if params["model_family"] == "ridge":
        return f"ridge-alpha-{params['alpha']}"
    return f"forest-depth-{params['max_depth']}"


def print_run(run: Run) -> None:
    """Affiche ce que le serveur a reçu pour une exécution."""
    dataset = run.inputs.dataset_inputs[0].dataset
    params = ", ".join(f"{k}={v}" for k, v in sorted(run.data.params.items()))
    print(
        f"Exécution {run.info.run_name}, "
        f"journalisée par {run.data.tags['mlflow.user']}"
    )
    print(f"  paramètres : {params}")
    print(f"  données : {dataset.name}, empreinte {dataset.digest}")
    print(f"  rmse de validation : {run.data.metrics['rmse']:.2f}")


# --8<-- [start:search]
def best_run() -> pd.Series:
    """Classe les exécutions de la campagne et renvoie la meilleure."""
    runs = mlflow.search_runs(
        experiment_names=[EXPERIMENT],
        filter_string=(
            f"attributes.status = 'FINISHED' and tags.campaign = '{CAMPAIGN}'"
        ),
        order_by=["metrics.rmse ASC"],
    )
    if runs.empty:
        sys.exit(
            f"Aucune exécution terminée dans la campagne {CAMPAIGN} : "
            "lancez d’abord la sous-commande train."
        )
    print(f"Campagne {CAMPAIGN}, de la meilleure exécution à la moins bonne :")
    for _, row in runs.iterrows():
        print(
            f"  {row['tags.mlflow.runName']:<18}"
            f"{row['tags.mlflow.user']:<8}"
            f"rmse {row['metrics.rmse']:.2f}"
        )
    return runs.iloc[0]


# --8<-- [end:search]


# --8<-- [start:promote]
def promote() -> None:
    """Enregistre la meilleure exécution et lui donne l’alias champion,
    seulement si elle fait mieux que le champion actuel.
    """
    best = best_run()
    client = MlflowClient()
    models = client.search_registered_models(
        filter_string=f"name = '{REGISTERED_MODEL}'"
    )
    current = models[0].aliases.get(CHAMPION) if models else None
    if current is not None:
        champion = client.get_model_version(REGISTERED_MODEL, str(current))
        champion_rmse = client.get_run(champion.run_id).data.metrics["rmse"]
        if champion_rmse <= best["metrics.rmse"]:
            print(
                f"La version {current} reste {CHAMPION} : "
                "aucune exécution ne fait mieux."
            )
            return

    # La version pointe vers le modèle journalisé par l’exécution gagnante.
    run = client.get_run(best["run_id"])
    model_id = run.outputs.model_outputs[0].model_id
    version = mlflow.register_model(f"models:/{model_id}", REGISTERED_MODEL)
    client.set_model_version_tag(
        REGISTERED_MODEL, version.version, "promoted_by", getpass.getuser()
    )
    client.set_registered_model_alias(
        REGISTERED_MODEL, CHAMPION, version.version
    )
    print(
        f"Version {version.version} de {REGISTERED_MODEL} enregistrée depuis "
        f"{run.info.run_name}, alias {CHAMPION} posé par {getpass.getuser()}"
    )


# --8<-- [end:promote]


# --8<-- [start:lineage]
def trace_champion() -> tuple[ModelVersion, Run, list[str]]:
    """Remonte de l’alias champion jusqu’au code, aux données et à
    l’environnement, avec ce que le serveur a enregistré.
    """
    client = MlflowClient()
    version = client.get_model_version_by_alias(REGISTERED_MODEL, CHAMPION)
    run = client.get_run(version.run_id)
    commit = run.data.tags.get("mlflow.source.git.commit", "non enregistré")
    dataset = run.inputs.dataset_inputs[0].dataset
    params = ", ".join(f"{k}={v}" for k, v in sorted(run.data.params.items()))
    requirements_file = mlflow.artifacts.download_artifacts(
        f"models:/{REGISTERED_MODEL}@{CHAMPION}/requirements.txt"
    )
    requirements = Path(requirements_file).read_text().split()
    key_pins = [
        pin
        for pin in requirements
        if pin.split("==")[0] in {"mlflow", "scikit-learn"}
    ]

    print(f"{REGISTERED_MODEL}@{CHAMPION} : version {version.version}")
    print(f"  modèle : {version.source}")
    print(
        f"  exécution : {run.info.run_name} ({run.info.run_id}), "
        f"journalisée par {run.data.tags['mlflow.user']}"
    )
    print(f"  code : commit {commit}")
    print(f"  données : {dataset.name}, empreinte {dataset.digest}")
    print(f"  paramètres : {params}")
    print(f"  environnement : {', '.join(key_pins)}, etc.")
    return version, run, requirements


# --8<-- [end:lineage]


# --8<-- [start:reproduce]
def reproduce() -> None:
    """Refait le champion ailleurs et compare ses prédictions."""
    try:
        _, run, requirements = trace_champion()
    except MlflowException as error:
        sys.exit(
            f"Aucun {CHAMPION} à reproduire ({error.message}) : "
            "lancez d’abord la sous-commande promote."
        )
    print("Vérifications avant de réentraîner :")
    check_code(run.data.tags.get("mlflow.source.git.commit"))
    df = check_data(run.inputs.dataset_inputs[0])
    check_environment(requirements)

    # Même code, mêmes données, mêmes paramètres : on réentraîne.
    X_train, X_valid, y_train, _ = split(df, run.data.params)
    retrained = build_model(run.data.params).fit(X_train, y_train)
    champion = mlflow.pyfunc.load_model(
        f"models:/{REGISTERED_MODEL}@{CHAMPION}"
    )
    sample = X_valid.head(3)
    expected = champion.predict(sample)
    obtained = retrained.predict(sample)
    print(f"Prédictions du {CHAMPION} : {format_values(expected)}")
    print(f"Prédictions refaites : {format_values(obtained)}")
    if not np.array_equal(expected, obtained):
        sys.exit("Écart : le résultat n’est pas reproduit.")
    print("Résultat reproduit à l’identique.")


# --8<-- [end:reproduce]


# --8<-- [start:checks]
def check_code(recorded: str | None) -> None:
    """Vérifie que ce dépôt est au commit qui a produit le champion."""
    if recorded is None:
        print(
            "  code : aucun commit enregistré (exécution lancée hors de git)"
        )
        return
    if recorded != current_commit():
        sys.exit(
            "Ce dépôt n’est pas au commit du champion : lancez "
            f"git switch --detach {recorded}, puis recommencez."
        )
    print("  code : le dépôt est au commit enregistré")


def check_data(dataset_input: DatasetInput) -> pd.DataFrame:
    """Relit les données à leur source et compare leur empreinte."""
    recorded = dataset_input.dataset
    path = mlflow.data.get_source(dataset_input).load()
    df, dataset = load_dataset(path)
    if dataset.digest != recorded.digest:
        sys.exit(
            f"Les données de {path} ont changé : empreinte {dataset.digest} "
            f"au lieu de {recorded.digest}. Retrouvez l’instantané "
            "d’origine avant de réentraîner."
        )
    print(f"  données : même empreinte ({dataset.digest})")
    return df


def check_environment(requirements: list[str]) -> None:
    """Compare les versions épinglées du modèle aux versions installées.

    Seules les lignes de la forme nom==version sont comparées.
    """
    gaps = []
    for pin in requirements:
        name, _, pinned = pin.partition("==")
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "absent"
        if pinned and installed != pinned:
            gaps.append(f"{name} {installed} au lieu de {pinned}")
    if gaps:
        # Un écart n’empêche pas d’essayer : la comparaison tranchera.
        print(f"  environnement : écarts ({' ; '.join(gaps)})")
    else:
        print("  environnement : mêmes versions que requirements.txt")


# --8<-- [end:checks]


def current_commit() -> str | None:
    """Renvoie le commit du dépôt qui contient ce script, ou None."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


def format_values(values) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


def params_from(args: argparse.Namespace) -> dict[str, str]:
    """Traduit la ligne de commande en paramètres, en texte comme MLflow."""
    params = {"model_family": args.model, **SPLIT}
    if args.model == "ridge":
        params["alpha"] = str(args.alpha)
    else:
        params["max_depth"] = str(args.max_depth)
        params["n_estimators"] = str(args.n_estimators)
    return params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    train_parser = commands.add_parser(
        "train", help="entraîne une configuration et la journalise"
    )
    train_parser.add_argument(
        "--model", choices=["ridge", "forest"], required=True
    )
    train_parser.add_argument("--alpha", type=float, default=1.0)
    train_parser.add_argument("--max-depth", type=int, default=6)
    train_parser.add_argument("--n-estimators", type=int, default=100)
    commands.add_parser("promote", help="promeut la meilleure exécution")
    commands.add_parser("reproduce", help="refait le champion et compare")
    args = parser.parse_args()

    if args.command == "train":
        write_shared_data()
        train(params_from(args))
    elif args.command == "promote":
        promote()
    elif args.command == "reproduce":
        reproduce()
    else:
        # Tout le scénario, joué sur un seul poste.
        write_shared_data()
        for argv in (
            ["train", "--model", "ridge", "--alpha", "1.0"],
            ["train", "--model", "ridge", "--alpha", "10"],
            ["train", "--model", "forest", "--max-depth", "6"],
        ):
            train(params_from(parser.parse_args(argv)))
        promote()
        reproduce()


if __name__ == "__main__":
    main()
