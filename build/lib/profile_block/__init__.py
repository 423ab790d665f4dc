"""Core library of the Get-profile block studio: the block model, flows, lookups.

Never imports streamlit (pages render, this package decides) nor ``profiles_sandbox``
(the local service stands in for AWS and must stay swappable for it).
"""
