"""Load test of the status API and the person admin page against gunicorn + PostgreSQL.

    python bench/load_status_api.py --persons 20000 --seconds 30 --connections 16

1. a PostgreSQL database of N persons (``seed_demo``: COPY-speed synthetic population with
   payments and memberships), then the nightly status recomputation;
2. gunicorn with 4 workers (as the README runs it) and the Redis cache, on a free loopback
   port, production settings (``DEBUG=false``);
3. scenario ``status``: ``GET /api/v1/coverage/<iin>/`` with a partner token over C
   keep-alive connections for S seconds, IINs drawn from the whole population; scenario
   ``admin``: the person change page (``/admin/payers/person/<id>/change/``) for a signed-in
   head-office operator over ``--admin-connections`` connections;
4. prints requests/s, p50/p95/p99, errors and the load average, then stops gunicorn, empties
   its Redis database and drops the database (``--keep`` keeps it for the next run).

The client is ``wrk`` when installed (Debian package ``wrk``: little CPU of its own), else an
asyncio client (aiohttp). Traffic goes to 127.0.0.1 only and every loop is bounded in time.
``--database-url`` runs against an existing, already populated database (the CI smoke test).
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from _setup import ROOT, use_database

WRK_SCRIPT = """
local paths = {%(paths)s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local s = {}
  for _, p in ipairs({50, 95, 99}) do s["p" .. p] = latency:percentile(p) / 1000.0 end
  s.requests = summary.requests
  s.seconds = summary.duration / 1e6
  s.errors = summary.errors.connect + summary.errors.read + summary.errors.write
             + summary.errors.timeout
  s.non_2xx = summary.errors.status
  io.write("WRK-JSON " .. string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "errors": %%d, "non_2xx": %%d}',
    s.requests, s.seconds, s.p50, s.p95, s.p99, s.errors, s.non_2xx) .. "\\n")
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average():
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def prepare(args):
    """Populate (unless already there), recompute, and return (token, session, paths)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from coverage.services import status_recompute
    from osms.core.models import User
    from osms.core.roles import HQ_OPERATOR, sync_role_groups
    from payers.models import Person

    have = Person.objects.count()
    if have < args.persons:
        started = time.monotonic()
        call_command("seed_demo", persons=args.persons - have, seed=args.seed + have,
                     verbosity=0)
        print(f"seeded {args.persons - have} persons in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    run = status_recompute()
    print(f"nightly recomputation: {run.mode} run of {run.persons} persons "
          f"as of {run.on} in {time.monotonic() - started:.1f} s")
    sync_role_groups()
    from django.contrib.auth.models import Group

    user, _ = User.objects.get_or_create(username="bench_partner")
    user.groups.set([Group.objects.get(name=HQ_OPERATOR)])
    user.is_staff = True
    user.save()
    token, _ = Token.objects.get_or_create(user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    rng = random.Random(args.seed)
    people = list(Person.objects.order_by("?").values_list("id", "iin")[:args.sample])
    rng.shuffle(people)
    return (token.key, session.session_key,
            [f"/api/v1/coverage/{iin}/" for _, iin in people],
            [f"/admin/payers/person/{pk}/change/" for pk, _ in people[:500]])


def start_gunicorn(args, port, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
           "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
           "CSRF_COOKIE_SECURE": "false", "LOG_LEVEL": "WARNING",
           "CACHE_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
           "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
           "API_PARTNER_THROTTLE": args.throttle, "PYTHONPATH": str(ROOT)}
    env.pop("CELERY_BROKER_URL", None)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [gunicorn, "osms.wsgi", "--workers", str(args.workers), "--bind",
               f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            break
        except Exception as exc:  # 503 from the health check is fine too: it answered
            if getattr(exc, "code", None):
                break
            time.sleep(0.3)
    else:
        raise SystemExit("gunicorn did not answer within 60 s")
    return process, " ".join(shlex.quote(c) for c in command)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def drive_wrk(base, paths, headers, connections, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections),
               "-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [base], capture_output=True, text=True,
                          timeout=seconds + 60)
    os.unlink(script.name)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {done.stdout} {done.stderr}")
    found = json.loads(line[len("WRK-JSON "):])
    return {**found, "ok": found["requests"] - found["non_2xx"] - found["errors"]}


async def _drive_async(base, paths, headers, connections, seconds):
    import aiohttp

    latencies, statuses, errors = [], {}, 0
    stop_at = time.monotonic() + seconds

    async def user(session, offset):
        nonlocal errors
        i = offset
        while time.monotonic() < stop_at:
            i = (i + 1) % len(paths)
            started = time.perf_counter()
            try:
                async with session.get(base + paths[i], headers=headers,
                                       allow_redirects=False) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1
            except aiohttp.ClientError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=10)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(user(session, k * 997) for k in range(connections)))
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {"requests": len(latencies) + errors, "seconds": elapsed, "p50": cuts[49],
            "p95": cuts[94], "p99": cuts[98], "errors": errors,
            "non_2xx": sum(n for s, n in statuses.items() if s >= 300),
            "ok": statuses.get(200, 0)}


def precheck(base, path, headers):
    """One request must answer 200 (not a redirect to the login page, not an error)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(urllib.request.Request(base + path, headers=headers),
                             timeout=30).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}, not 200: nothing to measure")


def drive(args, base, paths, headers, connections, seconds):
    driver = args.driver
    if driver == "auto":
        driver = "wrk" if shutil.which("wrk") else "aiohttp"
    if driver == "wrk":
        return driver, drive_wrk(base, paths, headers, connections, seconds)
    return driver, asyncio.run(_drive_async(base, paths, headers, connections, seconds))


def report(name, driver, connections, figures):
    rate = figures["requests"] / figures["seconds"] if figures["seconds"] else 0
    print(f"{name}: {rate:.0f} requests/s over {figures['seconds']:.1f} s "
          f"({figures['requests']} requests, {connections} connections, {driver}); "
          f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
          f"p99 {figures['p99']:.1f} ms; {figures['ok']} succeeded, "
          f"{figures['non_2xx']} other statuses, {figures['errors']} errors")
    return rate


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--admin-connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--scenarios", default="status,admin")
    parser.add_argument("--driver", choices=["auto", "wrk", "aiohttp"], default="auto")
    parser.add_argument("--database", default="osms_bench_load")
    parser.add_argument("--database-url", help="an existing, populated database (no drop)")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--throttle", default="10000000/min",
                        help="API_PARTNER_THROTTLE of the server (one token drives the load)")
    parser.add_argument("--sample", type=int, default=5000, help="distinct IINs asked")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    # the server and this process share the key: the admin scenario's session is signed here
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", ALLOWED_HOSTS="127.0.0.1",
                      SECRET_KEY=secrets.token_urlsafe(40))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osms.settings")
        import django

        django.setup()
    else:
        use_database(args.database, fresh=args.fresh)
    database_url = os.environ["DATABASE_URL"]
    token, session, api_paths, admin_paths = prepare(args)
    from django.db import connections

    connections.close_all()
    port = free_port()
    print(f"load average before: {load_average()} ({os.cpu_count()} CPUs)")
    server, server_command = start_gunicorn(args, port, database_url)
    base = f"http://127.0.0.1:{port}"
    results = {}
    try:
        print(f"server: {server_command}")
        drive(args, base, api_paths, {"Authorization": f"Token {token}"},
              min(args.connections, 4), min(2.0, args.seconds))  # warm every worker
        for scenario in [s.strip() for s in args.scenarios.split(",") if s.strip()]:
            if scenario == "status":
                precheck(base, api_paths[0], {"Authorization": f"Token {token}"})
                driver, figures = drive(args, base, api_paths,
                                        {"Authorization": f"Token {token}"},
                                        args.connections, args.seconds)
                results[scenario] = report("status API", driver, args.connections, figures)
            elif scenario == "admin":
                precheck(base, admin_paths[0], {"Cookie": f"sessionid={session}"})
                driver, figures = drive(args, base, admin_paths,
                                        {"Cookie": f"sessionid={session}"},
                                        args.admin_connections, args.seconds)
                results[scenario] = report("person admin page", driver,
                                           args.admin_connections, figures)
            else:
                raise SystemExit(f"unknown scenario {scenario!r}")
    finally:
        stop(server)
        subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"],
                       capture_output=True, check=False)
    print(f"load average after: {load_average()}")
    print("command: python bench/load_status_api.py " + " ".join(
        shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])))
    if not args.database_url and not args.keep:
        import psycopg

        base_url = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    return results


if __name__ == "__main__":
    main()
