"""Reference data: jurisdictions, privacy authorities and the statutes they enforce.

These rows are managed by administrators in the admin site, so they are written
with the ORM rather than through the casework services, but idempotently: a row
is created when missing and only the fields whose values differ are updated.
``Authority`` keeps a history, so a needless ``save()`` would itself be a change.

Sources: ``shared/domain.md`` (the Clearview authorities, with links), the
authorities' own sites and the statutes. Where a power or a fine could not be
established, the ``powers`` text says "unverified" instead of giving a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction

from casework.demo.calendars import load_proclaimed_days
from casework.models import Authority, Jurisdiction, Statute

CANADIAN_PROVINCES_AND_TERRITORIES = (
    "AB",
    "BC",
    "MB",
    "NB",
    "NL",
    "NS",
    "NT",
    "NU",
    "ON",
    "PE",
    "QC",
    "SK",
    "YT",
)

# Statutes that are no longer in force; kept because past investigations apply them,
# but the synthetic generator does not apply them to new investigations.
REPEALED_STATUTES = frozenset({"FOIP-AB"})


@dataclass(frozen=True)
class JurisdictionSpec:
    code: str
    name_en: str
    name_fr: str
    time_zone: str
    official_languages: tuple[str, ...]
    parent: str | None = None
    # The statutory calendar file (casework/calendars/data/<code>.toml); by default the jurisdiction's own code.
    calendar: str | None = None

    @property
    def legal_calendar(self) -> str:
        return self.code if self.calendar is None else self.calendar


@dataclass(frozen=True)
class AuthoritySpec:
    code: str
    name_en: str
    name_fr: str
    jurisdiction: str
    can_issue_orders: bool
    powers: str
    issues_in: tuple[str, ...]
    max_fine: Decimal | None = None
    max_fine_currency: str = ""
    max_fine_note: str = ""
    order_number_format: str = ""
    website: str = ""
    address: str = ""
    signatory_name: str = ""
    signatory_title_en: str = ""
    signatory_title_fr: str = ""
    # The provision under which judicial review brought in time stays the authority's orders (docs/legal-calendars.md).
    judicial_review_stay: str = ""
    judicial_review_stay_fr: str = ""


@dataclass(frozen=True)
class StatuteSpec:
    code: str
    short_name: str
    title_en: str
    citation: str
    jurisdiction: str
    sector: str
    enforced_by: tuple[str, ...]
    title_fr: str = ""
    url: str = ""


# --- Jurisdictions -------------------------------------------------------------------
# Each jurisdiction's deadlines are counted in its statutory calendar (casework/calendars/data/).
# Official languages are limited to the codes the model knows (LANGUAGE_CODES).
EN = ("en",)
EN_FR = ("en", "fr")

JURISDICTIONS: tuple[JurisdictionSpec, ...] = (
    JurisdictionSpec("CA", "Canada", "Canada", "America/Toronto", EN_FR),
    JurisdictionSpec("CA-AB", "Alberta", "Alberta", "America/Edmonton", EN, "CA"),
    JurisdictionSpec("CA-BC", "British Columbia", "Colombie-Britannique", "America/Vancouver", EN, "CA"),
    # Manitoba's laws are enacted in English and French (Manitoba Act, 1870, s. 23).
    JurisdictionSpec("CA-MB", "Manitoba", "Manitoba", "America/Winnipeg", EN_FR, "CA"),
    JurisdictionSpec("CA-NB", "New Brunswick", "Nouveau-Brunswick", "America/Moncton", EN_FR, "CA"),
    JurisdictionSpec("CA-NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador", "America/St_Johns", EN, "CA"),
    JurisdictionSpec("CA-NS", "Nova Scotia", "Nouvelle-Écosse", "America/Halifax", EN, "CA"),
    # The Northwest Territories have eleven official languages and Nunavut four
    # (Inuktut among them); the model only knows English and French of these.
    JurisdictionSpec("CA-NT", "Northwest Territories", "Territoires du Nord-Ouest", "America/Yellowknife", EN_FR, "CA"),
    JurisdictionSpec("CA-NU", "Nunavut", "Nunavut", "America/Iqaluit", EN_FR, "CA"),
    JurisdictionSpec("CA-ON", "Ontario", "Ontario", "America/Toronto", EN, "CA"),
    JurisdictionSpec("CA-PE", "Prince Edward Island", "Île-du-Prince-Édouard", "America/Halifax", EN, "CA"),
    JurisdictionSpec("CA-QC", "Quebec", "Québec", "America/Toronto", ("fr",), "CA"),
    JurisdictionSpec("CA-SK", "Saskatchewan", "Saskatchewan", "America/Regina", EN, "CA"),
    JurisdictionSpec("CA-YT", "Yukon", "Yukon", "America/Whitehorse", EN_FR, "CA"),
    # The OAIC sits in Sydney: the Acts Interpretation Act 1901 takes the holidays of the place, New South Wales.
    JurisdictionSpec("AU", "Australia", "Australie", "Australia/Sydney", EN),
    # The ICO sits in Wilmslow, England: the bank holidays of England and Wales.
    JurisdictionSpec("GB", "United Kingdom", "Royaume-Uni", "Europe/London", EN),
    JurisdictionSpec("FR", "France", "France", "Europe/Paris", ("fr",)),
    JurisdictionSpec("IT", "Italy", "Italie", "Europe/Rome", ("it",)),
    JurisdictionSpec("GR", "Greece", "Grèce", "Europe/Athens", ("el",)),
    JurisdictionSpec("NL", "Netherlands", "Pays-Bas", "Europe/Amsterdam", ("nl",)),
    JurisdictionSpec("AT", "Austria", "Autriche", "Europe/Vienna", ("de",)),
    JurisdictionSpec("SE", "Sweden", "Suède", "Europe/Stockholm", ("sv",)),
    # No national calendar: GDPR deadlines are counted in each authority's own one.
    # The EU has 24 official languages; these are the ones the model knows.
    JurisdictionSpec(
        "EU",
        "European Union",
        "Union européenne",
        "Europe/Brussels",
        ("en", "fr", "de", "el", "it", "nl", "sv"),
        calendar="",
    ),
)

# --- Authorities ---------------------------------------------------------------------
GDPR_FINE = Decimal("20000000")
GDPR_FINE_NOTE = "GDPR art. 83(5): up to €20 million or 4 % of worldwide annual turnover, whichever is higher."
GDPR_POWERS = (
    "Corrective powers under GDPR art. 58(2): warnings, reprimands, orders to bring processing into compliance, "
    "temporary or definitive bans, orders to erase data; administrative fines under art. 83. "
    "Competent for its own territory only when the controller has no establishment in the EU (as for Clearview AI)."
)
COMMISSIONER_EN = "Information and Privacy Commissioner"
# BC PIPA s 53: an order must be complied with within 30 days (PIPA "days": no Saturdays or holidays) of being given a
# copy, unless an application for judicial review is brought before that period ends; such an application stays
# the order from the day it is brought until a court orders otherwise (docs/legal-calendars.md cites the text).
BC_PIPA_STAY = "Personal Information Protection Act, SBC 2003, c 63, s 53(2)"
BC_PIPA_STAY_FR = "Personal Information Protection Act, SBC 2003, c 63, par. 53(2)"
COMMISSIONER_FR = "Commissaire à l'information et à la protection de la vie privée"

AUTHORITIES: tuple[AuthoritySpec, ...] = (
    AuthoritySpec(
        code="OPC",
        name_en="Office of the Privacy Commissioner of Canada",
        name_fr="Commissariat à la protection de la vie privée du Canada",
        jurisdiction="CA",
        can_issue_orders=False,
        powers=(
            "PIPEDA (private sector): investigates complaints and may initiate an investigation itself "
            "(s. 11(2)); issues findings and recommendations only, with no order-making power. May apply to the "
            "Federal Court (ss. 14–15) or enter into a compliance agreement (s. 17.1). "
            "Privacy Act (federal institutions): findings and recommendations, likewise without orders."
        ),
        issues_in=EN_FR,
        max_fine=Decimal("100000"),
        max_fine_currency="CAD",
        max_fine_note=(
            "PIPEDA s. 28 offences, prosecuted in court: up to $10,000 on summary conviction, $100,000 on "
            "indictment. The OPC itself cannot fine."
        ),
        website="https://www.priv.gc.ca/",
        address="30 Victoria Street\nGatineau, Quebec  K1A 1H3",
    ),
    AuthoritySpec(
        code="CAI",
        name_en="Commission d'accès à l'information du Québec",
        name_fr="Commission d'accès à l'information du Québec",
        jurisdiction="CA-QC",
        can_issue_orders=True,
        powers=(
            "Investigates (enquête) and makes binding orders under the private-sector act (CQLR c P-39.1) and the "
            "public-sector access act (CQLR c A-2.1); applies the IT framework act's biometrics rules (CQLR c C-1.1, "
            "ss. 44–45). Since 2023-09-22 (Law 25) may impose administrative monetary penalties. Decides in French."
        ),
        issues_in=("fr",),
        max_fine=Decimal("10000000"),
        max_fine_currency="CAD",
        max_fine_note=(
            "Administrative monetary penalty since 2023-09-22: up to $10M or 2 % of worldwide turnover, whichever "
            "is greater. Penal fines imposed by the courts: up to $25M or 4 %."
        ),
        website="https://www.cai.gouv.qc.ca/",
        address="525, boulevard René-Lévesque Est, bureau 2.36\nQuébec (Québec)  G1R 5S9",
        # The signatory of decision 1023158-S (Clearview AI, 2021-12-14).
        signatory_name="Me Diane Poitras",
        signatory_title_en="Member",
        signatory_title_fr="membre",
    ),
    AuthoritySpec(
        code="OIPC-BC",
        name_en="Office of the Information and Privacy Commissioner for British Columbia",
        name_fr="Commissariat à l'information et à la protection de la vie privée de la Colombie-Britannique",
        jurisdiction="CA-BC",
        can_issue_orders=True,
        powers=(
            "Investigates and mediates; holds inquiries and makes binding orders under PIPA s. 52 (private sector) "
            "and under FIPPA (public sector). An order must be complied with within 30 days — PIPA 'days' exclude "
            "Saturdays and holidays — unless judicial review is brought within that time."
        ),
        issues_in=EN,
        max_fine=Decimal("100000"),
        max_fine_currency="CAD",
        max_fine_note="PIPA s. 56: an offence prosecuted in court; an organization is liable to up to $100,000.",
        order_number_format="P{yy}-{seq:02d}",
        website="https://www.oipc.bc.ca/",
        # The signatory of Order P21-08 (Clearview AI, 2021-12-14).
        signatory_name="Michael McEvoy",
        signatory_title_en=COMMISSIONER_EN,
        signatory_title_fr=COMMISSIONER_FR,
        judicial_review_stay=BC_PIPA_STAY,
        judicial_review_stay_fr=BC_PIPA_STAY_FR,
    ),
    AuthoritySpec(
        code="OIPC-AB",
        name_en="Office of the Information and Privacy Commissioner of Alberta",
        name_fr="Commissariat à l'information et à la protection de la vie privée de l'Alberta",
        jurisdiction="CA-AB",
        can_issue_orders=True,
        powers=(
            "Investigates; after an inquiry, makes binding orders under PIPA s. 52 (private sector), the Health "
            "Information Act, and the public-sector acts (the Access to Information Act and the Protection of Privacy "
            "Act, which replaced the FOIP Act on 2025-06-11). Judicial review of an order must be filed within 45 "
            "days of receiving it."
        ),
        issues_in=EN,
        max_fine=Decimal("100000"),
        max_fine_currency="CAD",
        max_fine_note="PIPA: an offence prosecuted in court; an organization is liable to up to $100,000.",
        order_number_format="P{yyyy}-{seq:02d}",
        website="https://oipc.ab.ca/",
        # The signatory of Order P2021-12 (Clearview AI, dated 2021-12-07).
        signatory_name="Jill Clayton",
        signatory_title_en=COMMISSIONER_EN,
        signatory_title_fr=COMMISSIONER_FR,
    ),
    AuthoritySpec(
        code="IPC-ON",
        name_en="Information and Privacy Commissioner of Ontario",
        name_fr="Commissaire à l'information et à la protection de la vie privée de l'Ontario",
        jurisdiction="CA-ON",
        can_issue_orders=True,
        powers=(
            "Binding orders on access appeals under FIPPA and MFIPPA, and orders under PHIPA (health information "
            "custodians). Since 2024-01-01 may impose administrative monetary penalties under PHIPA. Privacy "
            "complaints under MFIPPA end in recommendations. Bill 194 (Royal Assent 2024-11-25) gave the "
            "Commissioner investigative and order-making powers over privacy under FIPPA, largely in force "
            "2025-07-01 (their exact scope: unverified). PHIPA offence fines: unverified."
        ),
        # Its orders are issued in the language of the appeal, some in French only.
        issues_in=EN_FR,
        max_fine=Decimal("500000"),
        max_fine_currency="CAD",
        max_fine_note=(
            "PHIPA administrative monetary penalty (O. Reg. 329/04, since 2024-01-01): up to $50,000 for an "
            "individual, $500,000 for an organization, plus any economic benefit derived from the contravention."
        ),
        website="https://www.ipc.on.ca/",
    ),
    AuthoritySpec(
        code="OIPC-SK",
        name_en="Office of the Saskatchewan Information and Privacy Commissioner",
        name_fr="Commissariat à l'information et à la protection de la vie privée de la Saskatchewan",
        jurisdiction="CA-SK",
        can_issue_orders=False,
        powers=(
            "Reviews and investigates under FOIP, LA FOIP and HIPA and issues reports with findings and "
            "recommendations (FOIP s. 33: may recommend that a practice cease and that information collected in "
            "contravention be destroyed). The government institution must say whether it will comply (FOIP s. 56); "
            "an applicant may then appeal to the Court of King's Bench, which decides anew. No order-making power. "
            "Offence fines under these acts: unverified."
        ),
        issues_in=EN,
        website="https://oipc.sk.ca/",
    ),
    AuthoritySpec(
        code="OMB-MB",
        name_en="Manitoba Ombudsman",
        name_fr="Ombudsman du Manitoba",
        jurisdiction="CA-MB",
        can_issue_orders=False,
        powers=(
            "Investigates access and privacy complaints under FIPPA and PHIA and makes recommendations; the public "
            "body must respond. Cannot order compliance: where a recommendation is not acted on, the Ombudsman may "
            "refer the matter to the Information and Privacy Adjudicator (a separate office), who may make a binding "
            "order, subject to judicial review. Offence fines: unverified."
        ),
        issues_in=EN,
        website="https://www.ombudsman.mb.ca/",
    ),
    AuthoritySpec(
        # The Ombud took over access and privacy oversight in June 2019 (S.N.B. 2019, c. 19) from the
        # Integrity Commissioner, who had held it since 2017-09-01 after the former Access to Information
        # and Privacy Commissioner. Hence OMB-NB rather than IC-NB.
        code="OMB-NB",
        name_en="Ombud New Brunswick (Access and Privacy Division)",
        name_fr="Ombud Nouveau-Brunswick (accès à l'information et protection de la vie privée)",
        jurisdiction="CA-NB",
        can_issue_orders=False,
        powers=(
            "Oversees RTIPPA and PHIPAA since June 2019 (before: the Integrity Commissioner, from 2017-09-01). "
            "Power of recommendation only. Under RTIPPA an applicant may instead take some matters to a judge of the "
            "Court of King's Bench. Offence fines: unverified."
        ),
        issues_in=EN_FR,
        website="https://ombudnb-aip-aivp.ca/",
    ),
    AuthoritySpec(
        code="OIPC-NS",
        name_en="Office of the Information and Privacy Commissioner for Nova Scotia",
        name_fr="Commissariat à l'information et à la protection de la vie privée de la Nouvelle-Écosse",
        jurisdiction="CA-NS",
        can_issue_orders=False,
        powers=(
            "Reviews and investigates under FOIPOP, Part XX of the Municipal Government Act and PHIA, and issues "
            "reports with recommendations; no order-making power under these acts. A new Freedom of Information "
            "and Protection of Privacy Act (Bill 150, passed 2025-10-03) replaces FOIPOP from 2027-04-01; whether "
            "it gives the Commissioner order-making power: unverified. Offence fines: unverified."
        ),
        issues_in=EN,
        website="https://oipc.novascotia.ca/",
    ),
    AuthoritySpec(
        code="OIPC-PE",
        name_en="Office of the Information and Privacy Commissioner of Prince Edward Island",
        name_fr="Commissariat à l'information et à la protection de la vie privée de l'Île-du-Prince-Édouard",
        jurisdiction="CA-PE",
        can_issue_orders=True,
        powers=(
            "Reviews access decisions and privacy complaints under the FOIPP Act and makes binding orders (published "
            "as Order No. FI-… for access and PP-… for privacy; the exact numbering format: unverified). Also "
            "oversees the Health Information Act (its powers there: unverified). Offence fines: unverified."
        ),
        issues_in=EN,
    ),
    AuthoritySpec(
        code="OIPC-NL",
        name_en="Office of the Information and Privacy Commissioner of Newfoundland and Labrador",
        name_fr="Commissariat à l'information et à la protection de la vie privée de Terre-Neuve-et-Labrador",
        jurisdiction="CA-NL",
        can_issue_orders=False,
        powers=(
            "Makes recommendations, not orders, under ATIPPA, 2015 (s. 47) and PHIA (s. 72(2)). Under ATIPPA the head "
            "of a public body must comply with an access or correction recommendation or, within 10 business days, "
            "apply to the Trial Division for a declaration that it need not (s. 50); failing either, the Commissioner "
            "may file an order with the Trial Division, enforceable as a judgment of the court (s. 51). "
            "Offence fines: unverified."
        ),
        issues_in=EN,
        website="https://www.oipc.nl.ca/",
    ),
    AuthoritySpec(
        code="IPC-YT",
        name_en="Yukon Information and Privacy Commissioner",
        name_fr="Commissaire à l'information et à la protection de la vie privée du Yukon",
        jurisdiction="CA-YT",
        can_issue_orders=False,
        powers=(
            "The same person is the Yukon Ombudsman. Investigates and adjudicates under ATIPPA (2018, in force "
            "2021-04-01) and HIPMA: findings of fact and law bind public bodies and custodians, but the remedy is a "
            "recommendation that a public body may reject, after which the matter may go to the Supreme Court of "
            "Yukon (ATIPPA s. 105). Offence fines: unverified."
        ),
        issues_in=EN,
        website="https://www.yukonombudsman.ca/",
    ),
    AuthoritySpec(
        code="IPC-NT",
        name_en="Information and Privacy Commissioner of the Northwest Territories",
        name_fr="Commissaire à l'information et à la protection de la vie privée des Territoires du Nord-Ouest",
        jurisdiction="CA-NT",
        can_issue_orders=True,
        powers=(
            "Order-making power under the ATIPP Act since the amendments in force on 2021-07-30, which also allow "
            "reviews on the Commissioner's own initiative. Under the Health Information Act: recommendations "
            "(unverified). Offence fines: unverified."
        ),
        issues_in=EN,
    ),
    AuthoritySpec(
        code="IPC-NU",
        name_en="Information and Privacy Commissioner of Nunavut",
        name_fr="Commissaire à l'information et à la protection de la vie privée du Nunavut",
        jurisdiction="CA-NU",
        can_issue_orders=False,
        powers=(
            "Recommendations only under the ATIPP Act; the Government of Nunavut may decline them (the Commissioner "
            "asked for order-making power in 2022). Knowingly contravening the privacy rules is an offence (s. 59); "
            "its fine: unverified."
        ),
        issues_in=EN,
    ),
    AuthoritySpec(
        code="OAIC",
        name_en="Office of the Australian Information Commissioner",
        name_fr="Bureau du commissaire australien à l'information",
        jurisdiction="AU",
        can_issue_orders=True,
        powers=(
            "Investigates and makes determinations under s. 52 of the Privacy Act 1988 (declarations that conduct "
            "must not be repeated or continued, that information be destroyed, compensation); determinations are "
            "enforced through the Federal Court (s. 55A). Applies to the Federal Court for civil penalties."
        ),
        issues_in=EN,
        max_fine=Decimal("50000000"),
        max_fine_currency="AUD",
        max_fine_note=(
            "Civil penalty ordered by the Federal Court on the OAIC's application (serious interference with "
            "privacy, since 2022-12-13): the greatest of AUD 50M, three times the benefit, or 30 % of adjusted "
            "turnover."
        ),
        website="https://www.oaic.gov.au/",
    ),
    AuthoritySpec(
        code="ICO",
        name_en="Information Commissioner's Office",
        name_fr="Bureau du commissaire à l'information (Royaume-Uni)",
        jurisdiction="GB",
        can_issue_orders=True,
        powers=(
            "Information, assessment, enforcement and penalty notices under the UK GDPR and the Data Protection Act "
            "2018. Appeals go to the First-tier Tribunal (Information Rights), then the Upper Tribunal."
        ),
        issues_in=EN,
        max_fine=Decimal("17500000"),
        max_fine_currency="GBP",
        max_fine_note=(
            "UK GDPR / DPA 2018: up to £17.5 million or 4 % of worldwide annual turnover, whichever is higher."
        ),
        website="https://ico.org.uk/",
    ),
    AuthoritySpec(
        code="CNIL",
        name_en="National Commission on Informatics and Liberty (CNIL)",
        name_fr="Commission nationale de l'informatique et des libertés",
        jurisdiction="FR",
        can_issue_orders=True,
        powers=(
            GDPR_POWERS + " Formal notices (mises en demeure) by its president; sanctions by its restricted committee "
            "(formation restreinte), including injunctions with a daily penalty (astreinte)."
        ),
        issues_in=("fr",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.cnil.fr/",
    ),
    AuthoritySpec(
        code="GARANTE",
        name_en="Italian Data Protection Authority (Garante per la protezione dei dati personali)",
        name_fr="Autorité italienne de protection des données (Garante per la protezione dei dati personali)",
        jurisdiction="IT",
        can_issue_orders=True,
        powers=GDPR_POWERS,
        issues_in=("it",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.garanteprivacy.it/",
    ),
    AuthoritySpec(
        code="HDPA",
        name_en="Hellenic Data Protection Authority",
        name_fr="Autorité hellénique de protection des données",
        jurisdiction="GR",
        can_issue_orders=True,
        powers=GDPR_POWERS,
        issues_in=("el",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.dpa.gr/",
    ),
    AuthoritySpec(
        code="AP",
        name_en="Dutch Data Protection Authority (Autoriteit Persoonsgegevens)",
        name_fr="Autorité néerlandaise de protection des données (Autoriteit Persoonsgegevens)",
        jurisdiction="NL",
        can_issue_orders=True,
        powers=GDPR_POWERS + " Orders may carry a penalty for non-compliance (last onder dwangsom).",
        issues_in=("nl",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.autoriteitpersoonsgegevens.nl/",
    ),
    AuthoritySpec(
        code="DSB",
        name_en="Austrian Data Protection Authority (Datenschutzbehörde)",
        name_fr="Autorité autrichienne de protection des données (Datenschutzbehörde)",
        jurisdiction="AT",
        can_issue_orders=True,
        powers=GDPR_POWERS,
        issues_in=("de",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.dsb.gv.at/",
    ),
    AuthoritySpec(
        code="IMY",
        name_en="Swedish Authority for Privacy Protection (Integritetsskyddsmyndigheten)",
        name_fr="Autorité suédoise de protection de la vie privée (Integritetsskyddsmyndigheten)",
        jurisdiction="SE",
        can_issue_orders=True,
        powers=GDPR_POWERS,
        issues_in=("sv",),
        max_fine=GDPR_FINE,
        max_fine_currency="EUR",
        max_fine_note=GDPR_FINE_NOTE,
        website="https://www.imy.se/",
    ),
)

# --- Statutes --------------------------------------------------------------------------
PRIVATE = Statute.Sector.PRIVATE
PUBLIC = Statute.Sector.PUBLIC
HEALTH = Statute.Sector.HEALTH
GENERAL = Statute.Sector.GENERAL
ATIPP_FR = "Loi sur l'accès à l'information et la protection de la vie privée"

STATUTES: tuple[StatuteSpec, ...] = (
    # Federal
    StatuteSpec(
        "PIPEDA",
        "PIPEDA",
        "Personal Information Protection and Electronic Documents Act",
        "S.C. 2000, c. 5",
        "CA",
        PRIVATE,
        ("OPC",),
        title_fr="Loi sur la protection des renseignements personnels et les documents électroniques",
        url="https://laws-lois.justice.gc.ca/eng/acts/P-8.6/",
    ),
    StatuteSpec(
        "PRIVACY-ACT",
        "Privacy Act",
        "Privacy Act",
        "R.S.C. 1985, c. P-21",
        "CA",
        PUBLIC,
        ("OPC",),
        title_fr="Loi sur la protection des renseignements personnels",
        url="https://laws-lois.justice.gc.ca/eng/acts/P-21/",
    ),
    # British Columbia
    StatuteSpec(
        "PIPA-BC",
        "PIPA (BC)",
        "Personal Information Protection Act",
        "S.B.C. 2003, c. 63",
        "CA-BC",
        PRIVATE,
        ("OIPC-BC",),
        url="https://www.bclaws.gov.bc.ca/civix/document/id/complete/statreg/03063_01",
    ),
    StatuteSpec(
        "FIPPA-BC",
        "FIPPA (BC)",
        "Freedom of Information and Protection of Privacy Act",
        "R.S.B.C. 1996, c. 165",
        "CA-BC",
        PUBLIC,
        ("OIPC-BC",),
        url="https://www.bclaws.gov.bc.ca/civix/document/id/complete/statreg/96165_00",
    ),
    # Alberta
    StatuteSpec(
        "PIPA-AB",
        "PIPA (Alberta)",
        "Personal Information Protection Act",
        "S.A. 2003, c. P-6.5",
        "CA-AB",
        PRIVATE,
        ("OIPC-AB",),
    ),
    StatuteSpec(
        "FOIP-AB",
        "FOIP Act (Alberta)",
        "Freedom of Information and Protection of Privacy Act (repealed 2025-06-11)",
        "R.S.A. 2000, c. F-25",
        "CA-AB",
        PUBLIC,
        ("OIPC-AB",),
    ),
    StatuteSpec(
        "POPA-AB",
        "Protection of Privacy Act (Alberta)",
        "Protection of Privacy Act",
        # Its chapter number in the Statutes of Alberta could not be confirmed.
        "Bill 33 (2024), in force 2025-06-11",
        "CA-AB",
        PUBLIC,
        ("OIPC-AB",),
    ),
    StatuteSpec(
        "HIA-AB",
        "HIA (Alberta)",
        "Health Information Act",
        "R.S.A. 2000, c. H-5",
        "CA-AB",
        HEALTH,
        ("OIPC-AB",),
    ),
    # Quebec
    StatuteSpec(
        "QC-PRIVATE-SECTOR",
        "Private Sector Act (Quebec)",
        "Act respecting the protection of personal information in the private sector",
        "CQLR c P-39.1",
        "CA-QC",
        PRIVATE,
        ("CAI",),
        title_fr="Loi sur la protection des renseignements personnels dans le secteur privé",
        url="https://www.legisquebec.gouv.qc.ca/en/document/cs/P-39.1",
    ),
    StatuteSpec(
        "QC-IT-FRAMEWORK",
        "IT Framework Act (Quebec)",
        "Act to establish a legal framework for information technology",
        "CQLR c C-1.1",
        "CA-QC",
        GENERAL,
        ("CAI",),
        title_fr="Loi concernant le cadre juridique des technologies de l'information",
        url="https://www.legisquebec.gouv.qc.ca/en/document/cs/C-1.1",
    ),
    StatuteSpec(
        "QC-PUBLIC-SECTOR",
        "Access Act (Quebec)",
        "Act respecting Access to documents held by public bodies and the Protection of personal information",
        "CQLR c A-2.1",
        "CA-QC",
        PUBLIC,
        ("CAI",),
        title_fr="Loi sur l'accès aux documents des organismes publics et sur la protection des renseignements "
        "personnels",
        url="https://www.legisquebec.gouv.qc.ca/en/document/cs/A-2.1",
    ),
    # Ontario
    StatuteSpec(
        "FIPPA-ON",
        "FIPPA (Ontario)",
        "Freedom of Information and Protection of Privacy Act",
        "R.S.O. 1990, c. F.31",
        "CA-ON",
        PUBLIC,
        ("IPC-ON",),
        title_fr=ATIPP_FR,
        url="https://www.ontario.ca/laws/statute/90f31",
    ),
    StatuteSpec(
        "MFIPPA-ON",
        "MFIPPA (Ontario)",
        "Municipal Freedom of Information and Protection of Privacy Act",
        "R.S.O. 1990, c. M.56",
        "CA-ON",
        PUBLIC,
        ("IPC-ON",),
        title_fr="Loi sur l'accès à l'information municipale et la protection de la vie privée",
        url="https://www.ontario.ca/laws/statute/90m56",
    ),
    StatuteSpec(
        "PHIPA-ON",
        "PHIPA (Ontario)",
        "Personal Health Information Protection Act, 2004",
        "S.O. 2004, c. 3, Sched. A",
        "CA-ON",
        HEALTH,
        ("IPC-ON",),
        title_fr="Loi de 2004 sur la protection des renseignements personnels sur la santé",
        url="https://www.ontario.ca/laws/statute/04p03",
    ),
    # Saskatchewan
    StatuteSpec(
        "FOIP-SK",
        "FOIP (Saskatchewan)",
        "The Freedom of Information and Protection of Privacy Act",
        "S.S. 1990-91, c. F-22.01",
        "CA-SK",
        PUBLIC,
        ("OIPC-SK",),
    ),
    StatuteSpec(
        "LA-FOIP-SK",
        "LA FOIP (Saskatchewan)",
        "The Local Authority Freedom of Information and Protection of Privacy Act",
        "S.S. 1990-91, c. L-27.1",
        "CA-SK",
        PUBLIC,
        ("OIPC-SK",),
    ),
    StatuteSpec(
        "HIPA-SK",
        "HIPA (Saskatchewan)",
        "The Health Information Protection Act",
        "S.S. 1999, c. H-0.021",
        "CA-SK",
        HEALTH,
        ("OIPC-SK",),
    ),
    # Manitoba
    StatuteSpec(
        "FIPPA-MB",
        "FIPPA (Manitoba)",
        "The Freedom of Information and Protection of Privacy Act",
        "C.C.S.M. c. F175",
        "CA-MB",
        PUBLIC,
        ("OMB-MB",),
        title_fr=ATIPP_FR,
    ),
    StatuteSpec(
        "PHIA-MB",
        "PHIA (Manitoba)",
        "The Personal Health Information Act",
        "C.C.S.M. c. P33.5",
        "CA-MB",
        HEALTH,
        ("OMB-MB",),
        title_fr="Loi sur les renseignements médicaux personnels",
    ),
    # New Brunswick
    StatuteSpec(
        "RTIPPA-NB",
        "RTIPPA (New Brunswick)",
        "Right to Information and Protection of Privacy Act",
        "S.N.B. 2009, c. R-10.6",
        "CA-NB",
        PUBLIC,
        ("OMB-NB",),
        title_fr="Loi sur le droit à l'information et la protection de la vie privée",
        url="https://laws.gnb.ca/en/document/cs/R-10.6",
    ),
    StatuteSpec(
        "PHIPAA-NB",
        "PHIPAA (New Brunswick)",
        "Personal Health Information Privacy and Access Act",
        "S.N.B. 2009, c. P-7.05",
        "CA-NB",
        HEALTH,
        ("OMB-NB",),
        title_fr="Loi sur l'accès et la protection en matière de renseignements personnels sur la santé",
    ),
    # Nova Scotia
    StatuteSpec(
        "FOIPOP-NS",
        "FOIPOP (Nova Scotia)",
        "Freedom of Information and Protection of Privacy Act",
        "S.N.S. 1993, c. 5",
        "CA-NS",
        PUBLIC,
        ("OIPC-NS",),
    ),
    StatuteSpec(
        "PHIA-NS",
        "PHIA (Nova Scotia)",
        "Personal Health Information Act",
        "S.N.S. 2010, c. 41",
        "CA-NS",
        HEALTH,
        ("OIPC-NS",),
    ),
    # Prince Edward Island
    StatuteSpec(
        "FOIPP-PE",
        "FOIPP Act (PEI)",
        "Freedom of Information and Protection of Privacy Act",
        "R.S.P.E.I. 1988, c. F-15.01",
        "CA-PE",
        PUBLIC,
        ("OIPC-PE",),
    ),
    StatuteSpec(
        "HIA-PE",
        "HIA (PEI)",
        "Health Information Act",
        "R.S.P.E.I. 1988, c. H-1.41",
        "CA-PE",
        HEALTH,
        ("OIPC-PE",),
    ),
    # Newfoundland and Labrador
    StatuteSpec(
        "ATIPPA-NL",
        "ATIPPA, 2015 (NL)",
        "Access to Information and Protection of Privacy Act, 2015",
        "S.N.L. 2015, c. A-1.2",
        "CA-NL",
        PUBLIC,
        ("OIPC-NL",),
    ),
    StatuteSpec(
        "PHIA-NL",
        "PHIA (NL)",
        "Personal Health Information Act",
        "S.N.L. 2008, c. P-7.01",
        "CA-NL",
        HEALTH,
        ("OIPC-NL",),
    ),
    # Yukon
    StatuteSpec(
        "ATIPPA-YT",
        "ATIPPA (Yukon)",
        "Access to Information and Protection of Privacy Act",
        "S.Y. 2018, c. 9",
        "CA-YT",
        PUBLIC,
        ("IPC-YT",),
        title_fr=ATIPP_FR,
    ),
    StatuteSpec(
        "HIPMA-YT",
        "HIPMA (Yukon)",
        "Health Information Privacy and Management Act",
        "S.Y. 2013, c. 16",
        "CA-YT",
        HEALTH,
        ("IPC-YT",),
    ),
    # Northwest Territories
    StatuteSpec(
        "ATIPP-NT",
        "ATIPP Act (NWT)",
        "Access to Information and Protection of Privacy Act",
        "S.N.W.T. 1994, c. 20",
        "CA-NT",
        PUBLIC,
        ("IPC-NT",),
        title_fr=ATIPP_FR,
    ),
    StatuteSpec(
        "HIA-NT",
        "HIA (NWT)",
        "Health Information Act",
        "S.N.W.T. 2014, c. 2",
        "CA-NT",
        HEALTH,
        ("IPC-NT",),
    ),
    # Nunavut kept the NWT act of 1994 at division, amended since by Nunavut statutes.
    StatuteSpec(
        "ATIPP-NU",
        "ATIPP Act (Nunavut)",
        "Access to Information and Protection of Privacy Act",
        "S.N.W.T. (Nu) 1994, c. 20",
        "CA-NU",
        PUBLIC,
        ("IPC-NU",),
        title_fr=ATIPP_FR,
    ),
    # Foreign
    StatuteSpec(
        "AU-PRIVACY-ACT",
        "Privacy Act 1988 (Cth)",
        "Privacy Act 1988",
        "Privacy Act 1988 (Cth), No. 119, 1988",
        "AU",
        GENERAL,
        ("OAIC",),
        url="https://www.legislation.gov.au/C2004A03712/latest",
    ),
    StatuteSpec(
        "UK-GDPR",
        "UK GDPR",
        "United Kingdom General Data Protection Regulation",
        "Regulation (EU) 2016/679 as retained in UK law by the European Union (Withdrawal) Act 2018",
        "GB",
        GENERAL,
        ("ICO",),
        url="https://www.legislation.gov.uk/eur/2016/679/contents",
    ),
    StatuteSpec(
        "DPA-2018",
        "DPA 2018",
        "Data Protection Act 2018",
        "2018 c. 12",
        "GB",
        GENERAL,
        ("ICO",),
        url="https://www.legislation.gov.uk/ukpga/2018/12/contents",
    ),
    StatuteSpec(
        "GDPR",
        "GDPR",
        "General Data Protection Regulation",
        "Regulation (EU) 2016/679",
        "EU",
        GENERAL,
        ("CNIL", "GARANTE", "HDPA", "AP", "DSB", "IMY"),
        title_fr="Règlement général sur la protection des données",
        url="https://eur-lex.europa.eu/eli/reg/2016/679/oj",
    ),
    StatuteSpec(
        "FR-LIL",
        "Loi Informatique et Libertés",
        "Act No. 78-17 of 6 January 1978 on information technology, data files and civil liberties",
        "Loi n° 78-17 du 6 janvier 1978",
        "FR",
        GENERAL,
        ("CNIL",),
        title_fr="Loi n° 78-17 du 6 janvier 1978 relative à l'informatique, aux fichiers et aux libertés",
    ),
)


M = TypeVar("M", bound=models.Model)


def _sync(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """The row matching ``lookup``, created with ``values`` or brought up to date with them.

    Only the fields that differ are saved, so an unchanged row is not written at all
    (for ``Authority`` a save would add a history row even when nothing changed).
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "reference data loaded"  # type: ignore[attr-defined]  # read by simple_history
        obj.full_clean()
        obj.save()
        return obj
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj._change_reason = "reference data updated"  # type: ignore[attr-defined]
        obj.full_clean()
        # update_fields takes field names, not attnames such as jurisdiction_id.
        obj.save(update_fields=[model._meta.get_field(field).name for field in changed])
    return obj


@transaction.atomic
def load_reference_data() -> None:
    """Create or update the jurisdictions, then the authorities, then the statutes and who enforces them.

    Last, the days proclaimed once (a day of mourning), listed in the statutory
    calendar files, become holiday adjustments (``casework.demo.calendars``).
    """
    jurisdictions: dict[str, Jurisdiction] = {}
    # Parents come first in JURISDICTIONS, so their primary keys are known here.
    for j in JURISDICTIONS:
        jurisdictions[j.code] = _sync(
            Jurisdiction,
            {"code": j.code},
            {
                "name_en": j.name_en,
                "name_fr": j.name_fr,
                "parent_id": jurisdictions[j.parent].pk if j.parent else None,
                "time_zone": j.time_zone,
                "legal_calendar": j.legal_calendar,
                "official_languages": list(j.official_languages),
            },
        )

    authorities: dict[str, Authority] = {}
    for a in AUTHORITIES:
        authorities[a.code] = _sync(
            Authority,
            {"code": a.code},
            {
                "name_en": a.name_en,
                "name_fr": a.name_fr,
                "jurisdiction_id": jurisdictions[a.jurisdiction].pk,
                "can_issue_orders": a.can_issue_orders,
                "powers": a.powers,
                "max_fine": a.max_fine,
                "max_fine_currency": a.max_fine_currency,
                "max_fine_note": a.max_fine_note,
                "order_number_format": a.order_number_format,
                "issues_in": list(a.issues_in),
                "website": a.website,
                "address": a.address,
                "signatory_name": a.signatory_name,
                "signatory_title_en": a.signatory_title_en,
                "signatory_title_fr": a.signatory_title_fr,
                "judicial_review_stay": a.judicial_review_stay,
                "judicial_review_stay_fr": a.judicial_review_stay_fr,
            },
        )

    for s in STATUTES:
        statute = _sync(
            Statute,
            {"code": s.code},
            {
                "short_name": s.short_name,
                "title_en": s.title_en,
                "title_fr": s.title_fr,
                "citation": s.citation,
                "jurisdiction_id": jurisdictions[s.jurisdiction].pk,
                "sector": s.sector,
                "url": s.url,
            },
        )
        wanted = {authorities[code].pk for code in s.enforced_by}
        if set(statute.enforced_by.values_list("pk", flat=True)) != wanted:
            statute.enforced_by.set(wanted)

    load_proclaimed_days()
