"""Forms of the case documents: add one with its file, upload a new version, correct what is said of one.

A form checks what one field can check; the upload's rules (type from the content, name, size)
are the services' (``casework.documents.uploads``), whose refusal the view shows on the file field.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.calendars import authority_today
from casework.documents.uploads import ACCEPTED, max_upload_bytes
from casework.extensions import document_attachments
from casework.forms import DescribedChoiceField, ReasonMixin, ServiceForm, date_field, finding_label
from casework.models import CaseDocument, Confidentiality, DocumentKind, Finding, Investigation, User

ATTACH_SEPARATOR = ":"


def _accept_attribute() -> str:
    """The file picker's hint (the browser's word is never trusted: the content is checked on upload)."""
    return ",".join(dict.fromkeys(ext for accepted in ACCEPTED.values() for ext in accepted.extensions))


def _file_field(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        widget=forms.ClearableFileInput(attrs={"accept": _accept_attribute()}),
        help_text=_(
            "PDF, images (PNG, JPEG, GIF, WebP, TIFF), Word, Excel, PowerPoint, OpenDocument or plain text; at most "
            "%(limit)s. Its type is read from its content."
        )
        % {"limit": filesizeformat(max_upload_bytes())},
    )


class DocumentFieldsMixin(forms.Form):
    """What is said of a document: the same fields to add one and to correct one."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=300, help_text=_("For example Letter from counsel for the respondent.")
    )
    date = date_field(_("Date of the document"), help_text=_("The date it bears (a letter's date, a report's)."))
    author = forms.CharField(
        label=_("Author or sender"),
        max_length=200,
        required=False,
        help_text=_("Who wrote or sent it, for example the respondent's counsel."),
    )
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality mark"),
        choices=Confidentiality.choices,
        initial=Confidentiality.INTERNAL,
        help_text=_(
            "A mark for the reader. Whoever may see this investigation may open its documents: mark the "
            "investigation confidential to keep it to its assigned staff."
        ),
    )
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    finding = DescribedChoiceField(
        describe=finding_label,
        label=_("Concerns the finding"),
        queryset=Finding.objects.none(),
        required=False,
        empty_label=_("None in particular"),
    )

    def set_findings(self, investigation: Investigation) -> None:
        finding = cast(forms.ModelChoiceField, self.fields["finding"])
        finding.queryset = (
            Finding.objects.filter(participation__investigation=investigation, withdrawn_at__isnull=True)
            .select_related("statute", "participation__authority")
            .order_by("issued_on", "participation__authority__code", "statute__code", "pk")
        )


class DocumentAddForm(DocumentFieldsMixin, ServiceForm):
    service_fields = {"sha256": "file", "upload": "file"}

    file = _file_field(_("File"))
    attached_to = forms.ChoiceField(label=_("Attached to"), required=False)

    field_order = ["file", "kind", "title", "date", "author", "confidentiality", "description", "finding"]

    def __init__(self, *args: Any, investigation: Investigation, user: User, **kwargs: Any) -> None:
        today = authority_today(user.authority) if user.authority is not None else timezone.localdate()
        kwargs.setdefault("initial", {"date": today})
        super().__init__(*args, **kwargs)
        self.set_findings(investigation)
        # What other apps let a document be attached to (casework.extensions.document_attachments).
        self.attachments: dict[str, Any] = {}
        choices: list[tuple[str, Any]] = [("", _("Nothing else"))]
        for key, attachment in document_attachments.items():
            group = []
            for obj, label in attachment.choices(user, investigation):
                value = f"{key}{ATTACH_SEPARATOR}{obj.pk}"
                self.attachments[value] = obj
                group.append((value, label))
            if group:
                choices.append((attachment.label, group))
        if len(choices) > 1:
            cast(forms.ChoiceField, self.fields["attached_to"]).choices = choices
        else:
            del self.fields["attached_to"]

    def clean_attached_to(self) -> Any:
        value = self.cleaned_data.get("attached_to") or ""
        return self.attachments.get(value) if value else None


class DocumentVersionForm(ServiceForm):
    service_fields = {"sha256": "file", "upload": "file"}

    file = _file_field(_("New file"))
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        help_text=_("For example the signed copy, or the respondent's corrected letter."),
    )


class DocumentEditForm(ReasonMixin, DocumentFieldsMixin, ServiceForm):
    def __init__(self, *args: Any, document: CaseDocument, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(document, name) for name in DocumentFieldsMixin.base_fields})
        super().__init__(*args, **kwargs)
        self.set_findings(document.investigation)
