"""``new-page SLUG``: the files of a new glossary page, all named after its slug.

A page ``layer-norm`` gets ``docs/layer-norm.md`` (English; translations come later, see the translate
page), ``src/gradprobe/experiments/layer_norm.py`` (what it measures), ``snippets/layer_norm.py`` and
its output ``snippets/layer_norm.out`` (the code the page shows), ``tests/test_claims_layer_norm.py``
(what the page claims, asserted) and its entry at the end of the Glossary section of the nav.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

PAGE = """---
description: {description}
---

# {title} {{#{slug}}}

Write what **{title_lower}** is here. Every number on this page comes from
`src/gradprobe/experiments/{module}.py`, and `tests/test_claims_{module}.py` asserts it.

## Measured {{#measured}}

In a tanh MLP of eight layers with PyTorch's default initialization, the first layer's gradient is
smaller than the head's:

```python title="snippets/{module}.py"
--8<-- "snippets/{module}.py"
```

```text title="Output"
--8<-- "snippets/{module}.out"
```
"""

EXPERIMENT = '''"""{title}: the measurements behind docs/{slug}.md."""

from __future__ import annotations

import torch

from ..measure import grad_norms
from ..models import mlp
from ..report import GradReport

DEPTH = 8


def first_over_last(depth: int = DEPTH, seed: int = 0) -> GradReport:
    """Per-layer gradient norms of a ``depth``-block tanh MLP after one backward pass on random data."""
    torch.manual_seed(seed)
    model = mlp(depth=depth, width=32, in_features=16, out_features=1, activation="tanh", init="default")
    x, y = torch.randn(128, 16), torch.randn(128, 1)
    torch.nn.functional.mse_loss(model(x), y).backward()
    return grad_norms(model)
'''

SNIPPET = '''"""{title}: the first layer's gradient against the head's."""

from gradprobe.experiments.{module} import first_over_last

report = first_over_last()
print(f"first/last = {{report.ratio:.1e}}")
'''

TEST = '''"""Each measurable sentence of docs/{slug}.md, asserted."""

from gradprobe.experiments.{module} import first_over_last


def test_first_layer_gradient_is_smaller_than_the_heads():
    assert first_over_last().ratio < 1
'''


def new_page(root: Path, slug: str, title: str | None = None) -> list[Path]:
    """Create the new page's files under ``root`` and add it to the nav; returns the files created."""
    if not SLUG.fullmatch(slug):
        raise SystemExit(f"'{slug}' is not a page slug: lower-case letters and digits, words joined by '-'")
    module = slug.replace("-", "_")
    title = title or slug.replace("-", " ").capitalize()
    description = json.dumps(f"What {title.lower()} is, and how to measure it with gradprobe.", ensure_ascii=False)
    fields = {"slug": slug, "module": module, "title": title, "title_lower": title.lower(), "description": description}
    files = {
        root / "docs" / f"{slug}.md": PAGE,
        root / "src" / "gradprobe" / "experiments" / f"{module}.py": EXPERIMENT,
        root / "snippets" / f"{module}.py": SNIPPET,
        root / "tests" / f"test_claims_{module}.py": TEST,
    }
    taken = [path.relative_to(root).as_posix() for path in files if path.exists()]
    if taken:
        raise SystemExit(f"page '{slug}' exists already: {', '.join(taken)}")
    _add_to_nav(root / "mkdocs.yml", f"{slug}.md")
    for path, template in files.items():
        path.write_text(template.format(**fields), encoding="utf-8")
    output = root / "snippets" / f"{module}.out"
    pythonpath = os.pathsep.join(filter(None, [str(root / "src"), os.environ.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, str(root / "snippets" / f"{module}.py")],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": pythonpath},
    )
    if run.returncode:
        raise SystemExit(f"snippets/{module}.py failed, so snippets/{module}.out was not written:\n{run.stderr}")
    output.write_text(run.stdout, encoding="utf-8")
    return [*files, output]


def _add_to_nav(config: Path, page: str) -> None:
    """Add ``page`` as the last entry of the nav's Glossary section (the text of mkdocs.yml is edited in
    place, so its comments and order stay)."""
    text = config.read_text(encoding="utf-8")
    section = re.search(r"(?m)^  - Glossary:\n((?:      - .*\n)+)", text)
    if section is None:
        raise SystemExit(f"{config}: no 'Glossary:' section in nav to add {page} to")
    config.write_text(text[: section.end()] + f"      - {page}\n" + text[section.end() :], encoding="utf-8")
