"""Settings for the load test (``make load``): the benchmark's, with PDFs rendered in the request.

The load test has no Celery worker: a PDF asked for from an order page is rendered by the
web worker that took the request (eager tasks), so that the load includes the rendering.
"""

from bench.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
