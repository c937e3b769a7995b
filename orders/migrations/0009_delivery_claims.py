"""Claims for e-mail delivery and PDF rendering (docs/security-faults.md).

- Notification: the status "sending" (a worker's claim while it talks to the relay), with the
  claim's token, time and kind, and the end of an e-mail's retries when an administrator sent a
  failed one again; the owed index now covers "sending", a partial index finds the e-mails that
  failed for good, and a constraint requires every "sending" row's claim.
- OrderDocument: when its latest rendering started and how many did, and a partial index of
  the pending documents that the resume task reads every minute.
Adding nullable or defaulted columns rewrites no table on PostgreSQL.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0008_viewer_scoped_numbers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='notification',
            name='orders_notification_email_status_valid',
        ),
        migrations.RemoveIndex(
            model_name='notification',
            name='orders_notification_owed',
        ),
        migrations.AddField(
            model_name='historicalorderdocument',
            name='render_attempts',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='renderings started'),
        ),
        migrations.AddField(
            model_name='historicalorderdocument',
            name='render_started_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='rendering started at'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claim',
            field=models.UUIDField(blank=True, editable=False, null=True, verbose_name='e-mail claim'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claimed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='e-mail claimed at'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_claimed_for_digest',
            field=models.BooleanField(default=False, editable=False, verbose_name='claimed for the digest'),
        ),
        migrations.AddField(
            model_name='notification',
            name='email_retry_until',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='e-mail retried until'),
        ),
        migrations.AddField(
            model_name='orderdocument',
            name='render_attempts',
            field=models.PositiveSmallIntegerField(default=0, editable=False, verbose_name='renderings started'),
        ),
        migrations.AddField(
            model_name='orderdocument',
            name='render_started_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='rendering started at'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='email_status',
            field=models.CharField(choices=[('pending', 'to send'), ('digest', 'waiting for the daily digest'), ('sending', 'being sent'), ('sent', 'sent'), ('failed', 'failed'), ('skipped', 'not sent (no e-mail wanted or no address)')], default='pending', max_length=8, verbose_name='e-mail'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_status__in', ('pending', 'digest', 'sending'))), fields=['created_at'], name='orders_notification_owed'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_status', 'failed')), fields=['created_at'], name='orders_notification_failed'),
        ),
        migrations.AddIndex(
            model_name='orderdocument',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['requested_at'], name='orders_document_pending'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('email_status__in', ['pending', 'digest', 'sending', 'sent', 'failed', 'skipped'])), name='orders_notification_email_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('email_status', 'sending'), _negated=True), models.Q(('email_claim__isnull', False), ('email_claimed_at__isnull', False)), _connector='OR'), name='orders_notification_sending_is_claimed'),
        ),
    ]
