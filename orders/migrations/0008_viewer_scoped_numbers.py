"""Order numbers are unique among what each user may see, not across the database (casework.namesakes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_recompute_with_legal_calendars"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="orders_order_number_unique_per_authority",
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["authority", "number"], name="orders_order_number_lookup"),
        ),
    ]
