from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_reference_is_up_to_date():
    # PYTHONPATH: the script must import this checkout's mdsum, not whichever copy is pip-installed
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_config_docs.py"), "--check"],
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, "docs/configuration.md is stale: run python scripts/gen_config_docs.py"
