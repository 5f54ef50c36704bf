"""Translation status and stamps: ``python -m sitekit status|stamp``, kept under its old name.

python i18n/translations.py status          # one line per page and language
python i18n/translations.py status --diff   # ... with the English changes since each outdated one
python i18n/translations.py stamp docs/page.ru.md   # after updating a translation
"""

import sys

from sitekit.cli import main

if __name__ == "__main__":
    sys.exit(main())
