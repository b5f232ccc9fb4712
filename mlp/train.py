"""``python -m mlp.train``: the training command; its code is mlp/training/train.py."""
import sys

from mlp.training import run_command

if __name__ == "__main__":
    sys.exit(run_command("train"))
