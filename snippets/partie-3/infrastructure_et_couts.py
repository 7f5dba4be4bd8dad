"""Partie 3, question 2 : le modèle de coûts de la plateforme.

Le script part d’hypothèses de prix et d’usage explicites, chacune avec sa
date et sa source, et calcule :

- le coût mensuel d’un serveur à 8 GPU H100 selon qu’on le loue à la
  demande, en spot, avec un engagement d’un an, ou qu’on l’achète ;
- le seuil d’utilisation au-delà duquel acheter revient moins cher que louer ;
- le budget mensuel de trois variantes de la plateforme.

Il affiche le résumé montré sur la page. Les tableaux et le graphique de la
page viennent de `infrastructure_et_couts_publication.py`, qui importe ce
module : changer une hypothèse ici change la page ou fait échouer les tests.
"""

from dataclasses import dataclass

# --8<-- [start:hypotheses]
HEURES_PAR_MOIS = 730  # 8 760 h par an / 12, la convention des fournisseurs


@dataclass(frozen=True)
class Hypothese:
    """Un chiffre d’entrée du modèle, avec son unité, sa date et sa source."""

    valeur: float
    unite: str
    libelle: str
    date: str
    source: str
    url: str = ""


# --8<-- [end:hypotheses]


# Prix relevés pour un serveur à 8 GPU H100, le seul type pour lequel on
# dispose à la fois d’un prix de location et d’un prix d’achat datés.
PRIX = {
    "gpu_demande": Hypothese(
        55.04,
        "$/h",
        "Location à la demande d’un serveur à 8 GPU H100 "
        "(AWS p5.48xlarge, us-east-1, Linux)",
        "2026-01-21, inchangé le 2026-11-09",
        "instances.vantage.sh, repris par tsaol/aws-gpu",
        "https://github.com/tsaol/aws-gpu/blob/main/data/all_gpu_instances.js",
    ),
    "remise_spot": Hypothese(
        0.40,
        "%",
        "Remise spot observée sur les H100 et H200 "
        "(Google Cloud, prix spot comparés aux prix à la demande)",
        "2026-09 et 2026-10",
        "catalogue Cloud Billing, repris par tgarg01/silybench-data",
        "https://github.com/tgarg01/silybench-data",
    ),
    "remise_engagement_gpu": Hypothese(
        0.35,
        "%",
        "Remise d’une réservation d’un an sans avance sur les instances GPU "
        "AWS (g4dn, g5, g6, p4d, p4de), appliquée ici au p5",
        "2026-01-21",
        "instances.vantage.sh, repris par tsaol/aws-gpu",
        "https://github.com/tsaol/aws-gpu/blob/main/data/all_gpu_instances.js",
    ),
    "achat_serveur": Hypothese(
        270_000,
        "$",
        "Prix de vente d’un NVIDIA DGX H100 (8 GPU), estimation d’analystes",
        "2023-05",
        "Epoch AI, citant Raymond James et SemiAnalysis",
        "https://github.com/epoch-research/training-cost-trends",
    ),
    "support_annuel": Hypothese(
        39_800,
        "$/an",
        "Contrat de support d’un DGX H100, compté chaque année",
        "non datée",
        "supercluster.blog",
        "https://supercluster.blog/p/4-nvidia-dgx-h100-hardware",
    ),
    "puissance_gpu": Hypothese(
        5.6,
        "kW",
        "Puissance des 8 GPU à leur TDP de 700 W (H100 SXM) ; "
        "processeurs, mémoire et réseau non comptés",
        "non datée",
        "gpu.blog",
        "https://gpu.blog/gpus/nvidia-h100-sxm",
    ),
    "pue": Hypothese(
        1.58,
        "",
        "PUE moyen des centres de données (énergie totale / énergie "
        "informatique)",
        "2023-11-23",
        "Uptime Institute",
        "https://intelligence.uptimeinstitute.com/resource/"
        "large-data-centers-are-mostly-more-efficient-analysis-confirms",
    ),
    "prix_kwh": Hypothese(
        0.1557,
        "$/kWh",
        "Électricité, tarif commercial, Middle Atlantic (États-Unis), "
        "moyenne janvier-juillet 2024",
        "publié le 2024-09-24",
        "EIA, Electric Power Monthly, table 5.6.B",
        "https://www.eia.gov/electricity/monthly/"
        "epm_table_grapher.php?t=epmt_5_06_b",
    ),
    "cpu_demande": Hypothese(
        0.1632,
        "$/h",
        "Nœud CPU m7g.xlarge (4 vCPU, 16 Gio) à la demande, us-east-1",
        "2026-06-17 (m7g.large à 0,0816 $/h, taille double)",
        "factualminds.com",
        "https://www.factualminds.com/blog/"
        "amazon-ec2-on-demand-pricing-instance-families-2026/",
    ),
    "remise_engagement_cpu": Hypothese(
        0.28,
        "%",
        "Remise d’un engagement flexible d’un an sur les machines "
        "généralistes (Google Cloud), retenue comme ordre de grandeur "
        "prudent",
        "2026-03",
        "documentation Archera",
        "https://docs.archera.ai/help-center/cloud-service-intelligence/"
        "cloud-service-intelligence/gcp/compute/compute-engine",
    ),
    "plan_de_controle": Hypothese(
        0.10,
        "$/h",
        "Plan de contrôle Kubernetes géré (EKS en support standard, GKE, "
        "AKS Standard)",
        "vérifié le 2026-09-29 pour EKS",
        "pages de prix EKS et GKE",
        "https://aws.amazon.com/eks/pricing/",
    ),
    "stockage_standard": Hypothese(
        0.023,
        "$/Go-mois",
        "Stockage objet S3 Standard",
        "après 2025-09",
        "go-cloud.io",
        "https://go-cloud.io/?p=10624",
    ),
    "stockage_archive": Hypothese(
        0.00099,
        "$/Go-mois",
        "Stockage objet S3 Glacier Deep Archive (180 jours minimum, "
        "jusqu’à 12 h pour relire)",
        "après 2025-09",
        "go-cloud.io",
        "https://go-cloud.io/?p=10624",
    ),
}

# Hypothèses d’usage : un scénario de référence, choisi par l’auteur pour
# une équipe de taille moyenne. Remplacez-les par vos propres mesures.
USAGE = {
    "heures_gpu": Hypothese(
        150,
        "h/mois",
        "Heures de calcul du serveur à 8 GPU H100 (apprentissage profond et "
        "recherche d’hyperparamètres)",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "surcout_reprise": Hypothese(
        0.10,
        "%",
        "Calcul refait après les interruptions spot, avec un point de "
        "reprise toutes les 30 minutes",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "amortissement_court": Hypothese(
        3,
        "ans",
        "Amortissement prudent, au rythme des générations de GPU",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "amortissement_long": Hypothese(
        5,
        "ans",
        "Durée de vie des serveurs retenue par Amazon depuis 2025",
        "2025-02-11",
        "deepquarry.substack.com",
        "https://deepquarry.substack.com/p/amazon-revises-server-lifespan-amid",
    ),
    "noeuds_cpu_permanents": Hypothese(
        6,
        "nœuds",
        "Nœuds CPU allumés en permanence (serveur de suivi, services de "
        "prédiction, outils)",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "noeuds_cpu_pic": Hypothese(
        20,
        "nœuds",
        "Nœuds CPU nécessaires au pic (traitements de données, "
        "entraînements CPU en parallèle)",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "heures_cpu_rafale": Hypothese(
        2_000,
        "h/mois",
        "Heures-nœud CPU au-delà du socle permanent",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "donnees_total": Hypothese(
        50_000,
        "Go",
        "Données et artefacts conservés (50 To)",
        "2026-12-04",
        "scénario de l’auteur",
    ),
    "donnees_chaudes": Hypothese(
        10_000,
        "Go",
        "Part lue chaque semaine, gardée en stockage standard (10 To)",
        "2026-12-04",
        "scénario de l’auteur",
    ),
}

# Chiffres cités sur les pages sans entrer dans le calcul.
REFERENCES = {
    "spot_plafond_aws": Hypothese(
        0.90,
        "%",
        "Remise spot maximale annoncée par AWS",
        "2024 ou après (copie archivée)",
        "page de prix Spot d’AWS",
        "https://aws.amazon.com/ec2/spot/pricing/",
    ),
    "baisse_p5": Hypothese(
        0.45,
        "%",
        "Baisse maximale des prix à la demande des P5 (H100) chez AWS",
        "2025-06",
        "usage.ai",
        "https://usage.ai/blogs/aws/ai-ml-cost/llm-cost-optimization-aws/",
    ),
    "savings_plan_plafond": Hypothese(
        0.72,
        "%",
        "Remise maximale d’un EC2 Instance Savings Plan (engagement de "
        "3 ans, paiement anticipé)",
        "2026-01-23",
        "cloudburn.io",
        "https://cloudburn.io/blog/compute-vs-ec2-savings-plan",
    ),
    "gpu_t4": Hypothese(
        0.526,
        "$/h",
        "Instance g4dn.xlarge (1 GPU T4) à la demande, us-east-1",
        "2026-01-21",
        "instances.vantage.sh, repris par tsaol/aws-gpu",
        "https://github.com/tsaol/aws-gpu/blob/main/data/all_gpu_instances.js",
    ),
    "gpu_l4": Hypothese(
        0.8048,
        "$/h",
        "Instance g6.xlarge (1 GPU L4) à la demande, us-east-1",
        "2026-01-21",
        "instances.vantage.sh, repris par tsaol/aws-gpu",
        "https://github.com/tsaol/aws-gpu/blob/main/data/all_gpu_instances.js",
    ),
    "gpu_a10g": Hypothese(
        1.006,
        "$/h",
        "Instance g5.xlarge (1 GPU A10G) à la demande, us-east-1",
        "2026-01-21",
        "instances.vantage.sh, repris par tsaol/aws-gpu",
        "https://github.com/tsaol/aws-gpu/blob/main/data/all_gpu_instances.js",
    ),
    "lightgbm_gpu": Hypothese(
        0.08,
        "%",
        "Utilisation du GPU A10G pendant un entraînement LightGBM, plus "
        "lent sur GPU (3 min 56 s) que sur CPU (2 min 38 s)",
        "2023-10-06",
        "Cook County Assessor’s Office, report-model-benchmark",
        "https://github.com/ccao-data/report-model-benchmark",
    ),
}


def chiffre(cle: str) -> float:
    """Renvoie la valeur de l’hypothèse de prix ou d’usage nommée `cle`."""
    return {**PRIX, **USAGE}[cle].valeur


# --8<-- [start:options]
@dataclass(frozen=True)
class OptionGpu:
    """Une façon de disposer d’un serveur à 8 GPU H100, au coût linéaire.

    `fixe_mensuel` est dû même quand le serveur ne calcule pas ;
    `cout_horaire` s’ajoute pour chaque heure de calcul effective.
    """

    nom: str
    fixe_mensuel: float
    cout_horaire: float

    def cout_mensuel(self, heures: float) -> float:
        """Calcule le coût du mois pour `heures` heures de calcul."""
        return self.fixe_mensuel + self.cout_horaire * heures


def options_gpu(frais_exploitation: float = 0.0) -> list[OptionGpu]:
    """Construit les cinq options à partir des hypothèses.

    `frais_exploitation` ($/mois) ajoute à l’achat les coûts que le modèle
    ne chiffre pas : salle, réseau, personnel, financement.
    """
    demande = chiffre("gpu_demande")
    energie = (
        chiffre("puissance_gpu") * chiffre("pue") * chiffre("prix_kwh")
    )  # $/h
    support = chiffre("support_annuel") / 12

    def achat(annees: float) -> OptionGpu:
        amortissement = chiffre("achat_serveur") / (12 * annees)
        return OptionGpu(
            f"Achat amorti sur {annees:g} ans",
            amortissement + support + frais_exploitation,
            energie,
        )

    return [
        OptionGpu("Location à la demande", 0.0, demande),
        OptionGpu(
            "Location spot",
            0.0,
            demande
            * (1 - chiffre("remise_spot"))
            * (1 + chiffre("surcout_reprise")),
        ),
        # La réservation se paie 730 h par mois, que le serveur tourne ou non.
        OptionGpu(
            "Réservation 1 an",
            demande * (1 - chiffre("remise_engagement_gpu")) * HEURES_PAR_MOIS,
            0.0,
        ),
        achat(chiffre("amortissement_court")),
        achat(chiffre("amortissement_long")),
    ]


# --8<-- [end:options]


# --8<-- [start:seuil]
def seuil_rentabilite(option: OptionGpu, reference: OptionGpu) -> float | None:
    """Calcule les heures par mois au-delà desquelles `option` est moins chère.

    `option` est celle qui a le coût fixe le plus élevé (achat ou
    réservation). Renvoie 0 si elle est moins chère même à l’arrêt, et None
    si elle ne devient jamais moins chère dans un mois de 730 h.
    """
    if option.fixe_mensuel < reference.fixe_mensuel:
        raise ValueError(
            f"{option.nom} a un coût fixe plus faible que {reference.nom} : "
            "inversez les deux options"
        )
    ecart_a_vide = option.cout_mensuel(0) - reference.cout_mensuel(0)
    ecart_plein = option.cout_mensuel(
        HEURES_PAR_MOIS
    ) - reference.cout_mensuel(HEURES_PAR_MOIS)
    if ecart_plein >= 0:
        return None
    if ecart_a_vide <= 0:
        return 0.0
    # Les deux coûts sont des droites : elles se croisent une seule fois.
    return HEURES_PAR_MOIS * ecart_a_vide / (ecart_a_vide - ecart_plein)


# --8<-- [end:seuil]


# --8<-- [start:scenario]
def budget_scenario() -> dict[str, dict[str, float]]:
    """Calcule le budget mensuel ($) de trois variantes de la plateforme."""
    demande, spot, _reservation, achat_court, _achat_long = options_gpu()
    heures_gpu = chiffre("heures_gpu")
    cpu = chiffre("cpu_demande")
    plan_de_controle = chiffre("plan_de_controle") * HEURES_PAR_MOIS

    # Sans autoscaling, on garde allumés les nœuds du pic.
    cpu_fixe = chiffre("noeuds_cpu_pic") * HEURES_PAR_MOIS * cpu
    # Avec autoscaling : un socle engagé sur un an, les rafales à la demande.
    cpu_ajuste = (
        chiffre("noeuds_cpu_permanents")
        * HEURES_PAR_MOIS
        * cpu
        * (1 - chiffre("remise_engagement_cpu"))
        + chiffre("heures_cpu_rafale") * cpu
    )

    standard = chiffre("stockage_standard")
    stockage_unique = chiffre("donnees_total") * standard
    froides = chiffre("donnees_total") - chiffre("donnees_chaudes")
    stockage_par_niveaux = chiffre(
        "donnees_chaudes"
    ) * standard + froides * chiffre("stockage_archive")

    return {
        "A. Cloud sans optimisation": {
            "GPU": demande.cout_mensuel(heures_gpu),
            "CPU": cpu_fixe,
            "Stockage": stockage_unique,
            "Plan de contrôle": plan_de_controle,
        },
        "B. Cloud optimisé": {
            "GPU": spot.cout_mensuel(heures_gpu),
            "CPU": cpu_ajuste,
            "Stockage": stockage_par_niveaux,
            "Plan de contrôle": plan_de_controle,
        },
        "C. Hybride (GPU achetés)": {
            "GPU": achat_court.cout_mensuel(heures_gpu),
            "CPU": cpu_ajuste,
            "Stockage": stockage_par_niveaux,
            "Plan de contrôle": plan_de_controle,
        },
    }


# --8<-- [end:scenario]


# Mise en forme française : espace fine insécable entre les milliers,
# virgule décimale, espace insécable avant l’unité.
def nombre(valeur: float, decimales: int = 0) -> str:
    """Écrit un nombre à la française : 11 862 ou 27,6."""
    texte = f"{valeur:,.{decimales}f}"
    return texte.replace(",", "\u202f").replace(".", ",")


def dollars(valeur: float, decimales: int = 0) -> str:
    """Écrit un montant en dollars : 11 862 $."""
    return f"{nombre(valeur, decimales)}\u00a0$"


def pourcentage(fraction: float, decimales: int = 1) -> str:
    """Écrit une fraction en pourcentage : 0,276 devient 27,6 %."""
    return f"{nombre(100 * fraction, decimales)}\u00a0%"


def texte_seuil(heures: float | None) -> str:
    """Écrit un seuil en heures par mois et en part du mois."""
    if heures is None:
        return "jamais"
    if heures == 0:
        return "toujours"
    return (
        f"{nombre(heures)}\u00a0h/mois "
        f"({pourcentage(heures / HEURES_PAR_MOIS)})"
    )


# Paires comparées : (option au coût fixe, option de référence).
COMPARAISONS = (
    ("Achat amorti sur 3 ans", "Location à la demande"),
    ("Achat amorti sur 3 ans", "Location spot"),
    ("Achat amorti sur 5 ans", "Location à la demande"),
    ("Achat amorti sur 5 ans", "Location spot"),
    ("Réservation 1 an", "Location à la demande"),
    ("Réservation 1 an", "Location spot"),
    ("Réservation 1 an", "Achat amorti sur 3 ans"),
)


def par_nom(options: list[OptionGpu]) -> dict[str, OptionGpu]:
    """Range les options dans un dictionnaire indexé par leur nom."""
    return {option.nom: option for option in options}


def seuils(
    frais_exploitation: float = 0.0,
) -> list[tuple[str, str, float | None]]:
    """Calcule le seuil de chaque paire de COMPARAISONS."""
    options = par_nom(options_gpu(frais_exploitation))
    return [
        (nom, reference, seuil_rentabilite(options[nom], options[reference]))
        for nom, reference in COMPARAISONS
    ]


def afficher_resume() -> None:
    """Affiche le résumé montré sur la page, dans la sortie du script."""
    heures = chiffre("heures_gpu")
    print(f"Coût mensuel d’un serveur à 8 GPU H100 pour {nombre(heures)} h :")
    for option in options_gpu():
        cout = dollars(option.cout_mensuel(heures))
        print(f"  {option.nom:<28} {cout:>10}")

    print("\nSeuil au-delà duquel l’option au coût fixe est moins chère :")
    for nom, reference, heures_seuil in seuils():
        contre = reference[0].lower() + reference[1:]
        print(f"  {nom} contre {contre} : {texte_seuil(heures_seuil)}")

    print("\nBudget mensuel du scénario de référence :")
    for variante, postes in budget_scenario().items():
        print(f"  {variante:<28} {dollars(sum(postes.values())):>10}")


if __name__ == "__main__":
    afficher_resume()
