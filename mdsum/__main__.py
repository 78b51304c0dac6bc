from __future__ import annotations

import sys

from mdsum.cli import main

sys.exit(main())
