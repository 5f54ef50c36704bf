# after bringing a translation up to date with its English page
python i18n/translations.py stamp docs/vanishing-gradient.ru.md
