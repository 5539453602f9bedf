"""Loading case files and API submissions (docs/formats/cases.md)."""
