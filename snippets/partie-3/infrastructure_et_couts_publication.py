"""Partie 3, question 2 : les tableaux et le graphique de la page.

Le script importe le modèle de `infrastructure_et_couts.py` et affiche les
tableaux Markdown que la page inclut ; sa sortie est comparée par les tests
au fichier `.out` voisin. Avec `--graphique CHEMIN`, il trace aussi le coût
mensuel de chaque option en SVG. Après un changement d’hypothèse, lancez-le
avec `--publier` pour réécrire le `.out` et le graphique de la page.
"""

import argparse
from pathlib import Path

from infrastructure_et_couts import (
    HEURES_PAR_MOIS,
    PRIX,
    REFERENCES,
    USAGE,
    Hypothese,
    budget_scenario,
    chiffre,
    dollars,
    nombre,
    options_gpu,
    par_nom,
    pourcentage,
    seuil_rentabilite,
    seuils,
    texte_seuil,
)

UTILISATIONS = (0.10, 0.25, 0.50, 0.75, 1.00)
FRAIS_EXPLOITATION = (0, 5_000, 10_000, 15_000)


def valeur_hypothese(hypothese: Hypothese) -> str:
    """Écrit la valeur d’une hypothèse avec son unité, à la française."""
    if hypothese.unite == "%":
        return pourcentage(hypothese.valeur, 0)
    decimales = len(repr(float(hypothese.valeur)).split(".")[1].rstrip("0"))
    if hypothese.unite == "$/h":
        decimales = max(decimales, 2)  # un tarif horaire s’écrit au centime
    texte = nombre(hypothese.valeur, decimales)
    if not hypothese.unite:
        return texte
    if hypothese.unite == "$":
        return f"{texte}\u00a0$"
    return f"{texte}\u00a0{hypothese.unite}"


def ligne(cellules) -> str:
    """Écrit une ligne de tableau Markdown."""
    return "| " + " | ".join(cellules) + " |"


def tableau_hypotheses(hypotheses: dict[str, Hypothese]) -> list[str]:
    """Met en tableau des hypothèses, avec leur date et leur source."""
    lignes = [
        ligne(["Hypothèse", "Valeur", "Date", "Source"]),
        ligne(["---", "---:", "---", "---"]),
    ]
    for hypothese in hypotheses.values():
        source = (
            f"[{hypothese.source}]({hypothese.url})"
            if hypothese.url
            else hypothese.source
        )
        lignes.append(
            ligne(
                [
                    hypothese.libelle,
                    valeur_hypothese(hypothese),
                    hypothese.date,
                    source,
                ]
            )
        )
    return lignes


def tableau_options() -> list[str]:
    """Met en tableau le coût mensuel de chaque option selon l’utilisation."""
    entete = ["Option", "Fixe par mois", "Par heure de calcul"]
    entete += [f"À {pourcentage(u, 0)}" for u in UTILISATIONS]
    lignes = [ligne(entete), ligne(["---"] + ["---:"] * (len(entete) - 1))]
    for option in options_gpu():
        cellules = [
            option.nom,
            dollars(option.fixe_mensuel),
            dollars(option.cout_horaire, 2),
        ]
        cellules += [
            dollars(option.cout_mensuel(u * HEURES_PAR_MOIS))
            for u in UTILISATIONS
        ]
        lignes.append(ligne(cellules))
    return lignes


def tableau_seuils() -> list[str]:
    """Met en tableau le seuil de rentabilité de chaque paire d’options."""
    lignes = [
        ligne(["Option au coût fixe", "Face à", "Moins chère au-delà de"]),
        ligne(["---", "---", "---:"]),
    ]
    for nom, reference, heures in seuils():
        lignes.append(ligne([nom, reference, texte_seuil(heures)]))
    return lignes


# Colonnes du tableau de sensibilité : (titre, option, référence).
SENSIBILITE = (
    (
        "Achat 3 ans rentable face à la location à la demande",
        "Achat amorti sur 3 ans",
        "Location à la demande",
    ),
    (
        "Achat 3 ans rentable face au spot",
        "Achat amorti sur 3 ans",
        "Location spot",
    ),
    (
        "Réservation 1 an rentable face à l’achat 3 ans",
        "Réservation 1 an",
        "Achat amorti sur 3 ans",
    ),
)


def tableau_sensibilite() -> list[str]:
    """Met en tableau les seuils selon les frais d’exploitation sur site."""
    entete = ["Frais d’exploitation sur site"]
    entete += [titre for titre, _option, _reference in SENSIBILITE]
    lignes = [ligne(entete), ligne(["---:"] * len(entete))]
    for frais in FRAIS_EXPLOITATION:
        options = par_nom(options_gpu(frais))
        cellules = [f"{dollars(frais)}/mois"]
        cellules += [
            texte_seuil(seuil_rentabilite(options[nom], options[reference]))
            for _titre, nom, reference in SENSIBILITE
        ]
        lignes.append(ligne(cellules))
    return lignes


def tableau_scenario() -> list[str]:
    """Met en tableau le budget mensuel des trois variantes."""
    budget = budget_scenario()
    variantes = list(budget)
    postes = list(next(iter(budget.values())))
    lignes = [
        ligne(["Poste", *variantes]),
        ligne(["---"] + ["---:"] * len(variantes)),
    ]
    for poste in postes:
        lignes.append(
            ligne([poste, *(dollars(budget[v][poste]) for v in variantes)])
        )
    totaux = {v: sum(budget[v].values()) for v in variantes}
    lignes.append(
        ligne(
            [
                "**Total par mois**",
                *(f"**{dollars(totaux[v])}**" for v in variantes),
            ]
        )
    )
    reference = totaux[variantes[0]]
    lignes.append(
        ligne(
            [
                f"Écart avec la variante {variantes[0][0]}",
                *(ecart(totaux[v] / reference - 1) for v in variantes),
            ]
        )
    )
    return lignes


def ecart(fraction: float) -> str:
    """Écrit un écart relatif signé, précédé du signe moins ou plus."""
    if round(fraction, 3) == 0:
        return "0\u00a0%"
    signe = "+" if fraction > 0 else "\u2212"
    return signe + pourcentage(abs(fraction))


def section(nom: str, lignes: list[str]) -> list[str]:
    """Entoure un tableau de marqueurs que la page inclut par leur nom."""
    return [
        f"<!-- --8<-- [start:{nom}] -->",
        *lignes,
        f"<!-- --8<-- [end:{nom}] -->",
        "",
    ]


# --8<-- [start:publication]
def tableaux_markdown() -> str:
    """Assemble les tableaux de la page, chacun dans sa section nommée."""
    contenu = [
        "<!-- Fichier généré par "
        "snippets/partie-3/infrastructure_et_couts_publication.py"
        " --publier : ne pas modifier à la main. -->",
        "",
    ]
    contenu += section("prix", tableau_hypotheses(PRIX))
    contenu += section("usage", tableau_hypotheses(USAGE))
    contenu += section("references", tableau_hypotheses(REFERENCES))
    contenu += section("options", tableau_options())
    contenu += section("seuils", tableau_seuils())
    contenu += section("sensibilite", tableau_sensibilite())
    contenu += section("scenario", tableau_scenario())
    return "\n".join(contenu)


# --8<-- [end:publication]


def graphique_svg(chemin: Path) -> None:
    """Trace le coût mensuel de chaque option selon l’utilisation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Sortie identique d’une exécution à l’autre : pas de date, des
    # identifiants fixes, le texte gardé en texte.
    plt.rcParams.update(
        {
            "svg.hashsalt": "partie-3-couts",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "font.size": 10,
        }
    )
    figure, axes = plt.subplots(figsize=(8, 4.5))
    figure.subplots_adjust(left=0.1, right=0.72, top=0.9, bottom=0.14)

    utilisations = [i / 100 for i in range(101)]
    styles = ["-", "--", "-.", "-", ":"]
    options = options_gpu()
    fins = []
    for option, style in zip(options, styles, strict=True):
        couts = [
            option.cout_mensuel(u * HEURES_PAR_MOIS) / 1000
            for u in utilisations
        ]
        (trace,) = axes.plot(
            [100 * u for u in utilisations], couts, style, linewidth=2
        )
        fins.append((couts[-1], option.nom, trace.get_color()))

    # Étiquette au bout de chaque droite plutôt qu’une légende à part,
    # écartée de la précédente quand deux droites finissent côte à côte.
    hauteur_precedente = float("-inf")
    for fin, nom, couleur in sorted(fins):
        hauteur = max(fin, hauteur_precedente + 2.2)
        axes.annotate(
            nom,
            xy=(100, fin),
            xytext=(102, hauteur),
            va="center",
            color=couleur,
            annotation_clip=False,
        )
        hauteur_precedente = hauteur

    # Points où l’achat sur 3 ans devient moins cher que la location.
    par_option = par_nom(options)
    achat = par_option["Achat amorti sur 3 ans"]
    for reference in ("Location à la demande", "Location spot"):
        heures = seuil_rentabilite(achat, par_option[reference])
        if heures is None:
            continue
        x = 100 * heures / HEURES_PAR_MOIS
        y = achat.cout_mensuel(heures) / 1000
        axes.plot([x], [y], "o", color="black", markersize=5)
        axes.annotate(
            pourcentage(heures / HEURES_PAR_MOIS),
            xy=(x, y),
            xytext=(-4, 6),
            textcoords="offset points",
            ha="right",
        )

    scenario = chiffre("heures_gpu") / HEURES_PAR_MOIS
    axes.axvline(100 * scenario, color="grey", linewidth=1)
    axes.annotate(
        f"Scénario : {nombre(chiffre('heures_gpu'))} h/mois",
        xy=(100 * scenario, 1),
        xytext=(4, 0),
        textcoords="offset points",
        color="grey",
    )

    axes.set_xlim(0, 100)
    axes.set_ylim(0, None)
    axes.set_xlabel("Utilisation du serveur (% des 730 h d’un mois)")
    axes.set_ylabel("Coût mensuel (milliers de $)")
    axes.set_title("Serveur à 8 GPU H100 : louer ou acheter ?")
    axes.grid(alpha=0.3)
    figure.savefig(chemin, format="svg", metadata={"Date": None})
    plt.close(figure)


DOSSIER = Path(__file__).resolve().parent
SORTIE = DOSSIER / "infrastructure_et_couts_publication.out"
GRAPHIQUE = (
    DOSSIER.parents[1]
    / "docs"
    / "partie-3"
    / "infrastructure-et-couts-seuil.svg"
)


def main() -> None:
    """Affiche les tableaux ; trace ou publie le graphique sur demande."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--graphique",
        type=Path,
        metavar="CHEMIN",
        help="fichier SVG où tracer le graphique",
    )
    parser.add_argument(
        "--publier",
        action="store_true",
        help="réécrire le .out voisin et le graphique de la page",
    )
    arguments = parser.parse_args()

    tableaux = tableaux_markdown()
    print(tableaux)
    if arguments.graphique:
        graphique_svg(arguments.graphique)
    if arguments.publier:
        SORTIE.write_text(tableaux + "\n", encoding="utf-8")
        graphique_svg(GRAPHIQUE)


if __name__ == "__main__":
    main()
