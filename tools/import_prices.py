"""Refresh and add instance prices in pricing.json from cloud price catalogs.

Build-time tool, standard library only (plus the project's own ``calculators`` loader, which
validates the result). Reads the AWS Price List, SkyPilot catalog CSVs and dstack's gpuhunt
catalog CSV; the code lives in ``tools/prices/`` (one module per format, shared guards).
Run from the repository root, or through ``nox -s prices -- ...``:

    python tools/import_prices.py --catalog tools/catalogs/skypilot-v8-aws.csv --dry-run
    python tools/import_prices.py --offer index.json --as-of 2026-11-01
    python tools/import_prices.py --format gpuhunt --provider aws        # online: fetch the published catalog

See ``python tools/import_prices.py --help`` and README.md, "Updating a price".
"""

from __future__ import annotations

import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
for folder in (TOOLS, TOOLS.parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from prices.cli import main  # the package sits beside this file

if __name__ == "__main__":
    sys.exit(main())
