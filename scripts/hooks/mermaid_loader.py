"""MkDocs hook: load Mermaid lazily through `docs/js/diagram-loader.js`.

mkdocs-mermaid2 writes diagrams as `<pre class="mermaid">` blocks and, on
each page that has one, appends two tags at the end of `<body>`:

* `<script src="…/js/mermaid.min.js"></script>`, a parser-blocking load of
  the 3.5 MB Mermaid build, so the page cannot finish loading before Mermaid
  has run;
* `<script>window.mermaidConfig = {…};</script>`, which Material ignores
  (Material calls `mermaid.initialize` itself).

Both tags sit outside Material's content container, so instant navigation
never runs them: a page reached by a click would make Material fetch
Mermaid from a CDN. This hook removes the two tags and relies on
`js/diagram-loader.js`, listed in `extra_javascript` and so present on every
page, which loads `mermaid.min.js` only when a diagram comes near the
viewport. mermaid2 keeps its other roles: the fence, the check at build time
that `javascript:` names an existing file. The loader's name must not
contain "mermaid": mermaid2 takes any such `extra_javascript` entry for the
Mermaid library itself and then adds no script tag at all.

The hook stops the build, with the fix, when the configuration does not
match this contract or when mermaid2's output changes shape.
"""

from __future__ import annotations

import posixpath
import re

from mkdocs.exceptions import PluginError

LOADER = "js/diagram-loader.js"
MERMAID_BUILD = "js/mermaid.min.js"

DIAGRAM_BLOCK = re.compile(r'<pre class="mermaid">')
MERMAID2_SCRIPT = re.compile(r'<script src="[^"]*mermaid\.min\.js"></script>')
MERMAID2_CONFIG = re.compile(
    r"<script>window\.mermaidConfig = \{default: \{.*?\}\};</script>",
    re.DOTALL,
)


# --- Configuration check -----------------------------------------------------


def on_config(config):
    mermaid2 = config.plugins.get("mermaid2")
    if mermaid2 is None:
        raise PluginError(
            "mermaid_loader hook: the mermaid2 plugin is missing from "
            "mkdocs.yml. Add it under `plugins:` with "
            f"`javascript: {MERMAID_BUILD}`, or remove this hook"
        )

    javascript = mermaid2.config.get("javascript")
    if javascript != MERMAID_BUILD:
        raise PluginError(
            f"mermaid_loader hook: mermaid2 `javascript:` is {javascript!r}, "
            f"but {LOADER} loads {MERMAID_BUILD} from its own folder. Set "
            f"`javascript: {MERMAID_BUILD}` under the mermaid2 plugin"
        )

    scripts = [str(script) for script in config.extra_javascript]
    if LOADER not in scripts:
        raise PluginError(
            f"mermaid_loader hook: {LOADER} is missing from "
            "`extra_javascript` in mkdocs.yml. Without it Material fetches "
            "Mermaid from a CDN. Add `- path: js/diagram-loader.js` with "
            "`defer: true`"
        )

    if posixpath.dirname(LOADER) != posixpath.dirname(MERMAID_BUILD):
        raise PluginError(
            f"mermaid_loader hook: {LOADER} and {MERMAID_BUILD} must share "
            "a folder, because the loader finds Mermaid beside itself"
        )
    return config


# --- Page output -------------------------------------------------------------


def on_post_page(output, page, config):
    if not DIAGRAM_BLOCK.search(output):
        return output

    output, scripts_removed = MERMAID2_SCRIPT.subn("", output)
    output, configs_removed = MERMAID2_CONFIG.subn("", output)
    if scripts_removed != 1 or configs_removed != 1:
        raise PluginError(
            f"mermaid_loader hook: docs/{page.file.src_uri} has a diagram, "
            f"but mermaid2 added {scripts_removed} Mermaid script tag(s) "
            f"and {configs_removed} configuration tag(s) instead of one "
            "each. mermaid2 changed its output: update the patterns in "
            "scripts/hooks/mermaid_loader.py"
        )
    return output
