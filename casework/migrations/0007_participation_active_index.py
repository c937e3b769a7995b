"""The visibility's index holds only the participations not withdrawn (see docs/performance.md).

``investigations_visible_to()`` asks whether the user's authority takes part, withdrawn_at IS NULL:
the former index (authority, investigation) sent each of an authority's participations to the table to
test that; the partial one answers from the index alone.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_documents_and_corrections")]

    operations = [
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=["authority", "investigation"],
                name="casework_part_active",
            ),
        ),
        migrations.RemoveIndex(model_name="participation", name="casework_part_authority_inv"),
    ]
