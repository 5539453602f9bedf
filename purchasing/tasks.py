"""Celery wrappers: take ids, load rows, call the service (no business logic here)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .models import Campaign


@shared_task(name="purchasing.allocation_run", acks_late=True)
def allocation_run_task(campaign_id, user_id=None):
    """Run the allocation of a closed campaign; returns the new allocation's id."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    campaign = Campaign.objects.get(pk=campaign_id)
    return services.allocation_run(campaign=campaign, acting_user=user).pk
