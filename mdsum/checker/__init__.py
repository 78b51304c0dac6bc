"""The checker recipe: training data (``data``, ``perturb``); the scripts in ``scripts/`` are thin CLIs."""
