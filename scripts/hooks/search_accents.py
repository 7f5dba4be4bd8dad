"""MkDocs hook: make the French search ignore accents.

Material's search runs lunr.js in a web worker. The worker loads
`assets/javascripts/lunr/min/lunr.fr.min.js` for French and nothing of
ours, and lunr has no accent folding, so a query typed without accents
(`deploiement`) found none of the pages that write `déploiement`.

After the build, this hook appends `search_accents.js` (beside this file) to
the built copy of `lunr.fr.min.js`; that code folds accents in the index and
in every query. The theme's own file is left untouched. `lunr.fr.min.js` is
under the Mozilla Public License 2.0, which allows this change; the added
code stays readable at the end of the file.

The hook stops the build, with the fix, if search is not French-only or if
Material no longer ships the file.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

FOLDING_SCRIPT = Path(__file__).with_name("search_accents.js")
LUNR_FRENCH = Path("assets/javascripts/lunr/min/lunr.fr.min.js")
MARKER = "/* search_accents: appended by scripts/hooks/search_accents.py */"


def on_config(config):
    search = config.plugins.get("material/search")
    if search is None:
        raise PluginError(
            "search_accents hook: Material's search plugin is missing. "
            "Add `- search` under `plugins:` in mkdocs.yml"
        )
    if search.config.lang != ["fr"]:
        raise PluginError(
            f"search_accents hook: search `lang` is {search.config.lang}, "
            "but accent folding hooks into lunr.fr only. Set `lang: fr` "
            "under the search plugin"
        )
    return config


def on_post_build(config):
    target = Path(config.site_dir) / LUNR_FRENCH
    if not target.is_file():
        raise PluginError(
            f"search_accents hook: {target} not found. Material moved its "
            "lunr language files: update LUNR_FRENCH in "
            "scripts/hooks/search_accents.py"
        )

    built = target.read_text(encoding="utf-8")
    if MARKER in built:
        return  # `mkdocs serve` may keep the file from a previous build
    folding = FOLDING_SCRIPT.read_text(encoding="utf-8")
    target.write_text(
        f"{built.rstrip()}\n{MARKER}\n{folding}", encoding="utf-8"
    )
