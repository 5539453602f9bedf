"""Serve the quick start as a user would (``./scripts/quickstart``: dev server + Celery worker)
and check: the admin login page and one API call answer 200, the analyst's export of the
person list is queued, taken by the worker and finished, and Ctrl+C stops server and worker.

Run after ``./scripts/quickstart --no-serve`` (CI does). Port: SMOKE_PORT (8765).
"""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = os.environ.get("SMOKE_PORT", "8765")
BASE = f"http://127.0.0.1:{PORT}"


class Browser:
    """Cookies and CSRF, enough to drive the admin's forms."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path, headers=None):
        request = urllib.request.Request(BASE + path, headers=headers or {})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()

    def post_form(self, path, fields):
        _status, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(BASE + path, data=data, headers={"Referer": BASE + path})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()


def wait_for_server(server):
    for _ in range(240):
        if server.poll() is not None:
            sys.exit(f"quickstart exited with {server.returncode} before serving")
        try:
            return Browser().get("/admin/login/")[0]
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer")


def check_api():
    body = json.dumps({"username": "admin", "password": "admin"}).encode()
    request = urllib.request.Request(f"{BASE}/api/v1/auth/token/", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["token"]
    status, raw = Browser().get("/api/v1/persons/", {"Authorization": f"Token {token}"})
    assert status == 200 and json.loads(raw)["results"], raw[:200]


def check_background_export():
    """The analyst exports the person list; the worker, not the request, writes the file."""
    browser = Browser()
    status, url, _page = browser.post_form(
        "/admin/login/?next=/admin/", {"username": "analyst", "password": "demo-pass-2026"})
    assert status == 200 and "/login/" not in url, url
    status, url, page = browser.post_form("/admin/payers/person/background-export/",
                                          {"file_format": "xlsx"})
    assert url.endswith("/admin/exports/exportjob/"), url
    job = re.search(r'data-export-job="(\d+)"', page).group(1)
    seen = []
    for _ in range(240):
        _status, raw = browser.get(f"/admin/exports/exportjob/progress/?ids={job}")
        state = json.loads(raw)["jobs"][0]
        if not seen or seen[-1] != state["status"]:
            seen.append(state["status"])
        if state["status"] not in ("queued", "running"):
            break
        time.sleep(0.25)
    assert seen[0] in ("queued", "running") and seen[-1] == "done", (seen, state)
    return state["rows_done"], seen


def main():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")}
    env["QUICKSTART_PORT"] = PORT
    # Its own session: the signal below reaches the script, the server and the worker, as
    # Ctrl+C in a terminal reaches the foreground process group. A terminal also gives them
    # SIGINT with its default action; a CI runner that started this as a background job of
    # a non-interactive shell passes SIGINT on ignored, and an ignored signal stays ignored
    # through exec (bash cannot even trap it): the dev server then never sees Ctrl+C. With
    # a handler here, exec hands the quick start SIGINT at its default, as a terminal does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = subprocess.Popen([str(ROOT / "scripts" / "quickstart")], cwd=ROOT, env=env,
                              start_new_session=True)
    try:
        assert wait_for_server(server) == 200
        check_api()
        rows, seen = check_background_export()
        print(f"smoke: admin login page 200, API persons 200 with demo data, export of {rows} "
              f"persons through the worker ({' → '.join(seen)})")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # Which process held on: the script, the dev server (and its reloader) or the worker.
            still = subprocess.run(["ps", "-o", "pid,ppid,stat,etime,args", "-g",
                                    str(server.pid)], capture_output=True, text=True).stdout
            os.killpg(server.pid, signal.SIGKILL)
            sys.exit(f"quickstart did not stop on Ctrl+C; still running after 60 s:\n{still}")
    for _ in range(60):  # the worker's beat process may take a moment after the script
        leftover = subprocess.run(["pgrep", "-a", "-g", str(server.pid)], capture_output=True,
                                  text=True).stdout.strip()
        if not leftover:
            break
        time.sleep(0.5)
    assert not leftover, f"still running 30 s after Ctrl+C: {leftover}"
    print("smoke: Ctrl+C stopped the server and the worker")


if __name__ == "__main__":
    main()
