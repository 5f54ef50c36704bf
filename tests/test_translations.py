"""The translation workflow: status, stamping, the notices, English first, and a fifth language with no code change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sitekit.notices import notice
from sitekit.project import ROOT, languages

from sitekit import status as translations


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
    return next(
        s.state
        for s in translations.status(project)
        if s.translation == project / "docs" / rel.replace(".md", f".{language}.md")
    )


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
    result = subprocess.run(
        [sys.executable, "-m", "sitekit", "status"], cwd=project / "docs", capture_output=True, text=True, check=True
    )
    english = translations.translated_pages(project)
    assert len(result.stdout.splitlines()) == 3 * len(english)
    assert "missing     tr  docs/index.tr.md" not in result.stdout
    (project / "docs" / "index.tr.md").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "sitekit", "status"], cwd=project / "docs", capture_output=True, text=True, check=True
    )
    assert "missing     tr  docs/index.tr.md" in result.stdout.splitlines()


def test_notebook_translations_are_stamped_in_their_metadata(project: Path):
    notebook = project / "docs" / "notebooks" / "vanishing-gradient-by-depth.ru.ipynb"
    source_hash = translations.stamp(notebook, project)
    assert translations.recorded_hash(notebook) == source_hash


def test_outdated_notice_is_in_the_readers_language_and_links_to_english(project: Path):
    russian = project / "docs" / "backpropagation.ru.md"
    russian.write_text(
        russian.read_text(encoding="utf-8").replace("source_hash:", "source_hash: 0000\nold:"), encoding="utf-8"
    )
    shown = notice(russian, "ru", project, "https://example.org/site/", "ru/backpropagation/")
    assert shown.startswith('!!! warning "Перевод устарел"')
    assert "(https://example.org/site/backpropagation/)" in shown

    translations.stamp(russian, project)
    assert notice(russian, "ru", project, "https://example.org/site/", "ru/backpropagation/") is None


def test_english_first_a_missing_translation_shows_english_with_a_notice_in_the_readers_language(project: Path):
    english = project / "docs" / "backpropagation.md"
    (project / "docs" / "backpropagation.tr.md").unlink()
    shown = notice(english, "tr", project, "https://example.org/site/", "tr/backpropagation/")
    assert shown.startswith('!!! note "Henüz çevrilmedi"')
    assert "(https://example.org/site/tr/translate/)" in shown
    assert notice(english, "en", project, "https://example.org/site/", "backpropagation/") is None
    api = notice(project / "docs" / "api.md", "tr", project, "https://example.org/site/", "tr/api/")
    assert api.startswith('!!! info "Yalnızca İngilizce"')


def test_a_fifth_language_is_one_config_entry_plus_files(project: Path):
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    text = text.replace(
        "        - locale: pt\n",
        "        - locale: de\n          name: Deutsch\n          build: true\n        - locale: pt\n",
        1,
    )
    config_file.write_text(text, encoding="utf-8")
    assert languages(project).codes == ("en", "ru", "tr", "de", "pt")
    assert {s.state for s in translations.status(project) if s.language == "de"} == {"missing"}

    for page in translations.translated_pages(project):
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

    site = project / "i18n" / "site.yml"
    texts = yaml.safe_load(site.read_text(encoding="utf-8"))
    for entry in texts.values():
        entry["de"] = entry["en"]
    site.write_text(yaml.safe_dump(texts, allow_unicode=True), encoding="utf-8")

    (project / "docs" / "index.de.md").unlink()  # English first: a page may wait for its translation
    lint = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert lint.returncode == 0, lint.stdout[-3000:]
    assert next(s.state for s in translations.status(project) if s.translation.name == "index.de.md") == "missing"
    shown = notice(project / "docs" / "index.md", "de", project, "https://example.org/", "de/")
    assert "(https://example.org/de/translate/)" in shown


def test_english_first_page_builds_in_every_language_with_the_notice(tmp_path: Path):
    """A small site with the real hook and texts: the page with no Russian file is built at /ru/ from
    English, under the Russian notice linking the Russian translate page; the translated one has none."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "page.md").write_text("# Page\n\nEnglish text.\n", encoding="utf-8")
    ru = docs / "index.ru.md"
    ru.write_text("# Главная\n", encoding="utf-8")
    (tmp_path / "i18n").mkdir()
    shutil.copy(ROOT / "i18n" / "site.yml", tmp_path / "i18n" / "site.yml")
    config = {
        "site_name": "mini",
        "site_url": "https://example.org/",
        "theme": {"name": "material", "font": False},
        "plugins": [
            {
                "i18n": {
                    "docs_structure": "suffix",
                    "fallback_to_default": True,
                    "languages": [
                        {"locale": "en", "default": True, "name": "English"},
                        {"locale": "ru", "name": "Русский"},
                    ],
                }
            }
        ],
        "hooks": [str(ROOT / "hooks" / "translation_notice.py")],
        "markdown_extensions": ["admonition"],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    translations.stamp(ru, tmp_path)
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--strict"], cwd=tmp_path, check=True, capture_output=True
    )
    page = (tmp_path / "site" / "ru" / "page" / "index.html").read_text(encoding="utf-8")
    assert "English text." in page and "Ещё не переведено" in page
    assert 'href="https://example.org/ru/translate/"' in page
    assert "Ещё не переведено" not in (tmp_path / "site" / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Not translated" not in (tmp_path / "site" / "page" / "index.html").read_text(encoding="utf-8")
