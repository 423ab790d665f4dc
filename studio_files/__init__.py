"""File rules shared by ``profile_block`` and ``profiles_sandbox``: how an output file is written
(``atomic_output``) and which CSV cells a spreadsheet would run (``spreadsheet_cells``).

Standard library only and imports nothing of ours, so both packages may use it without
depending on each other (``profiles_sandbox`` stays a swappable stand-in for AWS).
"""
