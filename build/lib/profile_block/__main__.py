"""``python -m profile_block ...``: see profile_block.cli."""

from profile_block.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
