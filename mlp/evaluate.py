"""``python -m mlp.evaluate``: the scoring command; its code is mlp/training/evaluate.py."""
import sys

from mlp.training import run_command

if __name__ == "__main__":
    sys.exit(run_command("evaluate"))
