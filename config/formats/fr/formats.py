"""French dates as Quebec writes them (Django's fr_CA): the short forms are ISO 8601 with a 24-hour
clock. The long forms ("25 janvier 2022") stay Django's French ones."""

SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
