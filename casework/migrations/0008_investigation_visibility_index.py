"""A covering index for the lists' counts (see docs/performance.md, "The lists").

A count tests each investigation an authority takes part in for what the user may see and what the
filters ask (confidential, stage): with those columns in an index on the id, PostgreSQL answers from
the index alone. SQLite has no covering indexes: there it is a plain index on the id.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_participation_active_index")]

    operations = [
        migrations.AddIndex(
            model_name="investigation",
            index=models.Index(fields=["id"], include=("confidential", "stage"), name="casework_inv_visibility"),
        ),
    ]
