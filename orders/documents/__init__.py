"""Order documents: an order as a PDF, one version per rendering.

- ``pdf``: the HTML templates rendered by WeasyPrint (reads only).
- ``services``: asking for a rendering, rendering it in a worker, resuming lost work.
- ``selectors``: what the pages show of an order's documents.
- ``views``: the render, status and download pages.

Who may download a document is ``orders.permissions.get_document_for_user``.
"""
