"""Measure the site and write the report page docs/a-propos/performance.md.

`make bench` runs this script. It is a measurement, not a test: it never
fails on a missed target, it reports it. It measures, in one run:

1. the time of a full strict build, against a plain Material build of the
   same Markdown (no hook, no plugin but search, no custom CSS or script,
   Mermaid loaded the way Material documents it), as a median of a few
   alternating builds;
2. the bytes each page transfers in Chromium, when it loads and after the
   reader has scrolled to its end (diagrams drawn);
3. Lighthouse scores, mobile and desktop, for each page type, and for the
   plain build's diagram page as a reference.

Pages are served by a small local server that compresses text with gzip,
as GitHub Pages does. Chromium can reach no other host. Raw Lighthouse
reports go to benchmark-output/ (ignored by git).

Usage: python scripts/benchmark.py [--builds N] [--lighthouse-runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
REPORT = REPO_ROOT / "docs" / "a-propos" / "performance.md"
OUTPUT = REPO_ROOT / "benchmark-output"
LIGHTHOUSE = REPO_ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",  # the benchmark may run as root, as CI does
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CATEGORY_NAMES = {
    "performance": "Performance",
    "accessibility": "Accessibilité",
    "best-practices": "Bonnes pratiques",
    "seo": "SEO",
}
PRESET_NAMES = {"mobile": "mobile", "desktop": "ordinateur"}
WEIGHT_TARGET = 300 * 1024  # bytes, for pages without a diagram
NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # before « ; ! ? »

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


# --- Plain Material configuration --------------------------------------------


class PythonName(str):
    """A `!!python/name:` value of mkdocs.yml, kept as its dotted name."""


class ConfigLoader(yaml.SafeLoader):
    """Read mkdocs.yml with the tags MkDocs adds to YAML."""


ConfigLoader.add_constructor("!relative", lambda loader, node: str(REPO_ROOT))


def _environment_value(loader, node):
    """Read `!ENV NAME` or `!ENV [NAME, default]` as MkDocs does."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(loader.construct_scalar(node))
    names = loader.construct_sequence(node)
    for name in names[:-1]:
        if name in os.environ:
            return os.environ[name]
    return names[-1]


ConfigLoader.add_constructor("!ENV", _environment_value)
ConfigLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/name:",
    lambda loader, suffix, node: PythonName(suffix),
)


class ConfigDumper(yaml.SafeDumper):
    """Write a configuration back, `!!python/name:` values included."""


ConfigDumper.add_representer(
    PythonName,
    lambda dumper, value: dumper.represent_scalar(
        f"tag:yaml.org,2002:python/name:{value}", ""
    ),
)


def plain_config(site_dir: Path) -> str:
    """Return the plain Material configuration for the same Markdown.

    It keeps the theme, palettes, navigation and Markdown extensions, and
    drops the hooks, every plugin but search, the template overrides and the
    site's own CSS and scripts. Mermaid blocks use Material's own fence, and
    the self-hosted Mermaid comes through `extra_javascript`, as Material's
    documentation shows: every page then loads it eagerly.
    """
    config = yaml.load(
        (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
        Loader=ConfigLoader,
    )
    theme = {
        key: value
        for key, value in config["theme"].items()
        if key != "custom_dir"
    }
    extensions = []
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.superfences" in extension:
            extension = {
                "pymdownx.superfences": {
                    "custom_fences": [
                        {
                            "name": "mermaid",
                            "class": "mermaid",
                            "format": PythonName(
                                "pymdownx.superfences.fence_code_format"
                            ),
                        }
                    ]
                }
            }
        extensions.append(extension)
    plain = {
        "site_name": config["site_name"],
        "site_description": config.get("site_description", ""),
        "site_url": config.get("site_url"),
        "docs_dir": str(REPO_ROOT / "docs"),
        "site_dir": str(site_dir),
        "theme": theme,
        "extra": {"generator": False},
        "extra_javascript": ["js/mermaid.min.js"],
        "markdown_extensions": extensions,
        "plugins": [{"search": {"lang": "fr"}}],
        "nav": config["nav"],
    }
    return yaml.dump(
        plain, Dumper=ConfigDumper, allow_unicode=True, sort_keys=False
    )


# --- Build time --------------------------------------------------------------


def timed_build(arguments: list[str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *arguments],
        cwd=REPO_ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(
            f"mkdocs build {' '.join(arguments)} failed:\n"
            + completed.stdout
            + completed.stderr
        )
    return elapsed


@dataclass
class BuildTimes:
    site: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.site) / statistics.median(self.plain)


def measure_builds(workdir: Path, count: int) -> BuildTimes:
    """Alternate strict site builds and plain builds; keep the last output."""
    plain_file = workdir / "mkdocs-plain.yml"
    plain_file.write_text(
        plain_config(workdir / "plain-site"), encoding="utf-8"
    )
    times = BuildTimes()
    for _ in range(count):
        times.site.append(
            timed_build(["--strict", "--site-dir", str(workdir / "site")])
        )
        times.plain.append(timed_build(["--config-file", str(plain_file)]))
    return times


# --- Local server with gzip, as GitHub Pages serves --------------------------


COMPRESSED_TYPES = re.compile(
    r"^(text/|application/(javascript|json|xml)|image/svg)"
)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files, gzip-compressing text when the browser accepts it."""

    cache: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        content_type = self.guess_type(path)
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (
            accepts_gzip
            and os.path.isfile(path)
            and COMPRESSED_TYPES.match(content_type)
        ):
            return super().send_head()
        if path not in self.cache:
            data = Path(path).read_bytes()
            self.cache[path] = gzip.compress(data, compresslevel=6, mtime=0)
        body = self.cache[path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _BytesReader(body)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


class GzipServer:
    """Serve one folder on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(GzipHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, daemon=True
        )

    def __enter__(self) -> GzipServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- Pages and their weight --------------------------------------------------


@dataclass
class PageWeight:
    path: str
    diagrams: int
    load_bytes: int = 0
    load_requests: int = 0
    scrolled_bytes: int = 0
    uncompressed_bytes: int = 0
    mermaid_at_load: bool = False


def site_pages(site_dir: Path) -> list[tuple[str, int]]:
    pages = []
    for file in sorted(site_dir.rglob("index.html")):
        relative = file.relative_to(site_dir).as_posix()
        path = relative.removesuffix("index.html")
        html = file.read_text(encoding="utf-8")
        pages.append((path, html.count('<pre class="mermaid">')))
    return pages


SCROLL_TO_END = """
async () => {
  for (let step = 0; step < 200; step++) {
    const waiting = document.querySelector("pre.mermaid");
    const closed = waiting && waiting.closest("details:not([open])");
    if (closed) { closed.open = true; }
    if (waiting) { waiting.scrollIntoView({ block: "center" }); }
    else { window.scrollTo(0, document.body.scrollHeight); }
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (!document.querySelector("pre.mermaid")) { break; }
  }
}
"""


def measure_weights(base_url: str, site_dir: Path) -> list[PageWeight]:
    """Load each page in Chromium and add up the bytes it transfers."""
    from playwright.sync_api import sync_playwright

    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS[1:]
        )
        for path, diagrams in site_pages(site_dir):
            # A new context per page: nothing comes from the cache.
            context = browser.new_context(
                viewport={"width": 412, "height": 823}
            )
            page = context.new_page()
            finished = []
            page.on(
                "requestfinished",
                lambda request, log=finished: log.append(request),
            )
            page.goto(base_url + path, wait_until="networkidle")
            weight = PageWeight(path, diagrams)
            weight.load_requests = len(finished)
            weight.load_bytes = transferred(finished)
            weight.mermaid_at_load = any(
                request.url.endswith("/mermaid.min.js") for request in finished
            )
            page.evaluate(SCROLL_TO_END)
            page.wait_for_load_state("networkidle")
            weight.scrolled_bytes = transferred(finished)
            weight.uncompressed_bytes = sum(
                uncompressed_size(request, site_dir, base_url)
                for request in finished
            )
            weights.append(weight)
            context.close()
        browser.close()
    return weights


def transferred(requests) -> int:
    total = 0
    for request in requests:
        sizes = request.sizes()
        body = sizes["responseBodySize"]
        if body <= 0:  # Chromium reports 0 for a worker's own script
            response = request.response()
            body = (
                int(response.headers.get("content-length", 0))
                if response
                else 0
            )
        total += body + sizes["responseHeadersSize"]
    return total


def uncompressed_size(request, site_dir: Path, base_url: str) -> int:
    relative = request.url.removeprefix(base_url).split("?")[0].split("#")[0]
    file = site_dir / relative
    if file.is_dir() or not relative:
        file = file / "index.html"
    return file.stat().st_size if file.is_file() else 0


# --- Lighthouse --------------------------------------------------------------


@dataclass
class LighthouseResult:
    scores: dict[str, int]
    metrics: dict[str, float]
    byte_weight: int
    failed_audits: dict[str, list[str]]
    """Per category other than performance, the audits that cost points."""
    top_script: str
    """The script with the longest main-thread time."""
    top_script_ms: float
    benchmark_index: float
    """Lighthouse's measure of this machine's CPU speed."""


def run_lighthouse(url: str, preset: str, report: Path) -> LighthouseResult:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--no-enable-error-reporting",
        "--chrome-flags=" + " ".join(CHROMIUM_FLAGS),
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(
        command,
        check=True,
        env={**ENV, "CHROME_PATH": str(CHROMIUM)},
        capture_output=True,
        timeout=300,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    scripts = [
        item
        for item in audits["bootup-time"].get("details", {}).get("items", [])
        if item.get("url", "").endswith(".js")
    ]
    top_script = max(scripts, key=lambda item: item["total"], default={})
    return LighthouseResult(
        scores={
            name: round(data["categories"][name]["score"] * 100)
            for name in CATEGORIES
        },
        metrics={
            "FCP": audits["first-contentful-paint"]["numericValue"],
            "LCP": audits["largest-contentful-paint"]["numericValue"],
            "TBT": audits["total-blocking-time"]["numericValue"],
            "CLS": audits["cumulative-layout-shift"]["numericValue"],
        },
        byte_weight=int(audits["total-byte-weight"]["numericValue"]),
        failed_audits={
            name: [
                reference["id"]
                for reference in data["categories"][name]["auditRefs"]
                if reference["weight"] > 0
                and (audits[reference["id"]]["score"] or 0) < 1
            ]
            for name in CATEGORIES[1:]
        },
        top_script=top_script.get("url", "").rsplit("/", 1)[-1] or "?",
        top_script_ms=top_script.get("total", 0.0),
        benchmark_index=data["environment"]["benchmarkIndex"],
    )


def median_result(results: list[LighthouseResult]) -> LighthouseResult:
    """Keep the run with the median performance score."""
    ordered = sorted(results, key=lambda result: result.scores["performance"])
    return ordered[len(ordered) // 2]


# --- Machine -----------------------------------------------------------------


def command_output(command: list[str]) -> str:
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"indisponible ({error})"
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


def machine() -> dict[str, str]:
    cpu = "inconnu"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "inconnue"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f}{NBSP}Gio"
    system = platform.platform()
    os_release = Path("/etc/os-release")
    if os_release.exists():
        match = re.search(r'^PRETTY_NAME="(.+)"', os_release.read_text(), re.M)
        if match:
            system = match[1]
    lighthouse_version = json.loads(
        (
            REPO_ROOT / "node_modules" / "lighthouse" / "package.json"
        ).read_text()
    )["version"]
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "system": system,
        "python": platform.python_version(),
        "node": command_output(["node", "--version"]),
        "chromium": command_output([str(CHROMIUM), "--version"]),
        "lighthouse": lighthouse_version,
    }


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}".replace(".", ",")


# --- Report ------------------------------------------------------------------


def kib(size: int) -> str:
    return f"{size / 1024:.0f}{NBSP}Kio".replace(".", ",")


def seconds(value: float) -> str:
    return f"{value:.2f}{NBSP}s".replace(".", ",")


def milliseconds(value: float) -> str:
    return f"{value:.0f}{NBSP}ms"


def ratio_text(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@dataclass
class PageType:
    name: str
    path: str
    note: str


def choose_page_types(weights: list[PageWeight]) -> list[PageType]:
    """Home, a quiz question, and the essay page with the most diagrams."""
    types = [
        PageType("Accueil", "", "page d’accueil"),
        PageType("Question", "partie-1/q08/", "question 8 du quiz"),
    ]
    with_diagrams = [weight for weight in weights if weight.diagrams]
    if with_diagrams:
        essay = max(with_diagrams, key=lambda weight: weight.diagrams)
        types.append(
            PageType(
                "Dissertation avec diagrammes",
                essay.path,
                f"{essay.diagrams}{NBSP}diagrammes",
            )
        )
    return types


def write_report(
    *,
    started: dt.datetime,
    host: dict[str, str],
    loads: tuple[str, str],
    builds: BuildTimes,
    weights: list[PageWeight],
    page_types: list[PageType],
    lighthouse: dict[tuple[str, str], LighthouseResult],
    reference: dict[str, LighthouseResult],
    runs: int,
) -> str:
    """Return the Markdown of the report page, in French."""
    lines = [
        "# Performances du site",
        "",
        "Cette page est écrite par `make bench` (`scripts/benchmark.py`)"
        f"{NBSP}: ne la modifiez pas à la main, relancez la mesure. Ce sont "
        "des mesures d’un instant, sur une machine donnée, pas des tests"
        f"{NBSP}: les objectifs non atteints sont signalés, sans faire "
        "échouer quoi que ce soit.",
        "",
    ]
    benchmark_index = statistics.median(
        result.benchmark_index for result in lighthouse.values()
    )
    lines += machine_section(started, host, loads, benchmark_index)
    lines += build_section(builds)
    lines += weight_section(weights, page_types)
    lines += lighthouse_section(page_types, lighthouse, reference, runs)
    lines += targets_section(weights, page_types, lighthouse)
    return "\n".join(lines) + "\n"


def machine_section(
    started: dt.datetime,
    host: dict[str, str],
    loads: tuple[str, str],
    benchmark_index: float,
) -> list[str]:
    return [
        "## Machine et conditions",
        "",
        f"- Date{NBSP}: {started:%Y-%m-%d %H:%M} (UTC).",
        f"- Processeur{NBSP}: `{host['cpu']}`, {host['cores']}{NBSP}cœurs"
        f"{NNBSP}; mémoire{NBSP}: {host['memory']}{NNBSP}; système"
        f"{NBSP}: `{host['system']}`.",
        f"- Charge moyenne de la machine (1, 5 et 15{NBSP}minutes) au début"
        f"{NBSP}: {loads[0]}{NNBSP}; à la fin{NBSP}: {loads[1]}. La machine "
        f"est partagée{NBSP}: une charge supérieure au nombre de cœurs "
        "ralentit toutes les mesures.",
        "- Indice de vitesse du processeur mesuré par Lighthouse "
        f"(`benchmarkIndex`, médiane){NBSP}: {benchmark_index:.0f}. "
        "Lighthouse s’en sert pour simuler le téléphone du profil mobile.",
        f"- Logiciels{NBSP}: `Python {host['python']}`, `Node "
        f"{host['node']}`, `{host['chromium']}`, `Lighthouse "
        f"{host['lighthouse']}`.",
        "- Les pages sont servies en local (127.0.0.1) et compressées en "
        "gzip, comme le fait GitHub Pages. Le navigateur ne peut joindre "
        "aucun autre hôte.",
        "",
    ]


def build_section(builds: BuildTimes) -> list[str]:
    site = ", ".join(seconds(value) for value in builds.site)
    plain = ", ".join(seconds(value) for value in builds.plain)
    return [
        "## Temps de construction",
        "",
        f"Médiane de {len(builds.site)}{NBSP}constructions complètes, "
        "alternées, dans la même exécution. La construction «"
        f"{NBSP}Material seul{NBSP}» reprend le même Markdown, le même "
        "thème et les mêmes extensions, sans les crochets du site (quiz, "
        "laboratoire, chargement différé de Mermaid, recherche sans "
        "accents), sans autre extension que la recherche et sans le "
        "mode strict.",
        "",
        "| Construction | Médiane | Mesures |",
        "|---|---:|---|",
        "| Site (`mkdocs build --strict`) "
        f"| {seconds(statistics.median(builds.site))} | {site} |",
        "| Material seul "
        f"| {seconds(statistics.median(builds.plain))} | {plain} |",
        "",
        f"Rapport site / Material seul{NBSP}: **{ratio_text(builds.ratio)}**.",
        "",
    ]


def weight_section(
    weights: list[PageWeight], page_types: list[PageType]
) -> list[str]:
    by_path = {weight.path: weight for weight in weights}
    lines = [
        "## Octets transférés par type de page",
        "",
        "Mesure dans Chromium, cache vide, fenêtre de téléphone "
        f"de 412 pixels CSS sur 823{NBSP}: au chargement (jusqu’au repos "
        "du réseau), puis après avoir fait défiler la page jusqu’en bas, "
        f"ce qui dessine les diagrammes. «{NBSP}Non compressé{NBSP}» "
        "additionne la taille des fichiers servis.",
        "",
        "| Type de page | Page | Requêtes | Mermaid au chargement "
        "| Au chargement | Après défilement | Non compressé |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for page_type in page_types:
        weight = by_path[page_type.path]
        lines.append(
            f"| {page_type.name} | `/{page_type.path}` ({page_type.note}) "
            f"| {weight.load_requests} "
            f"| {'oui' if weight.mermaid_at_load else 'non'} "
            f"| {kib(weight.load_bytes)} | {kib(weight.scrolled_bytes)} "
            f"| {kib(weight.uncompressed_bytes)} |"
        )
    without_diagram = [weight for weight in weights if not weight.diagrams]
    heaviest = max(without_diagram, key=lambda weight: weight.scrolled_bytes)
    with_diagram = [weight for weight in weights if weight.diagrams]
    eager = [
        f"`/{weight.path}`"
        for weight in with_diagram
        if weight.mermaid_at_load
    ]
    lines += [
        "",
        f"Sur les {len(without_diagram)}{NBSP}pages sans diagramme, la plus "
        f"lourde est `/{heaviest.path}` avec {kib(heaviest.scrolled_bytes)} "
        "transférés après défilement.",
        "",
        f"Sur les {len(with_diagram)}{NBSP}pages avec diagrammes, "
        + (
            f"{len(eager)} chargent Mermaid dès l’ouverture, parce qu’un "
            "diagramme y est à moins d’un écran et demi du haut de la page"
            f"{NBSP}: {', '.join(eager)}."
            if eager
            else "aucune ne charge Mermaid avant que le lecteur approche "
            "d’un diagramme."
        ),
        "",
    ]
    return lines


def lighthouse_section(
    page_types: list[PageType],
    lighthouse: dict[tuple[str, str], LighthouseResult],
    reference: dict[str, LighthouseResult],
    runs: int,
) -> list[str]:
    lines = [
        "## Scores Lighthouse",
        "",
        f"Médiane de {runs}{NBSP}passage(s) par page et par profil (le "
        "passage au score de performance médian). Profil mobile"
        f"{NBSP}: téléphone simulé, processeur ralenti quatre fois et "
        "réseau mobile lent, selon les réglages par défaut de Lighthouse. "
        f"FCP{NBSP}: premier affichage de contenu{NNBSP}; LCP{NBSP}: "
        f"affichage du plus grand élément{NNBSP}; TBT{NBSP}: temps total "
        f"de blocage du fil principal{NNBSP}; CLS{NBSP}: décalage cumulé "
        "de la mise en page.",
        "",
        "| Type de page | Profil | Performance | Accessibilité "
        "| Bonnes pratiques | SEO | FCP | LCP | TBT | CLS | Poids |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page_type in page_types:
        for preset in ("mobile", "desktop"):
            result = lighthouse[(page_type.path, preset)]
            lines.append(lighthouse_row(page_type.name, preset, result))
    for preset, result in reference.items():
        name = f"Référence{NBSP}: Material seul, Mermaid d’emblée"
        lines.append(lighthouse_row(name, preset, result))
    if reference:
        lines += [
            "",
            "La référence est la même page construite par Material seul, "
            "qui charge Mermaid sur toute page, dès l’ouverture.",
        ]
    lines.append("")
    return lines


def lighthouse_row(name: str, preset: str, result: LighthouseResult) -> str:
    scores = " | ".join(str(result.scores[name]) for name in CATEGORIES)
    metrics = result.metrics
    cls = f"{metrics['CLS']:.3f}".replace(".", ",")
    return (
        f"| {name} | {PRESET_NAMES[preset]} | {scores} "
        f"| {milliseconds(metrics['FCP'])} | {milliseconds(metrics['LCP'])} "
        f"| {milliseconds(metrics['TBT'])} | {cls} "
        f"| {kib(result.byte_weight)} |"
    )


def targets_section(
    weights: list[PageWeight],
    page_types: list[PageType],
    lighthouse: dict[tuple[str, str], LighthouseResult],
) -> list[str]:
    by_path = {weight.path: weight for weight in weights}
    lines = [
        "## Objectifs",
        "",
        "Objectifs fixés au site"
        f"{NBSP}: performance mobile d’au moins 95 sur toute page, "
        "diagrammes compris, 100 en accessibilité, bonnes pratiques et SEO, "
        f"et au plus 300{NBSP}Kio transférés par page sans diagramme.",
        "",
    ]
    missed = []
    for page_type in page_types:
        for preset in ("mobile", "desktop"):
            result = lighthouse[(page_type.path, preset)]
            if preset == "mobile" and result.scores["performance"] < 95:
                missed.append(
                    performance_miss(
                        page_type, result, by_path[page_type.path]
                    )
                )
            for name in CATEGORIES[1:]:
                if result.scores[name] < 100:
                    audits = ", ".join(
                        f"`{audit}`" for audit in result.failed_audits[name]
                    )
                    missed.append(
                        f"- {page_type.name} (`/{page_type.path}`), "
                        f"{PRESET_NAMES[preset]}"
                        f"{NBSP}: {CATEGORY_NAMES[name]} "
                        f"{result.scores[name]} (audits en échec{NBSP}: "
                        f"{audits})."
                    )
    for weight in weights:
        if not weight.diagrams and weight.scrolled_bytes > WEIGHT_TARGET:
            missed.append(
                f"- `/{weight.path}`{NBSP}: {kib(weight.scrolled_bytes)} "
                f"transférés, au-delà de 300{NBSP}Kio."
            )
    if missed:
        lines.append(
            "Objectifs non atteints lors de cette mesure" + NBSP + ":"
        )
        lines.append("")
        lines += missed
    else:
        lines.append("Tous les objectifs sont atteints lors de cette mesure.")
    return lines


def performance_miss(
    page_type: PageType, result: LighthouseResult, weight: PageWeight
) -> str:
    """Describe a mobile performance score under 95 and what costs most."""
    line = (
        f"- {page_type.name} (`/{page_type.path}`), mobile{NBSP}: "
        f"performance {result.scores['performance']} (TBT "
        f"{milliseconds(result.metrics['TBT'])}, LCP "
        f"{milliseconds(result.metrics['LCP'])}). Script le plus coûteux "
        f"pour le processeur{NBSP}: `{result.top_script}` "
        f"({milliseconds(result.top_script_ms)} simulées)."
    )
    if weight.mermaid_at_load:
        line += (
            " Mermaid est chargé dès l’ouverture, parce qu’un diagramme "
            "se trouve à moins d’un écran et demi du haut de la page"
            f"{NBSP}: seul un diagramme dessiné à la construction du site "
            "éviterait ce coût."
        )
    return line


# --- Main --------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--builds",
        type=int,
        default=3,
        help="builds of each kind, alternated (default: 3)",
    )
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=3,
        help="Lighthouse runs per page and profile (default: 3)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPORT,
        help=f"report file (default: {REPORT.relative_to(REPO_ROOT)})",
    )
    arguments = parser.parse_args()

    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} not found: run `npm ci` first", file=sys.stderr)
        return 1
    if not CHROMIUM.is_file():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 1

    started = dt.datetime.now(dt.UTC)
    load_at_start = load_average()
    OUTPUT.mkdir(exist_ok=True)
    reports = OUTPUT / "lighthouse"
    reports.mkdir(exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="benchmark-") as temporary:
        workdir = Path(temporary)
        print(f"Building {arguments.builds} times each…", flush=True)
        builds = measure_builds(workdir, arguments.builds)
        site_dir = workdir / "site"
        plain_dir = workdir / "plain-site"

        with GzipServer(site_dir) as server, GzipServer(plain_dir) as plain:
            print("Measuring page weights…", flush=True)
            weights = measure_weights(server.url, site_dir)
            page_types = choose_page_types(weights)

            lighthouse = {}
            for page_type in page_types:
                for preset in ("mobile", "desktop"):
                    print(
                        f"Lighthouse {preset} /{page_type.path}…", flush=True
                    )
                    runs = [
                        run_lighthouse(
                            server.url + page_type.path,
                            preset,
                            reports
                            / f"{slug(page_type.path)}-{preset}-{i}.json",
                        )
                        for i in range(arguments.lighthouse_runs)
                    ]
                    lighthouse[(page_type.path, preset)] = median_result(runs)

            reference = {}
            if len(page_types) == 3:
                essay = page_types[2].path
                for preset in ("mobile", "desktop"):
                    print(f"Lighthouse {preset} plain /{essay}…", flush=True)
                    runs = [
                        run_lighthouse(
                            plain.url + essay,
                            preset,
                            reports / f"plain-{slug(essay)}-{preset}-{i}.json",
                        )
                        for i in range(arguments.lighthouse_runs)
                    ]
                    reference[preset] = median_result(runs)

    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(
        write_report(
            started=started,
            host=machine(),
            loads=(load_at_start, load_average()),
            builds=builds,
            weights=weights,
            page_types=page_types,
            lighthouse=lighthouse,
            reference=reference,
            runs=arguments.lighthouse_runs,
        ),
        encoding="utf-8",
    )
    print(f"Report written to {arguments.output}")
    return 0


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "accueil"


if __name__ == "__main__":
    sys.exit(main())
