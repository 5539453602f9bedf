"""Start the quickstart server and check that one admin page and one API call answer 200."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8765"


def fetch(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.read()


def main():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "manage.py", "runserver", "127.0.0.1:8765", "--noreload"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(60):
            try:
                status, _body = fetch(f"{BASE}/admin/login/")
                break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("the server did not answer")
        assert status == 200, status
        body = json.dumps({"username": "admin", "password": "admin"}).encode()
        status, raw = fetch(f"{BASE}/api/v1/auth/token/", body, {"Content-Type": "application/json"})
        token = json.loads(raw)["token"]
        status, raw = fetch(f"{BASE}/api/v1/persons/", headers={"Authorization": f"Token {token}"})
        assert status == 200 and json.loads(raw)["results"], raw[:200]
        print("smoke: admin login page 200, API persons 200 with demo data")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
