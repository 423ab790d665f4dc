"""Core library of the Get-profile block studio, in four parts: ``model`` (the block), ``documents``
(flows as the user gave them), ``flow_context`` (the flow around the block) and ``running`` (lookups,
batch runs, AWS and the local service); ``cli`` is the command line.

Never imports streamlit (pages render, this package decides) nor ``profiles_sandbox``
(the local service stands in for AWS and must stay swappable for it).
"""
