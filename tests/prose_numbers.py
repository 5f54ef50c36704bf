"""The numbers a page's prose states, read the way its language writes them, and what binds each one.

A number in prose is a quantity unless it is part of a name or a reference: digits glued to letters
(ResNet-18, float32, YOLO11n, x_1, 2D), a version (0.1.0), a whole number from 1950 to 2029 (a year,
however it is grouped), the References section. Formulas are read in English notation, except that a
translation writes its decimal comma braced (``4{,}08``, so TeX adds no space after it); there only
numbers with a fractional part or powers of ten count: a formula's whole numbers are its mathematics
(indices, exponents, coefficients), not measurements.

A number is bound when an output the page includes prints it (``snippets/*.out``, compared with fresh
runs by test_snippets), when docs/figures.yml passes it to one of the page's figures, or when
``docs/numbers/<page>.yml`` records it: ``measured`` (value: the test that asserts it against a fresh
run) or ``sourced`` (value: a paper, a definition, arithmetic, or the ``src/...py`` file that sets it).
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from pages import DOCS, INCLUDE, ROOT, Page, figures

RECORDS = DOCS / "numbers"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# How each language groups digits and marks decimals in prose.
GROUP = {"en": ",", "ru": "[ \u00a0\u202f\u2009]", "tr": r"\.", "pt": r"\."}
DECIMAL = {"en": r"\.", "ru": ",", "tr": ",", "pt": ","}

FRONT_DESCRIPTION = re.compile(r"\A---\n(?P<front>.*?)\n---\n", re.S)
FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.S | re.M)
REMOVED = [  # what is not prose: code, link targets, anchors, HTML tags and comments, URLs, footnote marks
    re.compile(r"^#+ [^\n]*\{#references\}.*?(?=^#+ |\Z)", re.M | re.S),  # a bibliography: citation data
    re.compile(r"`[^`\n]+`"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"\{#[\w-]+\}"),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"</?[a-zA-Z][^>]*>"),
    re.compile(r"https?://\S+"),
    re.compile(r"\[\^\w+\]"),
]
MATH = re.compile(r"\$\$(?P<display>.*?)\$\$|\\\((?P<inline>.*?)\\\)", re.S)
LATEX_POWER = re.compile(r"(?:(?P<mantissa>\d+(?:\.\d+)?)\s*\\times\s*)?10\^\{?(?P<exp>[-−]?\d+)\}?")
LATEX_NAME = re.compile(r"\\[a-zA-Z]+|[a-zA-Z]_\{[^}]*\}|[a-zA-Z]_\d+")
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def number_pattern(language: str) -> re.Pattern[str]:
    group, decimal = GROUP[language], DECIMAL[language]
    return re.compile(
        rf"(?<![\w.,:'’-])(?P<sign>[-−](?=\d))?"
        rf"(?P<int>\d{{1,3}}(?:{group}\d{{3}})+(?!\d)|\d+)(?:{decimal}(?P<frac>\d+)|\.(?P<dotted>\d+))?"
        rf"(?:[eE](?P<exp>[-−+]?\d+)|\s?[×x]\s?10\^?(?P<power>[-−⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+))?"
        rf"(?P<version>(?:\.\d+)+)?(?P<glued>[^\W\d_xe×])?"
    )


PATTERNS = {language: number_pattern(language) for language in GROUP}


def to_decimal(match: re.Match[str]) -> Decimal | None:
    """The value a match states, or None when it is part of a name (glued to letters, a version, a year)."""
    if match["glued"] or match["version"]:
        return None
    digits = re.sub(r"\D", "", match["int"])
    if not (match["frac"] or match["dotted"] or match["exp"] or match["power"]) and 1950 <= int(digits) <= 2029:
        return None  # a year, or a count no language can tell from one (ru writes 2000, tr 2.000)
    value = Decimal(
        f"{'-' if match['sign'] else ''}{digits}{'.' + frac if (frac := match['frac'] or match['dotted']) else ''}"
    )
    if match["exp"]:
        value = value.scaleb(int(match["exp"].replace("−", "-")))
    if match["power"]:
        value = value.scaleb(int(match["power"].translate(SUPERSCRIPT).replace("−", "-")))
    return value


def math_numbers(formula: str) -> list[Decimal]:
    """Powers of ten and numbers with a fractional part in a LaTeX formula."""
    formula = formula.replace("{,}", ".")  # a translation's decimal comma, braced so TeX adds no space
    found = []
    for power in LATEX_POWER.finditer(formula):
        mantissa = Decimal(power["mantissa"] or 1)
        found.append(mantissa.scaleb(int(power["exp"].replace("−", "-"))))
    rest = LATEX_NAME.sub(" ", LATEX_POWER.sub(" ", formula))
    found += [to_decimal(m) for m in PATTERNS["en"].finditer(rest) if m["frac"]]
    return [value for value in found if value is not None]


def prose(markdown: str) -> str:
    """The page's text without code, structure and formulas; its front-matter description is prose."""
    front = FRONT_DESCRIPTION.match(markdown)
    description = str((yaml.load(front["front"], Loader=LOADER) or {}).get("description", "")) if front else ""
    text = description + "\n" + FENCE.sub("", markdown[front.end() if front else 0 :])
    for pattern in REMOVED:
        text = pattern.sub(" ", text)
    return text


def stated(markdown: str, language: str) -> tuple[Decimal, ...]:
    """Every quantity a page's Markdown states, in order: prose in its language's notation, then formulas."""
    text = prose(markdown)
    formulas = [m["display"] or m["inline"] for m in MATH.finditer(text)]
    text = MATH.sub(" ", text)
    found = [to_decimal(m) for m in PATTERNS[language].finditer(text)]
    return tuple(v for v in found if v is not None) + tuple(v for f in formulas for v in math_numbers(f))


@cache
def numbers(page: Page) -> tuple[Decimal, ...]:
    return stated(page.markdown(), page.language)


def slug(page: Page) -> str:
    return page.path.name.split(".")[0]


def record(name: str) -> dict[str, dict[Decimal, str]]:
    """``docs/numbers/<name>.yml``: {"measured": {value: test name}, "sourced": {value: source}}."""
    path = RECORDS / f"{name}.yml"
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER) if path.is_file() else {}
    unknown = set(raw) - {"measured", "sourced"}
    assert not unknown, f"{path.relative_to(ROOT)}: unknown sections {sorted(unknown)}; use measured: and sourced:"
    return {
        section: {Decimal(str(value)): str(why) for value, why in (raw.get(section) or {}).items()}
        for section in ("measured", "sourced")
    }


def printed(page: Page) -> set[Decimal]:
    """Numbers in the outputs (snippets/*.out) the page includes, checked against fresh runs by test_snippets."""
    values = set()
    for include in page.includes():
        match = INCLUDE.match(include)
        if match and match["path"].endswith(".out"):
            text = (ROOT / match["path"]).read_text(encoding="utf-8")
            values |= {v for m in PATTERNS["en"].finditer(text) if (v := to_decimal(m)) is not None}
    return values


GRID = 12  # an x axis of more points than this is a grid, stated by its ends


def figure_arguments(page: Page) -> set[Decimal]:
    """The arguments docs/figures.yml passes to the experiments of the page's figures: their settings."""
    values: set[Decimal] = set()
    names = {Path(src).stem for src in page.images()}
    for name, spec in figures().items():
        if name not in names:
            continue
        for key, value in (spec.get("args") or {}).items():
            items = value if isinstance(value, list) else [value]
            if key == spec.get("x") and len(items) > GRID:
                items = [items[0], items[-1]]
            values |= {Decimal(repr(v)) for v in items if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return values


def constants(tree: ast.AST) -> set[Decimal]:
    """The numbers Python code writes: numeric literals (negated ones included) and numbers inside strings."""
    values = set()
    for leaf in ast.walk(tree):
        if isinstance(leaf, ast.Constant) and isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool):
            values.add(Decimal(repr(leaf.value)))
        elif (
            isinstance(leaf, ast.UnaryOp)
            and isinstance(leaf.op, ast.USub)
            and isinstance(leaf.operand, ast.Constant)
            and isinstance(leaf.operand.value, (int, float))
        ):
            values.add(-Decimal(repr(leaf.operand.value)))
        elif isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
            values |= {v for m in PATTERNS["en"].finditer(leaf.value) if (v := to_decimal(m)) is not None}
    return values


@cache
def defined_tests() -> dict[str, list[ast.FunctionDef]]:
    """The test functions of tests/test_*.py by name (one name may be a test in several files)."""
    found: dict[str, list[ast.FunctionDef]] = {}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.setdefault(node.name, []).append(node)
    return found


@cache
def numbers_in_test(name: str) -> frozenset[Decimal]:
    """The numbers the test functions called ``name`` write."""
    return frozenset(v for node in defined_tests().get(name, []) for v in constants(node))


@cache
def file_constants(rel: str) -> set[Decimal]:
    """The numbers a Python file of the repository writes (a setting the prose quotes from an experiment)."""
    return constants(ast.parse((ROOT / rel).read_text(encoding="utf-8")))


def asserts(test: str, value: Decimal) -> bool:
    """Whether test function ``test`` writes ``value``: as it is, a percentage as a fraction (40 % as 0.4), as a
    mantissa and its power of ten (2.6 × 10^9 as ``round(x / 1e9, 1) == 2.6``), or a power of ten as its
    exponent (10^13 as ``round(math.log10(x)) == 13``)."""
    constants = numbers_in_test(test)
    exponent = value.adjusted()
    mantissa, power = value.scaleb(-exponent), Decimal(1).scaleb(exponent)
    return (
        bool({value, value.scaleb(-2)} & constants)
        or (mantissa in constants and bool({power, 1 / power} & constants))
        or (mantissa == 1 and bool({Decimal(exponent), Decimal(-exponent)} & constants))
    )
