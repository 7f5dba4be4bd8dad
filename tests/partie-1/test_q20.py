"""Behaviour of snippets/partie-1/q20.py: a scatter plot logged as artifact.

The snippet draws predictions against measured values and logs the figure
with `mlflow.log_figure`. The test downloads the artifact from the store
and checks that it is a real PNG image of the expected size, with content.
"""

from __future__ import annotations

import struct
from pathlib import Path

import matplotlib.image
import mlflow
from mlflow import MlflowClient

SNIPPET = "snippets/partie-1/q20.py"
ARTIFACT = "graphiques/predictions_vs_reel.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# figsize=(6, 6) at dpi=100 in the snippet.
EXPECTED_PIXELS = (600, 600)


def test_scatter_plot_is_logged_as_png(snippet, tmp_path):
    result = snippet(SNIPPET)
    assert result.returncode == 0, result.describe()

    uri = f"sqlite:///{result.workdir / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri)
    runs = client.search_runs(
        [client.get_experiment_by_name("Default").experiment_id]
    )
    assert len(runs) == 1, (
        f"{SNIPPET} should create exactly one run, found {len(runs)}"
    )

    local = mlflow.artifacts.download_artifacts(
        run_id=runs[0].info.run_id,
        artifact_path=ARTIFACT,
        dst_path=str(tmp_path / "telechargement"),
        tracking_uri=uri,
    )
    data = Path(local).read_bytes()

    assert data[:8] == PNG_SIGNATURE, (
        f"{SNIPPET}: {ARTIFACT} should start with the PNG signature; "
        "log the figure with a .png artifact name"
    )
    # The IHDR chunk follows the signature: length, type, width, height.
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == EXPECTED_PIXELS, (
        f"{SNIPPET}: {ARTIFACT} should be {EXPECTED_PIXELS} pixels "
        f"(figsize=(6, 6), dpi=100), found {(width, height)}"
    )
    assert 10_000 < len(data) < 1_000_000, (
        f"{SNIPPET}: {ARTIFACT} weighs {len(data)} bytes; a 600 x 600 "
        "scatter plot should weigh between 10 kB and 1 MB"
    )

    pixels = matplotlib.image.imread(local)
    assert pixels.std() > 0.05, (
        f"{SNIPPET}: {ARTIFACT} decodes to an almost uniform image; the "
        "scatter plot seems empty"
    )
