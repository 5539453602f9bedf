"""Admin person list at scale: COUNT-free paginator vs Django's stock paginator.

    python bench/admin_person_list.py --persons 1000000

Seeds the registry once (kept between runs in database osms_bench_admin), then
times the person changelist as a head-office superuser for: the first page, a
region filter, an exact ИИН search and a last-name prefix search, each with our
``EstimatedCountPaginator`` and with Django's ``Paginator`` (full COUNT), side by
side in one run. Reports the median of --repeat requests.
"""

import argparse
import os
import random
import statistics
import time

from _setup import use_database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="Drop and re-seed the database.")
    args = parser.parse_args()
    # Production-like rendering: DEBUG off (cached template loader), plain static storage.
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
                      CSRF_COOKIE_SECURE="false", ALLOWED_HOSTS="testserver",
                      STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage")
    use_database("osms_bench_admin", fresh=args.fresh)

    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from osms.core.models import Region, User
    from payers.admin.registry import PersonAdmin
    from payers.demo import seed_registry
    from payers.models import Person

    have = Person.objects.count()
    if have < args.persons:
        started = time.monotonic()
        seed_registry(rng=random.Random(have + 1), persons=args.persons - have)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE payers_person")
        print(f"seeded {args.persons - have} persons in {time.monotonic() - started:.1f} s")
    total = Person.objects.count()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True})
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    sample = Person.objects.order_by("id")[total // 2]
    almaty = Region.objects.get(kato="750000000")
    cases = [
        ("first page", {}),
        ("region filter", {"region__id__exact": almaty.pk}),
        ("exact IIN search", {"q": sample.iin}),
        ("last-name prefix", {"q": sample.last_name[:5]}),
        ("region + page 10", {"region__id__exact": almaty.pk, "p": 10}),
    ]

    def timed(params):
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get("/admin/payers/person/", params)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        return statistics.median(times) * 1000

    print(f"persons in the table: {total:,}")
    print(f"{'case':<20} {'estimated (ms)':>15} {'full COUNT (ms)':>16} {'ratio':>7}")
    ours = PersonAdmin.paginator
    for name, params in cases:
        PersonAdmin.paginator = ours
        fast = timed(params)
        PersonAdmin.paginator = Paginator
        slow = timed(params)
        PersonAdmin.paginator = ours
        print(f"{name:<20} {fast:>15.1f} {slow:>16.1f} {slow / fast:>6.1f}x")


if __name__ == "__main__":
    main()
