# which translations are up to date, outdated (with the English changes since) or missing
python i18n/translations.py status --diff
