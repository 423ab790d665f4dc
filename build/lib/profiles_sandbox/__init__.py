"""A local stand-in for Amazon Connect Customer Profiles: a real HTTP server on 127.0.0.1 that an
unmodified ``boto3.client("customer-profiles", endpoint_url=...)`` talks to.

It imports nothing of the rest of the project, so it stays swappable for the real service.
``server.start_in_thread`` runs it in-process; ``python -m profiles_sandbox`` runs it alone.
"""
