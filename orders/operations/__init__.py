"""Operations: what the background work still owes (e-mails, documents, bundles) and its repair.

- ``backlog``: the backlog, read by /healthz and the operations page.
- ``services``: sending failed e-mails once more.
- ``views``: the operations page, for administrators (``orders.permissions.can_operate``).
"""
