"""Case documents: evidence, correspondence, reports and other files attached to an investigation.

- ``uploads``: the rules of a safe upload (size, type from the content, names), pure functions of bytes.
- ``storage``: where the files are kept (Django's storage API: ``MEDIA_ROOT`` or an S3-compatible store).
- ``extraction``: the text of PDFs and Office files, in a bounded child process (run by a Celery task).
- ``services``: every write (a document, a new version, a correction, the text), recorded in the history.
- ``selectors``: what the pages, the API and the exports read, in a fixed number of queries.
- ``archive``: the case as a ZIP (its ``case-tracker/1`` file and the documents' files), and back.
- ``forms``, ``views``: the pages.

docs/case-documents.md describes them for the people who use and run them.
"""
