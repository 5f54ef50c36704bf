"""Experiments behind the site's demos and figures: each returns plain data, deterministic for a seed."""
