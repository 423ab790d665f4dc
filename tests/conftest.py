import sys
from pathlib import Path

# The project root on sys.path, so tests import profile_block, profiles_sandbox, studio_files, components.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
