"""What the site says about translations: the notice atop a page in another language, and the status table."""

from __future__ import annotations

from pathlib import Path

from .markdown import english_only, page_title
from .project import languages, split_name, translation_path
from .status import is_up_to_date, status
from .texts import site_text


def notice(source: Path, language: str, root: Path, site_url: str, page_url: str) -> str | None:
    """The admonition atop the page built from ``source`` in ``language`` (None: no notice).

    An English file shown in another language is either never translated (``english_only: true``) or
    not translated yet (it links the translate page); a translation stamped against an older English
    page is outdated (it links the current English page, ``page_url`` without its language prefix).
    """
    langs = languages(root)
    site = site_url.rstrip("/")
    if language == langs.default:
        return None
    if split_name(source, langs.codes)[1] is None:
        if english_only(source):
            text = site_text("english_only", language, root)
            return _admonition("info", text["title"], text["text"])
        text = site_text("not_translated", language, root)
        return _admonition("note", text["title"], text["text"].format(url=f"{site}/{language}/translate/"))
    if is_up_to_date(source, root):
        return None
    text = site_text("outdated", language, root)
    url = site + "/" + page_url.removeprefix(f"{language}/")
    return _admonition("warning", text["title"], text["text"].format(url=url))


def _admonition(kind: str, title: str, text: str) -> str:
    return f'!!! {kind} "{title}"\n\n    {text}\n\n'


def status_table(language: str, root: Path) -> str:
    """Markdown table: one row per page (its title in ``language``, linked), one column per translation language."""
    text = site_text("status_table", language, root)
    langs = languages(root)
    rows: dict[Path, dict[str, str]] = {}
    for item in status(root):
        rows.setdefault(item.page, {})[item.language] = text[item.state]
    lines = [
        "| " + " | ".join([text["page"], *langs.translations]) + " |",
        "|" + "---|" * (len(langs.translations) + 1),
    ]
    for page, states in rows.items():
        translated = translation_path(page, language, langs)
        title = page_title(translated if translated.exists() else page).replace("|", "\\|")
        link = f"[{title}]({page.relative_to(root / 'docs').as_posix()})"
        lines.append("| " + " | ".join([link, *(states[c] for c in langs.translations)]) + " |")
    return "\n".join(lines)
