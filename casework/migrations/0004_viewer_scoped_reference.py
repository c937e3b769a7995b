"""References are unique among what each user may see, not across the database (casework.namesakes).

A global unique constraint made "already exists" an oracle for confidential cases; the
services now check among the investigations the actor may see.
"""

import casework.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0003_legal_calendars"),
    ]

    operations = [
        migrations.AlterField(
            model_name="investigation",
            name="reference",
            field=models.CharField(
                db_index=True,
                max_length=64,
                validators=[casework.models.REFERENCE_VALIDATOR, casework.models.validate_reference_not_reserved],
                verbose_name="reference",
            ),
        ),
    ]
