"""English: Django's English dates; thousands grouped by a non-breaking space (60 000.00), as in
Russian and Kazakh, so that a figure reads the same whichever language is chosen."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
