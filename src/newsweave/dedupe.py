"""Moved to `newsweave.stories.dedupe`; this alias keeps `bench/planted_disagreements.py`
running until its import names the new place (the file is being rewritten elsewhere).

Nothing in src/ imports it; delete it once no bench script does.
"""

from newsweave.stories.dedupe import copy_groups

__all__ = ["copy_groups"]
