"""Number and date formats of the Russian and Kazakh UI (``FORMAT_MODULE_PATH``).

One format per language, the same in both: dates дд.мм.гггг, 24-hour time, thousands
separated by a non-breaking space, decimal comma. Money and rates are shown through the
``osms_format`` template filters and ``osms.core.formatting`` (₸ with 2 decimals, rates as %).
"""
