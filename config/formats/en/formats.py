"""English dates as Canadian offices write them (Django's en_CA): the short forms are ISO 8601,
which no reader takes for a day-month swap. The long forms stay Django's English ones."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d P"
