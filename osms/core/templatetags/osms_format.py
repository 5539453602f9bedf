"""Template filters of ``osms.core.formatting``: ``{{ total|money }}`` → «1 045 500,00 ₸»,
``{{ share|rate }}`` → «2 %», ``{{ run.duration|duration }}`` → «1 мин 04 с»,
``{{ count|estimate }}`` → «≈ 263 000» (with ``estimate:False`` for a planner's figure),
``{{ n|number }}`` → «263 112»."""

from django import template

from osms.core import formatting

register = template.Library()

register.filter("money", formatting.money)
register.filter("rate", formatting.rate)
register.filter("duration", formatting.duration)
register.filter("number", formatting.number)


@register.filter
def estimate(value, exact=True):
    return formatting.estimate(value, exact)


@register.filter
def month_words(value, case="nominative"):
    """``{{ period|month_words }}`` «сентябрь 2025»; ``|month_words:"genitive"`` «сентября
    2025» (``formatting.month_year``)."""
    return formatting.month_year(value, case)
