"""The load test's simulated users (Locust), run by ``bench/load.py``; they read the plan it wrote (``LOAD_PLAN``).

Each simulated user is OIPC-BC staff signed in beforehand (a session cookie from the plan:
managers and legal staff with a verified second factor) and mixes, with one to three seconds
between requests, what a working day holds: the dashboard, the lists (investigations, orders,
deadlines met in the last year), an investigation page, an order page, and, for legal staff,
a PDF of an order rendered.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
_SESSIONS = itertools.cycle(PLAN["sessions"])


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        session = next(_SESSIONS)
        self.role = session["role"]
        self.client.cookies.set(PLAN["cookie_name"], session["cookie"])

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def investigations(self) -> None:
        self.client.get("/investigations/", name="investigations list")

    @task(1)
    def investigations_searched(self) -> None:
        self.client.get("/investigations/", params={"q": "location data"}, name="investigations list, searched")

    @task(2)
    def orders(self) -> None:
        self.client.get("/orders/", name="orders list")

    @task(1)
    def deadlines_met(self) -> None:
        self.client.get(
            "/orders/deadlines/", params={"status": "met", "met_after": PLAN["year_ago"]}, name="deadlines list, met"
        )

    @task(3)
    def investigation(self) -> None:
        self.client.get(f"/investigations/{random.choice(PLAN['investigations'])}/", name="investigation page")

    @task(3)
    def order(self) -> None:
        authority, number = random.choice(PLAN["orders"])
        self.client.get(f"/orders/{authority}/{number}/", name="order page")

    @task(1)
    def pdf(self) -> None:
        if self.role != "legal":
            return
        authority, number = random.choice(PLAN["orders"])
        page = f"/orders/{authority}/{number}/"
        self.client.get(page, name="order page")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            f"{page}documents/render/",
            data={"language": "en", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + page},
            allow_redirects=False,
            name="PDF rendered",
        )
