"""Admin of the package: catalogue, ICD-10, disease lists, versions with their tools, tariffs."""

from . import catalogue, tariffs, versions  # noqa: F401  (registers the model admins)
