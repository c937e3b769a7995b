"""The deadlines list filtered on the day met, sorted by due date, read from a partial index in its order."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0013_dashboard_tallies'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('status', 'met')), fields=['due_on', 'met_on'], include=('order',), name='orders_deadline_met_due'),
        ),
    ]
