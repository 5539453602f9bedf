"""Create the demo superuser and one demo user per role, and print their credentials."""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from osms.core.models import Region, User
from osms.core.roles import ANALYST, AUDITOR, COMMISSION_MEMBER, HQ_OPERATOR, REGIONAL_OPERATOR

ALMATY = "750000000"
DEMO_USERS = [
    # username, password, role, region KATO (None = head office), superuser
    ("admin", "admin", None, None, True),
    ("hq", "demo-pass-2026", HQ_OPERATOR, None, False),
    ("almaty", "demo-pass-2026", REGIONAL_OPERATOR, ALMATY, False),
    ("almaty_commission", "demo-pass-2026", COMMISSION_MEMBER, ALMATY, False),
    ("analyst", "demo-pass-2026", ANALYST, None, False),
    ("auditor", "demo-pass-2026", AUDITOR, None, False),
]


class Command(BaseCommand):
    help = "Create demo users (idempotent) and print their credentials. Never use in production."

    def handle(self, *args, **options):
        self.stdout.write("Demo users (username / password / role):")
        for username, password, role, kato, superuser in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = superuser
            user.region = Region.objects.get(kato=kato) if kato else None
            user.set_password(password)
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
            where = user.region.name_ru if user.region else "head office"
            self.stdout.write(f"  {username} / {password} / {role or 'superuser'} ({where})")
