"""Partie 3, question 2: the cost model, its published figures and manifests.

The page's tables come from `infrastructure_et_couts_publication.out`, which
`tests/test_snippets.py` compares with the script's output; its chart is
regenerated here and compared byte for byte. Every dollar amount and
percentage written in the prose of the Partie 3 pages must appear in those
outputs, so an assumption cannot change without the page changing too.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import re

import kubernetes_validate
import pytest
import yaml
from conftest import DOCS_DIR, REPO_ROOT
from yamllint import linter
from yamllint.config import YamlLintConfig

SNIPPETS = REPO_ROOT / "snippets" / "partie-3"
PUBLICATION = SNIPPETS / "infrastructure_et_couts_publication.py"
TABLES = SNIPPETS / "infrastructure_et_couts_publication.out"
SUMMARY = SNIPPETS / "infrastructure_et_couts.out"
AUTOSCALING = SNIPPETS / "infrastructure_et_couts_autoscaling.yaml"
CHART = DOCS_DIR / "partie-3" / "infrastructure-et-couts-seuil.svg"
PAGE = DOCS_DIR / "partie-3" / "infrastructure-et-couts.md"
PART_3_PAGES = [
    DOCS_DIR / "partie-3" / "index.md",
    DOCS_DIR / "partie-3" / "architecture.md",
    PAGE,
]
REGENERATE = (
    "run `python snippets/partie-3/infrastructure_et_couts_publication.py "
    "--publier` and review the new tables and chart"
)

# Kubernetes releases whose schemas the manifests must satisfy: 1.33, and
# 1.37, the newest that kubernetes-validate 1.37.0 bundles.
KUBERNETES_VERSIONS = ("1.33.0", "1.37.0")
YAMLLINT_CONFIG = YamlLintConfig(
    "{extends: default, rules: {line-length: {max: 100}, "
    "document-start: disable}}"
)
COST_LABEL = "plateforme.example/centre-de-cout"

# A French figure: "55,04 $", "27,6 %", "11 862 $" (thin or no-break
# spaces between thousands), with a space or none before the unit.
FIGURE = re.compile(
    r"(?<![\w,.])(\d{1,3}(?:[\u202f\u00a0 ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
    r"[\u202f\u00a0 ]?(\$|%)"
)
FENCE = re.compile(r"^(`{3,}).*?^\1\s*$", re.M | re.S)


@pytest.fixture
def cost_model(monkeypatch):
    """Import the model and its publication script as the page runs them."""
    monkeypatch.syspath_prepend(str(SNIPPETS))
    model = importlib.import_module("infrastructure_et_couts")
    publication = importlib.import_module(
        "infrastructure_et_couts_publication"
    )
    return model, publication


def figures(text: str) -> set[tuple[str, str]]:
    """Return the (number, unit) pairs written in a text, spaces removed."""
    return {
        (re.sub(r"[\u202f\u00a0 ]", "", number), unit)
        for number, unit in FIGURE.findall(text)
    }


def prose(markdown: str) -> str:
    """Keep the prose of a page: no code, includes, links or exam quote."""
    text = FENCE.sub("", markdown)
    lines = []
    in_exam_quote = False
    for line in text.splitlines():
        if line.startswith("!!! question"):
            in_exam_quote = True
            continue
        if in_exam_quote:
            if line.strip() and not line.startswith("    "):
                in_exam_quote = False
            else:
                continue
        if line.startswith("--8<--"):
            continue
        lines.append(line)
    text = "\n".join(lines)
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def yaml_numbers(node) -> set[str]:
    """Collect every number written in a YAML document, as a string."""
    if isinstance(node, dict):
        return set().union(*(yaml_numbers(v) for v in node.values()), set())
    if isinstance(node, list):
        return set().union(*(yaml_numbers(v) for v in node), set())
    if isinstance(node, bool):
        return set()
    if isinstance(node, int | float):
        return {str(node)}
    if isinstance(node, str) and node.isdigit():
        return {node}
    return set()


def autoscaling_documents() -> list[dict]:
    return list(yaml.safe_load_all(AUTOSCALING.read_text(encoding="utf-8")))


def document(kind: str) -> dict:
    return next(doc for doc in autoscaling_documents() if doc["kind"] == kind)


def test_chart_matches_model(snippet, tmp_path):
    chart = tmp_path / "seuil.svg"
    result = snippet(
        str(PUBLICATION.relative_to(REPO_ROOT)),
        args=("--graphique", str(chart)),
    )

    assert result.returncode == 0, result.describe()
    assert result.stdout.rstrip("\n") == TABLES.read_text(
        encoding="utf-8"
    ).rstrip("\n"), f"{TABLES.name} is out of date: {REGENERATE}"
    assert chart.read_bytes() == CHART.read_bytes(), (
        f"{CHART.relative_to(REPO_ROOT)} differs from the chart the model "
        f"draws now: {REGENERATE}"
    )


def test_every_assumption_is_dated_and_sourced(cost_model):
    model, _publication = cost_model
    tables = {
        "PRIX": model.PRIX,
        "USAGE": model.USAGE,
        "REFERENCES": model.REFERENCES,
    }
    for table_name, table in tables.items():
        for key, assumption in table.items():
            where = f"{table_name}[{key!r}] in infrastructure_et_couts.py"
            assert assumption.date.strip(), f"{where} has no date"
            assert assumption.source.strip(), f"{where} has no source"
            if table_name != "USAGE":
                assert assumption.url.startswith("https://"), (
                    f"{where}: a price or cited figure needs the URL of its "
                    "source"
                )


def test_break_even_is_where_costs_cross(cost_model):
    model, _publication = cost_model
    options = model.par_nom(model.options_gpu())
    for name, reference_name, hours in model.seuils():
        if hours is None or hours == 0:
            continue
        option, reference = options[name], options[reference_name]
        where = f"{name} against {reference_name} at {hours:.1f} h"
        assert option.cout_mensuel(hours) == pytest.approx(
            reference.cout_mensuel(hours)
        ), f"{where}: the two monthly costs must be equal"
        assert option.cout_mensuel(hours + 1) < reference.cout_mensuel(
            hours + 1
        ), f"{where}: the fixed-cost option must be cheaper above it"
        assert option.cout_mensuel(hours - 1) > reference.cout_mensuel(
            hours - 1
        ), f"{where}: the fixed-cost option must be dearer below it"


def test_break_even_rejects_swapped_options(cost_model):
    model, _publication = cost_model
    options = model.par_nom(model.options_gpu())

    with pytest.raises(ValueError, match="inversez"):
        model.seuil_rentabilite(
            options["Location à la demande"],
            options["Achat amorti sur 3 ans"],
        )


def test_page_conclusions_follow_from_model(cost_model):
    model, _publication = cost_model
    options = model.par_nom(model.options_gpu())
    scenario_hours = model.chiffre("heures_gpu")
    thresholds = {(name, ref): hours for name, ref, hours in model.seuils()}
    budget = {
        variant: sum(lines.values())
        for variant, lines in model.budget_scenario().items()
    }
    fix = f"; the conclusions on {PAGE.name} must change with it"

    cheapest = min(
        options.values(), key=lambda item: item.cout_mensuel(scenario_hours)
    )
    assert cheapest.nom == "Location spot", (
        f"at the scenario's hours the cheapest option is {cheapest.nom}" + fix
    )
    reservation = thresholds[("Réservation 1 an", "Achat amorti sur 3 ans")]
    assert reservation is None, (
        "the reservation now beats the 3-year purchase somewhere" + fix
    )
    assert (
        thresholds[("Achat amorti sur 3 ans", "Location à la demande")]
        < thresholds[("Achat amorti sur 3 ans", "Location spot")]
    ), "buying must pay off earlier against on-demand than spot" + fix
    assert (
        scenario_hours
        < thresholds[("Achat amorti sur 5 ans", "Location spot")]
    ), "at the scenario's hours, buying now beats spot" + fix
    assert min(budget, key=budget.get).startswith("B."), (
        "the optimised cloud (B) is no longer the cheapest variant" + fix
    )


def test_changing_a_price_changes_the_tables(cost_model, monkeypatch):
    model, publication = cost_model
    new_price = dataclasses.replace(model.PRIX["gpu_demande"], valeur=60.0)
    monkeypatch.setitem(model.PRIX, "gpu_demande", new_price)

    tables = publication.tableaux_markdown()

    assert "60,00\u00a0$/h" in tables, "the new price must be shown"
    assert tables.rstrip("\n") != TABLES.read_text(encoding="utf-8").rstrip(
        "\n"
    ), "a new price must change the published tables"


@pytest.mark.parametrize(
    "page", PART_3_PAGES, ids=[page.name for page in PART_3_PAGES]
)
def test_page_figures_come_from_tested_files(page):
    published = figures(TABLES.read_text(encoding="utf-8"))
    published |= figures(SUMMARY.read_text(encoding="utf-8"))
    # A percentage may also be a value of a validated manifest (a CPU target).
    manifest_numbers = set()
    for manifest in sorted(SNIPPETS.glob("*.yaml")):
        for doc in yaml.safe_load_all(manifest.read_text(encoding="utf-8")):
            manifest_numbers |= yaml_numbers(doc)
    allowed = published | {(number, "%") for number in manifest_numbers}

    written = figures(prose(page.read_text(encoding="utf-8")))

    unknown = sorted(written - allowed)
    assert not unknown, (
        f"{page.relative_to(REPO_ROOT)} writes {unknown}, which no output of "
        "the cost model and no validated manifest contains; add the figure "
        "to infrastructure_et_couts.py with its date and source, or quote "
        "the published value"
    )


def test_page_includes_every_table_and_the_chart():
    page_text = PAGE.read_text(encoding="utf-8")
    sections = re.findall(
        r"\[start:([\w-]+)\]", TABLES.read_text(encoding="utf-8")
    )
    included = "\n".join(
        page.read_text(encoding="utf-8") for page in PART_3_PAGES
    )

    assert sections, f"{TABLES.name} has no named section"
    for section in sections:
        assert f"{TABLES.name}:{section}" in included, (
            f"table {section!r} of {TABLES.name} is included by no Partie 3 "
            "page; include it or drop it from the publication script"
        )
    assert f"]({CHART.name})" in page_text, (
        f"{PAGE.name} must show the chart {CHART.name}"
    )


def test_exam_answer_length_is_as_stated():
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## Réponse en version d’examen", 1)[1].split(
        "\n## ", 1
    )[0]
    stated = re.search(r"\*Environ (\d+) mots, soit (\d+) minutes", section)
    assert stated, f"{PAGE.name}: state the answer's length and writing time"
    body = section.replace(stated.group(0), "")
    count = len([w for w in body.split() if re.search(r"\w", w)])

    assert abs(count - int(stated.group(1))) <= 0.1 * int(stated.group(1)), (
        f"{PAGE.name}: the exam answer has {count} words, not about "
        f"{stated.group(1)}; update the stated length"
    )


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_autoscaling_manifest_is_valid_kubernetes(version):
    for doc in autoscaling_documents():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            pytest.fail(
                f"{AUTOSCALING.name}: {doc['kind']} {doc['metadata']['name']} "
                f"is invalid for Kubernetes {version} at {path}: "
                f"{error.message}"
            )


def test_autoscaling_manifest_passes_yamllint():
    problems = list(
        linter.run(AUTOSCALING.read_text(encoding="utf-8"), YAMLLINT_CONFIG)
    )

    assert not problems, f"{AUTOSCALING.name}: " + "; ".join(
        f"line {p.line}: {p.desc}" for p in problems
    )


def test_strict_validation_rejects_a_misspelt_field():
    # Negative control: the validator must catch the typos it is here for.
    autoscaler = copy.deepcopy(document("HorizontalPodAutoscaler"))
    autoscaler["spec"]["minReplica"] = autoscaler["spec"].pop("minReplicas")

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            autoscaler, KUBERNETES_VERSIONS[-1], strict=True
        )


def test_spot_job_survives_node_reclaim():
    job = document("Job")
    pod = job["spec"]["template"]["spec"]
    rules = job["spec"]["podFailurePolicy"]["rules"]

    assert {
        "action": "Ignore",
        "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}],
    } in rules, (
        f"{AUTOSCALING.name}: an evicted spot pod must not count as a "
        "failure (podFailurePolicy Ignore on DisruptionTarget)"
    )
    assert pod["restartPolicy"] == "Never", (
        "Kubernetes accepts podFailurePolicy only with restartPolicy Never"
    )
    assert pod["nodeSelector"]["plateforme.example/pool"] == "gpu-spot"
    assert {
        "key": "nvidia.com/gpu",
        "operator": "Exists",
        "effect": "NoSchedule",
    } in pod["tolerations"], "the job must tolerate the taint of the GPU nodes"
    assert job["spec"]["activeDeadlineSeconds"] > 0, (
        "a training job needs a maximum duration, as a cost guard"
    )


def test_gpu_job_fits_gpu_quota():
    quota = document("ResourceQuota")["spec"]["hard"]
    job = document("Job")
    requested = sum(
        int(container["resources"]["limits"]["nvidia.com/gpu"])
        for container in job["spec"]["template"]["spec"]["containers"]
    )

    assert quota["requests.nvidia.com/gpu"], "the GPU quota must be set"
    assert requested <= int(quota["requests.nvidia.com/gpu"]), (
        f"{AUTOSCALING.name}: the job asks for {requested} GPUs, more than "
        "the namespace quota; it would never start"
    )


def test_workloads_carry_cost_label():
    job = document("Job")
    labelled = {
        "HorizontalPodAutoscaler": document("HorizontalPodAutoscaler"),
        "Job": job,
        "Job pod template": job["spec"]["template"],
    }
    for name, item in labelled.items():
        assert COST_LABEL in item["metadata"].get("labels", {}), (
            f"{AUTOSCALING.name}: {name} needs the {COST_LABEL} label, so "
            "its cost can be attributed"
        )
