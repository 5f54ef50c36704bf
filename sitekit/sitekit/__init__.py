"""The Gradient Glossary site's rules in one place: languages, page paths, front matter, figures, status.

The mkdocs hooks, the tests and the command line (``python -m sitekit``) all import it; nothing here
depends on mkdocs. ``ROOT`` is the repository this package lives in, or ``$GLOSSARY_ROOT`` (a copy of it).
"""
