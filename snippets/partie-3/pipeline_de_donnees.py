"""Partie 3, question 4 : valider et nettoyer un lot de transactions.

Le script fabrique un lot brut (un fichier CSV de la zone d’atterrissage)
qui contient chaque défaut décrit sur la page, puis le fait passer par
l’étape de validation et de nettoyage. Les lignes fautives partent en
quarantaine avec leur raison, les autres sont corrigées et écrites dans la
partition du jour au format Parquet, et le rapport de qualité est
journalisé dans MLflow.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd

# --8<-- [start:regles]
# Le contrat de données du lot : colonnes, domaines de valeurs, seuils.
REQUIRED_COLUMNS = [
    "transaction_id",
    "timestamp",
    "customer_id",
    "amount",
    "country",
    "channel",
]
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
COUNTRIES = {"FR", "BE", "CH", "CA"}
CHANNELS = {"web", "mobile", "magasin"}
MAX_AMOUNT = 50_000.0  # plafond contractuel d’une transaction, en euros
OUTLIER_Z = 3.5  # score z robuste au-delà duquel un montant est signalé
MAX_QUARANTINE_RATE = 0.10  # au-delà, le lot entier est bloqué


class SchemaError(ValueError):
    """Le lot ne respecte pas le schéma : il est refusé en entier."""


class QualityGateError(RuntimeError):
    """Trop de lignes en quarantaine : le lot n’est pas publié."""


# --8<-- [end:regles]


def make_landing_batch(path: Path, day: str, seed: int = 0) -> None:
    """Écrit un lot brut de 200 transactions saines et de lignes fautives."""
    rng = np.random.default_rng(seed)
    n = 200
    seconds = np.sort(rng.integers(0, 86_400, size=n))
    clean = pd.DataFrame(
        {
            "transaction_id": [f"T-{i:04d}" for i in range(1, n + 1)],
            "timestamp": (
                pd.Timestamp(day) + pd.to_timedelta(seconds, unit="s")
            ).strftime(TIMESTAMP_FORMAT),
            "customer_id": [f"C-{i:03d}" for i in rng.integers(1, 51, n)],
            "amount": np.round(rng.lognormal(3.5, 0.8, n), 2).astype(str),
            "country": rng.choice(sorted(COUNTRIES), n),
            "channel": rng.choice(sorted(CHANNELS), n),
        }
    )

    # --8<-- [start:defauts]
    t = f"{day} 12:00:00"
    faulty = pd.DataFrame(
        [
            # Corrigeables : virgule décimale, casse et espaces, canal vide.
            ["T-0201", t, "C-007", "12,50", "FR", "web"],
            ["T-0202", t, "C-008", "30.00", " fr ", "mobile"],
            ["T-0203", t, "C-009", "18.90", "BE", ""],
            # Rejetées : type, plage, valeurs manquantes, date, domaine.
            ["T-0204", t, "C-010", "abc", "FR", "web"],
            ["T-0205", t, "C-011", "-40.00", "FR", "web"],
            ["T-0206", t, "C-012", "", "CH", "web"],
            ["T-0207", t, "", "25.00", "CA", "magasin"],
            ["", t, "C-013", "25.00", "CA", "magasin"],
            ["T-0208", "2026-13-45 10:00:00", "C-014", "9.99", "FR", "web"],
            ["T-0209", "2027-01-01 09:00:00", "C-015", "9.99", "FR", "web"],
            ["T-0210", t, "C-016", "75.00", "XX", "web"],
            ["T-0211", t, "C-017", "-5.00", "ZZ", "web"],
            # Même identifiant qu’une ligne saine, mais un autre montant.
            ["T-0100", t, "C-018", "999.00", "FR", "web"],
            # Gardée mais signalée : montant extrême, plausible pour une
            # fraude, donc utile à l’entraînement.
            ["T-0212", t, "C-019", "48000.00", "FR", "web"],
        ],
        columns=REQUIRED_COLUMNS,
    )
    # Doublon exact d’une ligne saine (un envoi rejoué par la source).
    batch = pd.concat([clean, faulty, clean.iloc[[49]]], ignore_index=True)
    # Colonne ajoutée par la source sans prévenir.
    batch["debug"] = "1"
    # --8<-- [end:defauts]

    path.parent.mkdir(parents=True, exist_ok=True)
    batch.to_csv(path, index=False)


# --8<-- [start:lecture]
def read_batch(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Lit un lot brut en texte et vérifie son schéma."""
    # Tout en texte : le typage est une étape de validation, pas de lecture.
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise SchemaError(f"colonnes manquantes : {', '.join(missing)}")
    unexpected = [c for c in raw.columns if c not in REQUIRED_COLUMNS]
    return raw[REQUIRED_COLUMNS], unexpected


# --8<-- [end:lecture]


# --8<-- [start:validation]
def validate_and_clean(
    raw: pd.DataFrame, day: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Sépare un lot en lignes propres et en quarantaine, avec un rapport."""
    df = raw.apply(lambda column: column.str.strip())
    fixes = {}

    # 1. Formats réparables : on corrige et on compte.
    comma = df["amount"].str.contains(",", regex=False)
    df.loc[comma, "amount"] = df.loc[comma, "amount"].str.replace(",", ".")
    fixes["montant_virgule"] = int(comma.sum())
    upper = df["country"].str.upper()
    fixes["pays_normalise"] = int((upper != raw["country"]).sum())
    df["country"] = upper

    # 2. Doublons exacts (après normalisation) : une seule copie gardée.
    duplicated = df.duplicated(keep="first")
    df = df[~duplicated]

    # 3. Typage : une valeur qui ne se convertit pas devient NaN ou NaT.
    amount = pd.to_numeric(df["amount"], errors="coerce")
    timestamp = pd.to_datetime(
        df["timestamp"], format=TIMESTAMP_FORMAT, errors="coerce"
    )
    start = pd.Timestamp(day)

    # 4. Une raison par règle violée ; une ligne peut en cumuler plusieurs.
    rules = {
        "identifiant manquant": df["transaction_id"] == "",
        "client manquant": df["customer_id"] == "",
        "montant manquant": df["amount"] == "",
        "montant non numérique": (df["amount"] != "") & amount.isna(),
        "montant hors plage": (amount <= 0) | (amount > MAX_AMOUNT),
        "horodatage invalide": timestamp.isna(),
        "horodatage hors du lot": timestamp.notna()
        & ((timestamp < start) | (timestamp >= start + pd.Timedelta("1D"))),
        "pays inconnu": ~df["country"].isin(COUNTRIES),
        "canal inconnu": (df["channel"] != "") & ~df["channel"].isin(CHANNELS),
    }
    # Même identifiant, contenus différents : on ne sait pas lequel croire.
    has_id = df["transaction_id"] != ""
    rules["identifiant en conflit"] = has_id & df["transaction_id"].duplicated(
        keep=False
    )
    reasons = pd.Series("", index=df.index)
    for reason, failed in rules.items():
        reasons[failed] += reason + " ; "
    reasons = reasons.str.removesuffix(" ; ")
    rejected = reasons != ""

    quarantine = df[rejected].assign(raison=reasons[rejected])
    clean = df[~rejected].assign(
        amount=amount[~rejected], timestamp=timestamp[~rejected]
    )

    # 5. Valeur manquante facultative : imputée, et comptée.
    no_channel = clean["channel"] == ""
    clean.loc[no_channel, "channel"] = "inconnu"
    fixes["canal_impute"] = int(no_channel.sum())

    # 6. Valeurs aberrantes : signalées, pas supprimées (score z robuste
    # sur le logarithme du montant, fondé sur la médiane et la MAD).
    log_amount = np.log(clean["amount"])
    mad = (log_amount - log_amount.median()).abs().median()
    robust_z = 0.6745 * (log_amount - log_amount.median()) / mad
    clean["amount_outlier"] = robust_z.abs() > OUTLIER_Z

    report = {
        "partition": day,
        "lignes_recues": len(raw),
        "doublons_exacts_supprimes": int(duplicated.sum()),
        "lignes_en_quarantaine": len(quarantine),
        "lignes_valides": len(clean),
        "taux_quarantaine": round(len(quarantine) / len(raw), 4),
        "corrections": fixes,
        "raisons": {
            reason: int(failed[rejected].sum())
            for reason, failed in rules.items()
            if failed.any()
        },
        "valeurs_aberrantes": clean.loc[
            clean["amount_outlier"], "transaction_id"
        ].tolist(),
    }
    return clean.reset_index(drop=True), quarantine, report


# --8<-- [end:validation]


# --8<-- [start:publication]
def publish(
    clean: pd.DataFrame, quarantine: pd.DataFrame, report: dict, root: Path
) -> Path:
    """Écrit la partition du jour et journalise le rapport dans MLflow."""
    day = report["partition"]
    with mlflow.start_run(run_name=f"validation-{day}"):
        mlflow.log_params(
            {
                "partition": day,
                "colonnes_inattendues": ",".join(
                    report["colonnes_inattendues"]
                ),
            }
        )
        mlflow.log_metrics(
            {
                key: report[key]
                for key in (
                    "lignes_recues",
                    "doublons_exacts_supprimes",
                    "lignes_en_quarantaine",
                    "lignes_valides",
                    "taux_quarantaine",
                )
            }
        )
        mlflow.log_dict(report, "qualite/rapport.json")
        mlflow.log_text(
            quarantine.to_csv(index=False), "qualite/quarantaine.csv"
        )

        # La porte de qualité : un lot trop abîmé n’est pas publié, et
        # l’exécution garde la trace de la décision.
        accepted = report["taux_quarantaine"] <= MAX_QUARANTINE_RATE
        mlflow.set_tag("qualite.decision", "publie" if accepted else "bloque")
        if not accepted:
            raise QualityGateError(
                f"{report['taux_quarantaine']:.1%} de lignes en quarantaine"
            )

        # Idempotent : relancer le même lot réécrit la même partition.
        partition = root / "curated" / f"date={day}"
        partition.mkdir(parents=True, exist_ok=True)
        clean.to_parquet(partition / "part-0.parquet", index=False)
        quarantined = root / "quarantine" / f"date={day}"
        quarantined.mkdir(parents=True, exist_ok=True)
        quarantine.to_parquet(quarantined / "part-0.parquet", index=False)

        # Le jeu publié est tracé par son empreinte et son schéma.
        mlflow.log_input(
            mlflow.data.from_pandas(clean, name=f"transactions-{day}"),
            context="curated",
        )
    return partition


# --8<-- [end:publication]


def main() -> None:
    root = Path.cwd() / "lac"
    mlflow.set_experiment("donnees-transactions")

    # --8<-- [start:execution]
    day = "2026-03-01"
    landing = root / "landing" / f"transactions_{day}.csv"
    make_landing_batch(landing, day)

    raw, unexpected = read_batch(landing)
    clean, quarantine, report = validate_and_clean(raw, day)
    report["colonnes_inattendues"] = unexpected
    partition = publish(clean, quarantine, report, root)

    print(f"Lot {day} : {report['lignes_recues']} lignes reçues")
    print("Colonnes inattendues ignorées :", ", ".join(unexpected))
    print(f"Doublons exacts supprimés : {report['doublons_exacts_supprimes']}")
    print("Corrections :", json.dumps(report["corrections"]))
    print(f"Quarantaine : {report['lignes_en_quarantaine']} lignes")
    for row in quarantine.itertuples():
        print(f"  {row.transaction_id or '(vide)':8} {row.raison}")
    print("Montants signalés :", ", ".join(report["valeurs_aberrantes"]))
    print(
        f"Lignes publiées : {report['lignes_valides']} dans {partition.name}"
    )

    # Un lot sans la colonne « amount » est refusé avant toute ligne.
    broken = root / "landing" / "transactions_2026-03-02.csv"
    raw.drop(columns="amount").to_csv(broken, index=False)
    try:
        read_batch(broken)
    except SchemaError as error:
        print(f"Lot {broken.name} refusé : {error}")
    # --8<-- [end:execution]


if __name__ == "__main__":
    main()
