"""Models of the unified package: care catalogue, ICD-10, package versions, tariffs."""

from .catalogue import CareForm, CareType

__all__ = ["CareForm", "CareType"]
