from django.core.management.base import BaseCommand

from osms.core.roles import sync_role_groups


class Command(BaseCommand):
    help = "Create or update the role groups (HQ operator, Regional operator, …) from apps' roles.py."

    def handle(self, *args, **options):
        for role, count in sync_role_groups().items():
            self.stdout.write(f"{role}: {count} permissions")
