"""The demo cases: Clearview AI in Canada, the cases around it, and Cadillac Fairview.

Every fact comes from ``shared/domain.md`` (with its sources) or from the source
linked on the event. What could not be checked is stored as such: an event with
``verified=False`` and a note saying what is unverified. Where a reference number
is not known (foreign cases), the reference is plainly descriptive
(``OAIC-ICO-CLEARVIEW``) and the summary says so.

All writes go through ``casework.services`` with ``actor=None``: the history
records no user and the services' own change reasons. Loading is idempotent and
additive: what is already there is left alone, what is missing is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from casework import services
from casework.demo.users import demo_investigator_username
from casework.models import (
    Authority,
    Conclusion,
    EventKind,
    Finding,
    Investigation,
    InvestigationLink,
    InvestigationOrigin,
    InvestigationStage,
    Organization,
    Participation,
    RecommendationResponse,
    Statute,
    User,
)

Kind = EventKind
Role = Participation.Role


@dataclass(frozen=True)
class RespondentSpec:
    name: str
    country: str
    kind: str = Organization.Kind.COMPANY


@dataclass(frozen=True)
class ParticipantSpec:
    authority: str
    role: str
    statutes: tuple[str, ...]
    file_number: str = ""
    joined_on: date | None = None


@dataclass(frozen=True)
class EventSpec:
    date: date
    kind: str
    summary: str
    source: str = ""
    # The source gives the month only: ``date`` is then the 1st of that month.
    month_only: bool = False
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class FindingSpec:
    authority: str
    statute: str
    issue: str
    conclusion: str
    issued_on: date
    provision: str = ""
    report_reference: str = ""
    text: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.authority, self.statute, self.provision, self.issue)


@dataclass(frozen=True)
class RecommendationSpec:
    text: str
    made_on: date
    response: str
    responded_on: date | None
    response_text: str = ""
    # Keys of the findings it follows from (FindingSpec.key); empty: all of the case's findings.
    findings: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True)
class LinkSpec:
    to_reference: str
    kind: str
    note: str = ""


@dataclass(frozen=True)
class CaseSpec:
    reference: str
    title: str
    summary: str
    origin: str
    opened_on: date
    stage: str
    respondents: tuple[RespondentSpec, ...]
    participants: tuple[ParticipantSpec, ...]
    events: tuple[EventSpec, ...] = ()
    findings: tuple[FindingSpec, ...] = ()
    recommendations: tuple[RecommendationSpec, ...] = ()
    disposition: str = ""
    links: tuple[LinkSpec, ...] = ()


# --- Sources (domain.md §1–§5, and the pages linked where a fact goes beyond it) --------
SRC_JOINT_REPORT = (
    "https://priv.gc.ca/en/opc-actions-and-decisions/investigations/investigations-into-businesses/2021/pipeda-2021-001"
)
SRC_NYT_STORY = "https://www.theglobeandmail.com/canada/article-clearview-ai-broke-canadian-privacy-laws-by-selling-software-to-police/"
SRC_LAUNCH = "https://www.oipc.ab.ca/news-and-events/news-releases.aspx"
SRC_CLIENT_LIST = (
    "https://business.financialpost.com/technology/tech-news/"
    "clearview-ai-cancels-contract-with-rcmp-and-is-no-longer-offering-its-facial-recognition-tech-in-canada"
)
SRC_RCMP_OPENED = (
    "https://www.theglobeandmail.com/politics/article-privacy-commissioner-opens-investigation-into-rcmp-use-of-facial/"
)
SRC_EXIT = "https://www.cbc.ca/news/technology/clearview-ai-stops-facial-recognition-in-canada-1.5639380"
SRC_OPT_OUT = "https://www.cbc.ca/amp/1.5645089"
SRC_RECOMMENDATIONS = (
    "https://mcmillan.ca/insights/clearview-ai-ordered-to-comply-with-provincial-regulators-privacy-recommendations/"
)
SRC_RCMP_REPORT = (
    "https://canadianlawyermag.com/practice-areas/privacy-and-data/"
    "rcmps-use-of-clearview-ai-facial-recognition-technology-violated-privacy-act-privacy-commissioner/357186"
)
SRC_ORDERS = "http://www.dataguidance.com/news/canada-opc-announces-orders-alberta-british-columbia"
SRC_BC_DEADLINE = (
    "https://www.albernivalleynews.com/news/"
    "privacy-watchdog-orders-clearview-ai-to-stop-collecting-delete-images-of-british-columbians/"
)
SRC_BC_COURTS = "https://dentonsdata.com/privacy-update-from-british-columbia-the-long-arm-of-privacy-legislation"
SRC_CAI_APPEAL = (
    "https://www.lapresse.ca/actualites/national/2022-02-07/logiciel-de-reconnaissance-faciale/"
    "clearview-ai-dit-qu-elle-ne-peut-detruire-les-photos-de-quebecois.php"
)
SRC_ABKB = (
    "https://www.mondaq.com/canada/new-technology/1635624/"
    "alberta-court-weighs-in-on-clearview-ai-wins-losses-and-key-takeaways"
)
SRC_BCCA = (
    "https://www.mondaq.com/canada/privacy-protection/1755614/"
    "beyond-bc-court-of-appeal-upholds-broad-reach-of-provincial-privacy-laws"
)
SRC_OAIC = "https://oaic.gov.au/newsroom/statement-on-clearview-ai"
SRC_OAIC_ICO_CONCLUDE = (
    "https://www.oaic.gov.au/updates/news-and-media/oaic-and-ico-conclude-joint-investigation-into-clearview-ai"
)
SRC_UKUT = "https://awo.agency/articles/upper-tribunal-rules-against-clearview-ai-affirms-information-commissioners-jurisdiction"
SRC_CNIL_LIQUIDATION = (
    "https://www.lediligent.com/2023/05/10/clearview-ai-doit-regler-une-astreinte-de-52-millions-deuros-a-la-cnil/"
)
SRC_CNIL_SANCTION = "https://regmind.eu/open/fr/aai/cnil/sn/2022/10/17/SAN-2022-01"
SRC_CNIL_COMPLAINTS = (
    "https://www.nextinpact.com/lebrief/49256/reconnaissance-faciale-clearview-ai-mis-en-demeure-par-cnil"
)
SRC_EU_COMPLAINTS = "https://dig.watch/updates/civil-rights-groups-file-privacy-complaints-against-facial-recognition-company-clearview-ai/"
SRC_EU_FINES = (
    "https://next.ink/1126/la-cnil-inflige-5-millions-deuros-dastreinte-a-clearview-mais-comment-contraindre-a-payer"
)
SRC_HDPA = "https://gdprhub.eu/index.php?title=HDPA_(Greece)_-_35/2022"
SRC_AP = "https://avgtekst.nl/document/1-besluit-boete-clearview-ai"
SRC_AP_OPENED = "https://tweakers.net/nieuws/226080/clearview-ai-krijgt-van-ap-30-komma-5-miljoen-euro-boete-vanwege-illegale-fotodatabase.html"
SRC_CF_OPENED = (
    "https://www.thestar.com/calgary/2018/08/03/"
    "alberta-privacy-commissioner-investigating-facial-recognition-technology-at-calgary-malls.html"
)
SRC_CF_REPORT = "https://priv.gc.ca/en/opc-actions-and-decisions/investigations/investigations-into-businesses/2020/pipeda-2020-004/"
SRC_CF_ANNOUNCED = "https://calgary.ctvnews.ca/images-of-calgary-shoppers-collected-without-consent-at-kiosks-in-2-local-malls-1.5166580"

CLEARVIEW = RespondentSpec("Clearview AI, Inc.", "US")
MONTH_ONLY_NOTE = "The source gives the month only; the 1st of the month is shown."

# --- The joint Canadian investigation (domain.md §1–§3) ------------------------------------
REPORT_2021_001 = "PIPEDA Findings #2021-001"
FINDINGS_ISSUED = date(2021, 2, 2)


def _joint_findings() -> tuple[FindingSpec, ...]:
    """Each authority's findings under each statute it applied, all from the joint report."""
    consent_text = (
        "Clearview collected, used and disclosed images and biometric facial arrays of individuals in Canada "
        "without their consent; its argument that the images were publicly available was rejected."
    )
    purposes_text = (
        "Collecting images to build a biometric database offered to law enforcement and others is not a purpose "
        "that a reasonable person would consider appropriate in the circumstances."
    )
    specs: list[FindingSpec] = []
    for authority, statute in (
        ("OPC", "PIPEDA"),
        ("CAI", "QC-PRIVATE-SECTOR"),
        ("OIPC-BC", "PIPA-BC"),
        ("OIPC-AB", "PIPA-AB"),
    ):
        specs.append(
            FindingSpec(
                authority,
                statute,
                "consent",
                Conclusion.WELL_FOUNDED,
                FINDINGS_ISSUED,
                report_reference=REPORT_2021_001,
                text=consent_text,
            )
        )
        specs.append(
            FindingSpec(
                authority,
                statute,
                "appropriate purposes",
                Conclusion.WELL_FOUNDED,
                FINDINGS_ISSUED,
                provision="s. 5(3)" if statute == "PIPEDA" else "",
                report_reference=REPORT_2021_001,
                text=purposes_text,
            )
        )
    specs.append(
        FindingSpec(
            "CAI",
            "QC-IT-FRAMEWORK",
            "biometrics",
            Conclusion.WELL_FOUNDED,
            FINDINGS_ISSUED,
            provision="ss. 44–45",
            report_reference=REPORT_2021_001,
            text="The biometrics provisions of the IT framework act apply to the facial arrays Clearview created.",
        )
    )
    return tuple(specs)


JOINT_REFUSAL = (
    "Recorded in the report of findings itself (2021-02-02): Clearview disagreed with the findings and rejected the "
    "recommendations. It had already stopped offering its service in Canada on 2020-07-06."
)

CLEARVIEW_JOINT = CaseSpec(
    reference="PIPEDA-039525",
    title="Joint investigation of Clearview AI, Inc.",
    summary=(
        "Clearview AI, a US company, scraped billions of images of faces from the internet to build a facial "
        "recognition database that it offered to law enforcement. On 2020-02-21 the OPC, the CAI and the "
        "commissioners of British Columbia and Alberta opened one joint investigation. Their report of 2021-02-02 "
        "found collection without consent, for purposes a reasonable person would not find appropriate, and "
        "recommended that Clearview stop offering its service in Canada, stop collecting and delete; Clearview "
        "refused. BC, Alberta and Quebec issued binding orders on 2021-12-14; BC's order was upheld by the courts "
        "(2024 BCSC 2311, 2026 BCCA 67) and Alberta's by 2025 ABKB 287. The reference is the lead's file number."
    ),
    origin=InvestigationOrigin.COMMISSIONER_INITIATED,
    opened_on=date(2020, 2, 21),
    # Still before the courts in 2026: the outcome of the CAI appeal is unverified.
    stage=InvestigationStage.JUDICIAL_REVIEW,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(
        ParticipantSpec("OPC", Role.LEAD, ("PIPEDA",), "PIPEDA-039525", date(2020, 2, 21)),
        ParticipantSpec("CAI", Role.JOINT, ("QC-PRIVATE-SECTOR", "QC-IT-FRAMEWORK"), "QC-1023158", date(2020, 2, 21)),
        ParticipantSpec("OIPC-BC", Role.JOINT, ("PIPA-BC",), "P20-81997", date(2020, 2, 21)),
        ParticipantSpec("OIPC-AB", Role.JOINT, ("PIPA-AB",), "015017", date(2020, 2, 21)),
    ),
    events=(
        EventSpec(
            date(2020, 1, 1),
            Kind.MEDIA_REPORT,
            "The New York Times reports on Clearview AI and its database of images scraped from the internet.",
            SRC_NYT_STORY,
            month_only=True,
            note=MONTH_ONLY_NOTE,
        ),
        EventSpec(
            date(2020, 2, 21),
            Kind.LAUNCHED,
            "The OPC, the CAI, OIPC-BC and OIPC-AB open a joint investigation of Clearview AI "
            "(commissioner-initiated).",
            SRC_LAUNCH,
        ),
        EventSpec(
            date(2020, 2, 26),
            Kind.RESPONDENT_ACTION,
            "Clearview says that its whole client list was stolen.",
            SRC_CLIENT_LIST,
        ),
        EventSpec(
            date(2020, 2, 28),
            Kind.OTHER,
            "The OPC opens a separate Privacy Act investigation of the RCMP's use of Clearview, on a complaint by an "
            "MP (see the related investigation).",
            SRC_RCMP_OPENED,
        ),
        EventSpec(
            date(2020, 7, 6),
            Kind.RESPONDENT_ACTION,
            "Clearview stops offering its service in Canada; its contract with the RCMP, its last Canadian client, "
            "is suspended.",
            SRC_EXIT,
        ),
        EventSpec(
            date(2020, 7, 1),
            Kind.RESPONDENT_ACTION,
            "Clearview posts an opt-out form that asks Canadians for a photo and an e-mail address.",
            SRC_OPT_OUT,
            month_only=True,
            note="The source places it in the week of 6 July 2020; the exact day is not known.",
        ),
        EventSpec(
            date(2021, 2, 2),
            Kind.REPORT_ISSUED,
            "Report of findings, PIPEDA Findings #2021-001 (published 2021-02-03): collection of biometric "
            "information without consent, for purposes a reasonable person would not find appropriate; 48 accounts "
            "in Canada; Clearview's four arguments rejected.",
            SRC_JOINT_REPORT,
        ),
        EventSpec(
            date(2021, 2, 2),
            Kind.REPORT_ISSUED,
            "The commissioners recommend that Clearview (1) stop offering its service in Canada, (2) stop "
            "collecting, using and disclosing images and biometric facial arrays of individuals in Canada, and "
            "(3) delete those already collected. Clearview, which had already left Canada, rejects the rest.",
            SRC_RECOMMENDATIONS,
        ),
        EventSpec(
            date(2021, 6, 10),
            Kind.OTHER,
            "OPC special report to Parliament: the RCMP contravened s. 4 of the Privacy Act by using Clearview; the "
            "RCMP accepts the recommendations (see the related investigation).",
            SRC_RCMP_REPORT,
        ),
        EventSpec(
            date(2021, 12, 14),
            Kind.ORDER_ISSUED,
            "OIPC-BC Order P21-08 (Michael McEvoy): prohibits offering the service to clients in BC with images and "
            "facial arrays of people in BC collected without consent; Clearview to use best efforts to stop "
            "collecting, using and disclosing them and to delete them; compliance by 2022-01-25. PIPA s. 52.",
            SRC_ORDERS,
        ),
        EventSpec(
            date(2021, 12, 14),
            Kind.ORDER_ISSUED,
            "OIPC-AB Order P2021-12 (Jill Clayton; dated 2021-12-07, released 2021-12-14): stop offering the service "
            "to clients in Alberta; stop collecting, using and disclosing images and facial arrays of people in "
            "Alberta; delete those held. PIPA s. 52.",
            SRC_ORDERS,
            note="The order's compliance deadline is unverified (commonly reported as within 50 days of receiving "
            "a copy).",
        ),
        EventSpec(
            date(2021, 12, 14),
            Kind.ORDER_ISSUED,
            "CAI decision 1023158-S (in French; Me Diane Poitras): stop building files on others; stop collecting "
            "images without consent; stop creating biometric identifiers without consent; destroy the images "
            "collected without consent within 90 days.",
            SRC_ORDERS,
        ),
        EventSpec(
            date(2022, 1, 25),
            Kind.COMPLIANCE,
            "Compliance date of OIPC-BC Order P21-08.",
            SRC_BC_DEADLINE,
        ),
        EventSpec(
            date(2022, 1, 1),
            Kind.COURT_FILING,
            "Clearview petitions the Supreme Court of British Columbia for judicial review of Order P21-08.",
            SRC_BC_COURTS,
            month_only=True,
            verified=False,
            note="Unverified: the filing day (the source says late January 2022). A stay of the order is also "
            "unverified.",
        ),
        EventSpec(
            date(2022, 2, 1),
            Kind.COURT_FILING,
            "Clearview appeals the CAI decision and asks for a stay.",
            SRC_CAI_APPEAL,
            month_only=True,
            verified=False,
            note="Unverified: the filing day (early February 2022, reported on 2022-02-07) and the outcome of the "
            "appeal and of the stay application.",
        ),
        EventSpec(
            date(2024, 12, 18),
            Kind.COURT_DECISION,
            "2024 BCSC 2311: Clearview's petition is dismissed and Order P21-08 upheld.",
            SRC_BC_COURTS,
        ),
        EventSpec(
            date(2025, 5, 8),
            Kind.COURT_DECISION,
            "2025 ABKB 287: Order P2021-12 upheld; part of the PIPA Regulation (the 'publicly available' exception) "
            "held unconstitutional.",
            SRC_ABKB,
        ),
        EventSpec(
            date(2026, 2, 18),
            Kind.COURT_DECISION,
            "2026 BCCA 67: Clearview's appeal dismissed; Order P21-08 upheld.",
            SRC_BCCA,
        ),
    ),
    findings=_joint_findings(),
    recommendations=(
        RecommendationSpec(
            "Cease offering the facial recognition service in Canada.",
            FINDINGS_ISSUED,
            RecommendationResponse.REFUSED,
            FINDINGS_ISSUED,
            JOINT_REFUSAL,
        ),
        RecommendationSpec(
            "Cease collecting, using and disclosing images and biometric facial arrays collected from individuals in "
            "Canada.",
            FINDINGS_ISSUED,
            RecommendationResponse.REFUSED,
            FINDINGS_ISSUED,
            JOINT_REFUSAL,
        ),
        RecommendationSpec(
            "Delete the images and biometric facial arrays collected from individuals in Canada that it holds.",
            FINDINGS_ISSUED,
            RecommendationResponse.REFUSED,
            FINDINGS_ISSUED,
            JOINT_REFUSAL,
        ),
    ),
    links=(
        LinkSpec("OPC-RCMP-CLEARVIEW", "related", "The RCMP's use of Clearview AI (Privacy Act)."),
        LinkSpec("OAIC-ICO-CLEARVIEW", "parallel_foreign", "Australia and the United Kingdom."),
        LinkSpec("CNIL-CLEARVIEW", "parallel_foreign", "France."),
        LinkSpec("GARANTE-CLEARVIEW", "parallel_foreign", "Italy."),
        LinkSpec("HDPA-CLEARVIEW", "parallel_foreign", "Greece."),
        LinkSpec("AP-CLEARVIEW", "parallel_foreign", "The Netherlands."),
    ),
)

# --- The RCMP's use of Clearview (domain.md §4) ---------------------------------------------
RCMP = CaseSpec(
    reference="OPC-RCMP-CLEARVIEW",
    title="The RCMP's use of Clearview AI",
    summary=(
        "Privacy Act investigation, on a complaint by an MP, of the Royal Canadian Mounted Police's use of Clearview "
        "AI. The RCMP told the OPC of 78 searches where Clearview's records showed 521; it held two paid licences. "
        "Finding (special report to Parliament, 2021-06-10): the RCMP contravened s. 4 of the Privacy Act; the RCMP "
        "accepted the recommendations. Descriptive reference: the OPC's file number is not in the team's sources."
    ),
    origin=InvestigationOrigin.COMPLAINT,
    opened_on=date(2020, 2, 28),
    stage=InvestigationStage.FOLLOW_UP,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(RespondentSpec("Royal Canadian Mounted Police", "CA", Organization.Kind.PUBLIC_BODY),),
    participants=(ParticipantSpec("OPC", Role.LEAD, ("PRIVACY-ACT",), joined_on=date(2020, 2, 28)),),
    events=(
        EventSpec(
            date(2020, 2, 28),
            Kind.LAUNCHED,
            "The OPC opens a Privacy Act investigation of the RCMP's use of Clearview AI, on a complaint by an MP.",
            SRC_RCMP_OPENED,
        ),
        EventSpec(
            date(2020, 7, 6),
            Kind.OTHER,
            "Clearview stops offering its service in Canada; the RCMP contract, its last Canadian client, is "
            "suspended.",
            SRC_EXIT,
        ),
        EventSpec(
            date(2021, 6, 10),
            Kind.REPORT_ISSUED,
            "Special report to Parliament: the RCMP contravened s. 4 of the Privacy Act; it reported 78 searches "
            "where Clearview's records showed 521, under two paid licences. The RCMP accepts the recommendations.",
            SRC_RCMP_REPORT,
        ),
    ),
    findings=(
        FindingSpec(
            "OPC",
            "PRIVACY-ACT",
            "collection of personal information through Clearview AI",
            Conclusion.WELL_FOUNDED,
            date(2021, 6, 10),
            provision="s. 4",
            report_reference="Special report to Parliament (2021-06-10)",
            text="The RCMP contravened s. 4 of the Privacy Act in its use of Clearview AI. The RCMP told the OPC of "
            "78 searches; Clearview's records showed 521. The RCMP held two paid licences.",
        ),
    ),
    recommendations=(
        RecommendationSpec(
            "The recommendations of the special report to Parliament of 2021-06-10 (their individual text is not "
            "recorded here: unverified).",
            date(2021, 6, 10),
            RecommendationResponse.ACCEPTED,
            date(2021, 6, 10),
            "The RCMP accepted the recommendations, as recorded in the special report.",
        ),
    ),
)

# --- Australia and the United Kingdom (domain.md §4) ------------------------------------------
OAIC_ICO = CaseSpec(
    reference="OAIC-ICO-CLEARVIEW",
    title="OAIC and ICO joint investigation of Clearview AI, Inc.",
    summary=(
        "Joint investigation by the Office of the Australian Information Commissioner and the UK Information "
        "Commissioner's Office, opened 2020-07-09 after preliminary enquiries. Each authority decided under its own "
        "law: the OAIC's determination [2021] AICmr 54; the ICO's penalty and enforcement notice of 2022-05-18, set "
        "aside by the First-tier Tribunal and restored on appeal by the Upper Tribunal, which remitted the case. "
        "Descriptive reference: the authorities' own file numbers are not in the team's sources."
    ),
    origin=InvestigationOrigin.COMMISSIONER_INITIATED,
    opened_on=date(2020, 7, 9),
    stage=InvestigationStage.JUDICIAL_REVIEW,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(
        ParticipantSpec("OAIC", Role.LEAD, ("AU-PRIVACY-ACT",), joined_on=date(2020, 7, 9)),
        ParticipantSpec("ICO", Role.JOINT, ("UK-GDPR", "DPA-2018"), joined_on=date(2020, 7, 9)),
    ),
    events=(
        EventSpec(
            date(2020, 7, 9),
            Kind.LAUNCHED,
            "The OAIC and the ICO open a joint investigation of Clearview AI's use of scraped data and biometrics.",
            SRC_OAIC_ICO_CONCLUDE,
        ),
        EventSpec(
            date(2021, 10, 14),
            Kind.ORDER_ISSUED,
            "OAIC determination [2021] AICmr 54: Clearview is to cease collecting facial images and biometric "
            "templates from individuals in Australia and to destroy those collected.",
            SRC_OAIC,
        ),
        EventSpec(
            date(2021, 11, 3),
            Kind.ANNOUNCEMENT,
            "The OAIC publishes its determination; the OAIC and the ICO announce the end of the joint investigation.",
            SRC_OAIC_ICO_CONCLUDE,
        ),
        EventSpec(
            date(2021, 11, 29),
            Kind.ANNOUNCEMENT,
            "The ICO announces its provisional intent to fine Clearview about £17 million.",
            SRC_UKUT,
        ),
        EventSpec(
            date(2022, 5, 18),
            Kind.ORDER_ISSUED,
            "ICO monetary penalty of £7,552,800 and enforcement notice.",
            SRC_UKUT,
        ),
        EventSpec(
            date(2023, 8, 1),
            Kind.RESPONDENT_ACTION,
            "Clearview withdraws its appeal to the Administrative Appeals Tribunal against the OAIC's determination.",
            SRC_OAIC,
            month_only=True,
            note=MONTH_ONLY_NOTE,
        ),
        EventSpec(
            date(2023, 10, 17),
            Kind.COURT_DECISION,
            "The First-tier Tribunal allows Clearview's appeal and sets the ICO's penalty and notice aside.",
            SRC_UKUT,
        ),
        EventSpec(
            date(2025, 10, 7),
            Kind.COURT_DECISION,
            "The Upper Tribunal allows the ICO's appeal ([2025] UKUT 319 (AAC)) and remits the case to the "
            "First-tier Tribunal.",
            SRC_UKUT,
        ),
    ),
    findings=(
        FindingSpec(
            "OAIC",
            "AU-PRIVACY-ACT",
            "collection of facial images and biometric templates",
            Conclusion.WELL_FOUNDED,
            date(2021, 10, 14),
            report_reference="[2021] AICmr 54",
            text="Determination requiring Clearview to cease collecting and to destroy. The Australian Privacy "
            "Principles it found breached are not recorded here (unverified).",
        ),
        FindingSpec(
            "ICO",
            "UK-GDPR",
            "processing of the personal data of people in the United Kingdom",
            Conclusion.WELL_FOUNDED,
            date(2022, 5, 18),
            report_reference="ICO monetary penalty notice and enforcement notice (2022-05-18)",
            text="Set aside by the First-tier Tribunal on 2023-10-17; the Upper Tribunal allowed the ICO's appeal on "
            "2025-10-07 ([2025] UKUT 319 (AAC)) and remitted the case.",
        ),
    ),
)

EU_COMPLAINTS_NOTE = (
    "Privacy International, noyb, the Hermes Center and Homo Digitalis filed coordinated complaints on 2021-05-27 "
    "in France, Austria, Italy, Greece and the United Kingdom."
)

CNIL = CaseSpec(
    reference="CNIL-CLEARVIEW",
    title="CNIL investigation of Clearview AI, Inc.",
    summary=(
        "The CNIL received complaints about Clearview AI from May 2020 and opened an investigation (month only: "
        "the 1st of May is shown as the opening date). Formal notice on 2021-11-26; on 2022-10-17 a €20 million "
        "fine and an order to stop and delete within two months, with a penalty of €100,000 per day late; €5.2 "
        "million of penalty liquidated for 2022-12-19 to 2023-02-09. Descriptive reference."
    ),
    origin=InvestigationOrigin.COMPLAINT,
    opened_on=date(2020, 5, 1),
    stage=InvestigationStage.ORDERS,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(ParticipantSpec("CNIL", Role.LEAD, ("GDPR",)),),
    events=(
        EventSpec(
            date(2020, 5, 1),
            Kind.LAUNCHED,
            "The CNIL receives complaints from individuals about Clearview AI and opens an investigation.",
            SRC_CNIL_COMPLAINTS,
            month_only=True,
            note=MONTH_ONLY_NOTE,
        ),
        EventSpec(
            date(2020, 8, 26),
            Kind.OTHER,
            "Decision no. 2020-116C of the CNIL's president to carry out checks of Clearview AI's processing.",
            SRC_CNIL_SANCTION,
        ),
        EventSpec(
            date(2021, 5, 27),
            Kind.OTHER,
            "Privacy International files a complaint with the CNIL.",
            SRC_EU_COMPLAINTS,
            note=EU_COMPLAINTS_NOTE,
        ),
        EventSpec(
            date(2021, 11, 26),
            Kind.ORDER_ISSUED,
            "Formal notice (decision MED 2021-134): stop collecting and using the data of people in France without "
            "a legal basis, and delete the data within two months.",
            SRC_CNIL_COMPLAINTS,
        ),
        EventSpec(
            date(2022, 10, 17),
            Kind.ORDER_ISSUED,
            "Restricted committee decision SAN-2022-019: €20 million fine; order to stop collecting and using the "
            "data of people in France and to delete them within two months, with a penalty of €100,000 per day "
            "late.",
            SRC_CNIL_SANCTION,
        ),
        EventSpec(
            date(2023, 5, 10),
            Kind.ANNOUNCEMENT,
            "The CNIL announces that it has liquidated €5.2 million of the penalty, for 2022-12-19 to 2023-02-09.",
            SRC_CNIL_LIQUIDATION,
        ),
    ),
    findings=(
        FindingSpec(
            "CNIL",
            "GDPR",
            "lawfulness of processing",
            Conclusion.WELL_FOUNDED,
            date(2022, 10, 17),
            report_reference="SAN-2022-019",
            text="Collection and use of the data of people in France without a legal basis.",
        ),
    ),
)

GARANTE = CaseSpec(
    reference="GARANTE-CLEARVIEW",
    title="Garante investigation of Clearview AI, Inc.",
    summary=(
        "The Italian authority fined Clearview AI €20 million (decision of 2022-02-10). Unverified: the opening "
        "date — the date of the Hermes Center's complaint (2021-05-27) is shown; the Garante may have begun "
        "earlier. Descriptive reference."
    ),
    origin=InvestigationOrigin.COMPLAINT,
    opened_on=date(2021, 5, 27),
    stage=InvestigationStage.ORDERS,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(ParticipantSpec("GARANTE", Role.LEAD, ("GDPR",)),),
    events=(
        EventSpec(
            date(2021, 5, 27),
            Kind.LAUNCHED,
            "The Hermes Center for Transparency and Digital Human Rights files a complaint with the Garante.",
            SRC_EU_COMPLAINTS,
            note=EU_COMPLAINTS_NOTE,
        ),
        EventSpec(
            date(2022, 2, 10),
            Kind.ORDER_ISSUED,
            "The Garante fines Clearview AI €20 million.",
            SRC_EU_FINES,
            note="The decision date is from the team's domain notes; this source dates the fine to March 2022 "
            "(its publication).",
        ),
    ),
    findings=(
        FindingSpec(
            "GARANTE",
            "GDPR",
            "lawfulness of processing",
            Conclusion.WELL_FOUNDED,
            date(2022, 2, 10),
            text="Fine of €20 million. The articles found breached are not recorded here (unverified).",
        ),
    ),
)

HDPA = CaseSpec(
    reference="HDPA-CLEARVIEW",
    title="HDPA investigation of Clearview AI, Inc.",
    summary=(
        "The Hellenic authority decided on Homo Digitalis's complaint of 2021-05-27 (decision 35/2022, 2022-07-13): "
        "a €20 million fine. Descriptive reference."
    ),
    origin=InvestigationOrigin.COMPLAINT,
    opened_on=date(2021, 5, 27),
    stage=InvestigationStage.ORDERS,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(ParticipantSpec("HDPA", Role.LEAD, ("GDPR",)),),
    events=(
        EventSpec(
            date(2021, 5, 27),
            Kind.LAUNCHED,
            "Homo Digitalis files a complaint with the Hellenic Data Protection Authority.",
            SRC_EU_COMPLAINTS,
            note=EU_COMPLAINTS_NOTE,
        ),
        EventSpec(
            date(2022, 7, 13),
            Kind.ORDER_ISSUED,
            "HDPA decision 35/2022: €20 million fine.",
            SRC_HDPA,
        ),
    ),
    findings=(
        FindingSpec(
            "HDPA",
            "GDPR",
            "lawfulness of processing",
            Conclusion.WELL_FOUNDED,
            date(2022, 7, 13),
            report_reference="HDPA decision 35/2022",
            text="Fine of €20 million. The articles found breached are not recorded here (unverified).",
        ),
    ),
)

AP = CaseSpec(
    reference="AP-CLEARVIEW",
    title="Autoriteit Persoonsgegevens investigation of Clearview AI, Inc.",
    summary=(
        "The Dutch authority began an investigation in January 2023 after complaints from two people in the "
        "Netherlands (month only: the 1st of January is shown as the opening date). Decision of 2024-05-16, "
        "published 2024-09-03: €30.5 million in fines and orders subject to penalties of up to €5.1 million. "
        "Descriptive reference."
    ),
    origin=InvestigationOrigin.COMPLAINT,
    opened_on=date(2023, 1, 1),
    stage=InvestigationStage.ORDERS,
    disposition=Conclusion.WELL_FOUNDED,
    respondents=(CLEARVIEW,),
    participants=(ParticipantSpec("AP", Role.LEAD, ("GDPR",)),),
    events=(
        EventSpec(
            date(2023, 1, 1),
            Kind.LAUNCHED,
            "The AP begins an investigation after two people in the Netherlands complain that Clearview did not "
            "answer their access requests.",
            SRC_AP_OPENED,
            month_only=True,
            note=MONTH_ONLY_NOTE,
        ),
        EventSpec(
            date(2024, 5, 16),
            Kind.ORDER_ISSUED,
            "AP decision: fines totalling €30.5 million and orders subject to penalties of up to €5.1 million.",
            SRC_AP,
        ),
        EventSpec(
            date(2024, 9, 3),
            Kind.ANNOUNCEMENT,
            "The AP publishes its decision; Clearview did not object to it.",
            SRC_AP,
        ),
    ),
    findings=(
        FindingSpec(
            "AP",
            "GDPR",
            "lawfulness of processing",
            Conclusion.WELL_FOUNDED,
            date(2024, 5, 16),
            provision="art. 5(1)(a), 6(1), 9(1)",
            report_reference="AP decision of 2024-05-16",
            text="Processing of the personal data, including biometric data, of people in the Netherlands without "
            "a lawful basis; insufficient information to the people concerned.",
        ),
    ),
)

# --- Cadillac Fairview (domain.md §5, with the report's own page) -----------------------------
CF_CONSENT_TEXT = (
    "Cameras in 'wayfinding' directories at 12 malls took images of faces and converted them into biometric "
    "numerical representations to estimate age and gender, without valid consent; the service provider stored about "
    "5 million such representations."
)
CADILLAC_FAIRVIEW = CaseSpec(
    reference="PIPEDA-036698",
    title="Joint investigation of The Cadillac Fairview Corporation Limited",
    summary=(
        "Joint investigation by the OPC, OIPC-AB and OIPC-BC of cameras with facial analysis software in mall "
        "directories at 12 Cadillac Fairview malls (about 5 million images). Announced 2018-08-03 after media reports; "
        "findings announced 2020-10-29. The file numbers are those on the report's title page. The final "
        "disposition label is not recorded here (unverified)."
    ),
    origin=InvestigationOrigin.COMMISSIONER_INITIATED,
    opened_on=date(2018, 8, 3),
    stage=InvestigationStage.REPORT_ISSUED,
    respondents=(RespondentSpec("The Cadillac Fairview Corporation Limited", "CA"),),
    participants=(
        ParticipantSpec("OPC", Role.LEAD, ("PIPEDA",), "PIPEDA-036698"),
        ParticipantSpec("OIPC-AB", Role.JOINT, ("PIPA-AB",), "009324"),
        ParticipantSpec("OIPC-BC", Role.JOINT, ("PIPA-BC",), "P18-76168"),
    ),
    events=(
        EventSpec(
            date(2018, 8, 3),
            Kind.LAUNCHED,
            "The federal and Alberta commissioners announce investigations of Cadillac Fairview's use of facial "
            "recognition technology in mall directories, after media reports.",
            SRC_CF_OPENED,
            note="When OIPC-BC joined is not recorded here.",
        ),
        EventSpec(
            date(2020, 10, 28),
            Kind.REPORT_ISSUED,
            "Report of findings, PIPEDA Findings #2020-004 (OIPC-AB: Investigation Report P2020-IR-01).",
            SRC_CF_REPORT,
        ),
        EventSpec(
            date(2020, 10, 29),
            Kind.ANNOUNCEMENT,
            "The commissioners announce their findings: images of about 5 million shoppers collected without "
            "consent at 12 malls.",
            SRC_CF_ANNOUNCED,
        ),
    ),
    findings=(
        FindingSpec(
            "OPC",
            "PIPEDA",
            "consent",
            Conclusion.WELL_FOUNDED,
            date(2020, 10, 28),
            report_reference="PIPEDA Findings #2020-004",
            text=CF_CONSENT_TEXT,
        ),
        FindingSpec(
            "OIPC-AB",
            "PIPA-AB",
            "consent",
            Conclusion.WELL_FOUNDED,
            date(2020, 10, 29),
            report_reference="Investigation Report P2020-IR-01",
            text=CF_CONSENT_TEXT,
        ),
        FindingSpec(
            "OIPC-BC",
            "PIPA-BC",
            "consent",
            Conclusion.WELL_FOUNDED,
            date(2020, 10, 29),
            report_reference="Joint report (PIPEDA Findings #2020-004)",
            text=CF_CONSENT_TEXT + " OIPC-BC's own report number is not recorded here.",
        ),
    ),
    recommendations=(
        RecommendationSpec(
            "Delete the numerical representations of faces held by its service provider.",
            date(2020, 10, 28),
            RecommendationResponse.ACCEPTED,
            date(2020, 10, 28),
            "Cadillac Fairview was amenable to deleting the information (OIPC-AB, reported by CTV News on "
            "2020-10-29); the date shown is the report's.",
        ),
    ),
)

# Foreign cases first, so that the joint case's links find them.
CASES: tuple[CaseSpec, ...] = (RCMP, OAIC_ICO, CNIL, GARANTE, HDPA, AP, CLEARVIEW_JOINT, CADILLAC_FAIRVIEW)


# --- Loading -------------------------------------------------------------------------------------


def _respondents(specs: Sequence[RespondentSpec]) -> list[Organization]:
    return [services.organization_get_or_create(actor=None, name=r.name, country=r.country, kind=r.kind) for r in specs]


def _finding_key(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.participation.authority.code, finding.statute.code, finding.provision, finding.issue)


def load_case(spec: CaseSpec, authorities: dict[str, Authority], statutes: dict[str, Statute]) -> Investigation:
    """Create the case, or add to it whatever the spec has and the database lacks.

    1. The investigation with its lead (``investigation_open``), its stage and disposition.
    2. The other participations.
    3. Events, findings and recommendations missing from the timeline.
    4. The demo investigators of the Canadian authorities taking part.
    """
    investigation = Investigation.objects.filter(reference=spec.reference).first()
    lead = next(p for p in spec.participants if p.role == Role.LEAD)
    if investigation is None:
        investigation = services.investigation_open(
            actor=None,
            reference=spec.reference,
            title=spec.title,
            origin=spec.origin,
            opened_on=spec.opened_on,
            lead_authority=authorities[lead.authority],
            respondents=_respondents(spec.respondents),
            summary=spec.summary,
            stage=spec.stage,
            lead_statutes=[statutes[code] for code in lead.statutes],
            lead_file_number=lead.file_number,
            lead_joined_on=lead.joined_on,
        )
    # investigation_open takes no disposition; once set, this is a no-op (the
    # service saves only the fields that differ).
    services.investigation_update(actor=None, investigation=investigation, disposition=spec.disposition)

    taking_part = set(investigation.participations.values_list("authority__code", flat=True))
    for p in spec.participants:
        if p.authority not in taking_part:
            services.participation_add(
                actor=None,
                investigation=investigation,
                authority=authorities[p.authority],
                role=p.role,
                statutes=[statutes[code] for code in p.statutes],
                file_number=p.file_number,
                joined_on=p.joined_on,
            )
    _add_events(investigation, spec.events)
    findings = _add_findings(investigation, spec.findings, authorities, statutes)
    _add_recommendations(investigation, spec.recommendations, findings)
    _assign_demo_investigators(investigation)
    return investigation


def _add_events(investigation: Investigation, events: Sequence[EventSpec]) -> None:
    present = set(investigation.events.values_list("date", "kind", "summary"))
    for e in events:
        if (e.date, e.kind, e.summary.strip()) in present:
            continue
        services.event_add(
            actor=None,
            investigation=investigation,
            date=e.date,
            kind=e.kind,
            summary=e.summary,
            source=e.source,
            date_precision="month" if e.month_only else "day",
            verified=e.verified,
            note=e.note,
        )


def _add_findings(
    investigation: Investigation,
    specs: Sequence[FindingSpec],
    authorities: dict[str, Authority],
    statutes: dict[str, Statute],
) -> dict[tuple[str, str, str, str], Finding]:
    """Record the missing findings; returns all of the case's findings by key."""
    existing = Finding.objects.filter(participation__investigation=investigation).select_related(
        "participation__authority", "statute"
    )
    by_key = {_finding_key(f): f for f in existing}
    for f in specs:
        if f.key in by_key:
            continue
        by_key[f.key] = services.finding_record(
            actor=None,
            investigation=investigation,
            authority=authorities[f.authority],
            statute=statutes[f.statute],
            issue=f.issue,
            conclusion=f.conclusion,
            issued_on=f.issued_on,
            provision=f.provision,
            report_reference=f.report_reference,
            text=f.text,
        )
    return by_key


def _add_recommendations(
    investigation: Investigation,
    specs: Sequence[RecommendationSpec],
    findings: dict[tuple[str, str, str, str], Finding],
) -> None:
    present = set(investigation.recommendations.values_list("text", flat=True))
    for r in specs:
        if r.text.strip() in present:
            continue
        follows_from = [findings[key] for key in r.findings] if r.findings else list(findings.values())
        services.recommendation_add(
            actor=None,
            investigation=investigation,
            text=r.text,
            findings=follows_from,
            made_on=r.made_on,
            response=r.response,
            responded_on=r.responded_on,
            response_text=r.response_text,
        )


def _assign_demo_investigators(investigation: Investigation) -> None:
    """Assign each participating authority's demo investigator, keeping anyone already assigned."""
    codes = investigation.participations.values_list("authority__code", flat=True)
    usernames = [name for name in (demo_investigator_username(code) for code in codes) if name]
    wanted = set(User.objects.filter(username__in=usernames, authority__participations__investigation=investigation))
    current = set(investigation.assignees.all())
    if not wanted <= current:
        services.investigation_set_assignees(
            actor=None, investigation=investigation, assignees=sorted(current | wanted, key=lambda u: u.pk)
        )


def _link(spec: CaseSpec, link: LinkSpec, investigations: dict[str, Investigation]) -> None:
    source, target = investigations[spec.reference], investigations[link.to_reference]
    already = InvestigationLink.objects.filter(from_investigation=source, to_investigation=target).exists() or (
        InvestigationLink.objects.filter(from_investigation=target, to_investigation=source).exists()
    )
    if not already:
        services.investigation_link(
            actor=None, from_investigation=source, to_investigation=target, kind=link.kind, note=link.note
        )


@transaction.atomic
def load_clearview() -> None:
    """Load the Clearview AI case, the related and parallel cases, and Cadillac Fairview.

    Needs the reference data; assigns the demo investigators if they exist (load the
    users first for that).
    """
    authorities = {a.code: a for a in Authority.objects.all()}
    statutes = {s.code: s for s in Statute.objects.all()}
    investigations = {spec.reference: load_case(spec, authorities, statutes) for spec in CASES}
    for spec in CASES:
        for link in spec.links:
            _link(spec, link, investigations)
