# the checks a translation pull request must pass (a few seconds)
python -m pytest tests/test_pages.py -q
