"""The translation workflow: status, stamping, the outdated notice, and a fifth language with no code change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pages import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
import translation_notice  # noqa: E402

translations = translation_notice.translations


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away copy of the site sources in a git repository, English committed."""
    for folder in ("docs", "snippets", "src", "i18n", "benchmarks"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def state(project: Path, rel: str, language: str) -> str:
    return next(s.state for s in translations.status(project)
                if s.translation == project / "docs" / rel.replace(".md", f".{language}.md"))


def test_stamped_translation_is_up_to_date_until_the_english_page_changes(project: Path):
    page = project / "docs" / "vanishing-gradient.md"
    ru = project / "docs" / "vanishing-gradient.ru.md"
    translations.stamp(ru, project)
    assert state(project, "vanishing-gradient.md", "ru") == "up to date"

    page.write_text(page.read_text(encoding="utf-8") + "\nA new English sentence.\n", encoding="utf-8")
    assert state(project, "vanishing-gradient.md", "ru") == "outdated"
    outdated = next(s for s in translations.status(project) if s.translation == ru)
    assert "+A new English sentence." in translations.english_diff(outdated, project)

    translations.stamp(ru, project)
    assert state(project, "vanishing-gradient.md", "ru") == "up to date"


def test_missing_translation_is_reported(project: Path):
    (project / "docs" / "index.tr.md").unlink()
    assert state(project, "index.md", "tr") == "missing"


def test_status_command_prints_one_line_per_page_and_language(project: Path):
    result = subprocess.run([sys.executable, str(ROOT / "i18n" / "translations.py"), "status", "--root", str(project)],
                            capture_output=True, text=True, check=True)
    english = translations.english_pages(project)
    assert len(result.stdout.splitlines()) == 3 * len(english)


def test_notebook_translations_are_stamped_in_their_metadata(project: Path):
    notebook = project / "docs" / "notebooks" / "vanishing-gradient-by-depth.ru.ipynb"
    source_hash = translations.stamp(notebook, project)
    assert translations.recorded_hash(notebook) == source_hash


def test_outdated_notice_is_in_the_readers_language_and_links_to_english(tmp_path: Path):
    english = tmp_path / "page.md"
    english.write_text("# Page {#page}\n\nEnglish.\n", encoding="utf-8")
    russian = tmp_path / "page.ru.md"
    russian.write_text("---\nsource_hash: 0000\n---\n\n# Страница {#page}\n\nТекст.\n", encoding="utf-8")
    i18n = SimpleNamespace(current_language="ru", default_language="en")
    config = SimpleNamespace(plugins={"i18n": i18n}, site_url="https://example.org/site/")
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(russian)), url="ru/page/")
    markdown = translation_notice.on_page_markdown("# Страница {#page}\n\nТекст.\n", page, config)
    lines = markdown.splitlines()
    assert lines[0] == "# Страница {#page}"
    assert '!!! warning "Перевод устарел"' in markdown
    assert "(https://example.org/site/page/)" in markdown

    translations.stamp(russian, ROOT)
    assert "!!! warning" not in translation_notice.on_page_markdown("# Страница\n", page, config)


def test_a_fifth_language_is_one_config_entry_plus_files(project: Path):
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    text = text.replace("        - locale: pt\n", "        - locale: de\n          name: Deutsch\n          build: true\n"
                        "        - locale: pt\n", 1)
    config_file.write_text(text, encoding="utf-8")
    assert translations.languages(project)[1] == ["en", "ru", "tr", "de", "pt"]
    assert {s.state for s in translations.status(project) if s.language == "de"} == {"missing"}

    for page in translations.english_pages(project):
        german = page.with_name(f"{page.stem}.de{page.suffix}")
        shutil.copy(page, german)
        translations.stamp(german, project)
    assert {s.state for s in translations.status(project) if s.language == "de"} == {"up to date"}

    termbase = project / "i18n" / "termbase.yml"
    terms = yaml.safe_load(termbase.read_text(encoding="utf-8"))
    for entry in terms.values():
        entry["de"] = entry["en"]
    termbase.write_text(yaml.safe_dump(terms, allow_unicode=True), encoding="utf-8")

    env = {**os.environ, "GLOSSARY_ROOT": str(project)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_pages.py")]
    collected = subprocess.run([*command, "--collect-only"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert "-de]" in collected.stdout, "the lint did not pick up the new language"
    lint = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert lint.returncode == 0, lint.stdout[-3000:]

    (project / "docs" / "index.de.md").unlink()
    lint = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert "docs/index.md has no de translation" in lint.stdout
