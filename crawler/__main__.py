"""``python -m crawler`` is ``akhbar``."""

from crawler.cli import main

main()
