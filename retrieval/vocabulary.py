"""Officers' words and the reports' words: abbreviations, topic synonyms, council short forms, question filler.

Officers type "LAC", "PEPs", "Bucks", "B&B"; Ofsted writes "children looked after", "personal education plans",
"Buckinghamshire", "bed and breakfast". Query understanding (retrieval/query.py) uses these tables to search in the
reports' own words and to recognise councils without mistaking ordinary English for a place. Everything here is
data, so adding a term never needs a code change.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """An abbreviation as officers write it and what the reports call it (most usual wording first).

    `lower_ok` also accepts the abbreviation typed in lower case; it is only set where the lower-case form is not an
    English word ("lado" yes; "send", "mash", "pep", "cp" no).
    """

    short: str
    expansions: tuple[str, ...]
    lower_ok: bool = False
    also: tuple[str, ...] = ()  # other spellings of the short form ("CIC" for "CiC", "DOLS" for "DoLS")


ABBREVIATIONS: tuple[Term, ...] = (
    # children in care
    Term("LAC", ("looked after children", "children looked after", "children in care"), lower_ok=True),
    Term("CLA", ("children looked after", "looked after children", "children in care"), lower_ok=True),
    Term("CiC", ("children in care", "looked after children"), also=("CIC",)),
    Term("UASC", ("unaccompanied asylum-seeking children", "unaccompanied asylum seeking young people"),
         lower_ok=True),
    Term("PEP", ("personal education plan",)),
    Term("IRO", ("independent reviewing officer",), lower_ok=True),
    Term("VSH", ("virtual school headteacher", "virtual school"), lower_ok=True),
    Term("IHA", ("initial health assessment",), lower_ok=True),
    Term("RHA", ("review health assessment",), lower_ok=True),
    Term("SDQ", ("strengths and difficulties questionnaire",), lower_ok=True),
    Term("IFA", ("independent fostering agency",), lower_ok=True),
    Term("RAA", ("regional adoption agency",), lower_ok=True),
    Term("ADM", ("agency decision maker",), lower_ok=True),
    Term("SGO", ("special guardianship order", "special guardians"), lower_ok=True),
    Term("CAO", ("child arrangements order",), lower_ok=True),
    Term("FGC", ("family group conference",), lower_ok=True),
    Term("PA", ("personal adviser",)),
    Term("EET", ("education, employment or training",), lower_ok=True),
    Term("NEET", ("not in education, employment or training",), lower_ok=True),
    Term("B&B", ("bed and breakfast",), lower_ok=True),
    # safeguarding and the front door
    Term("MASH", ("multi-agency safeguarding hub", "front door")),
    Term("LADO", ("local authority designated officer", "designated officer", "allegations against"), lower_ok=True),
    Term("CP", ("child protection",)),
    Term("CPP", ("child protection plan",), lower_ok=True),
    Term("CIN", ("children in need", "child in need"), lower_ok=True),
    Term("ICPC", ("initial child protection conference",), lower_ok=True),
    Term("RCPC", ("review child protection conference",), lower_ok=True),
    Term("CSE", ("child sexual exploitation",), lower_ok=True),
    Term("CCE", ("child criminal exploitation",), lower_ok=True),
    Term("CSA", ("child sexual abuse",), lower_ok=True),
    Term("HSB", ("harmful sexual behaviour",), lower_ok=True),
    Term("MACE", ("multi-agency child exploitation",)),
    Term("NRM", ("national referral mechanism",), lower_ok=True),
    Term("FGM", ("female genital mutilation",), lower_ok=True),
    Term("DA", ("domestic abuse",)),
    Term("DV", ("domestic violence", "domestic abuse")),
    Term("MARAC", ("multi-agency risk assessment conference",), lower_ok=True),
    Term("MAPPA", ("multi-agency public protection arrangements",), lower_ok=True),
    Term("RHI", ("return home interview",), lower_ok=True),
    Term("MFH", ("missing from home",), lower_ok=True),
    Term("EDT", ("emergency duty team", "out of hours"), lower_ok=True),
    Term("PLO", ("public law outline", "pre-proceedings"), lower_ok=True),
    Term("EPO", ("emergency protection order",), lower_ok=True),
    Term("DoLS", ("deprivation of liberty",), lower_ok=True, also=("DOLS", "DOL", "DoL")),
    Term("EH", ("early help",)),
    Term("EHA", ("early help assessment",), lower_ok=True),
    Term("CAF", ("common assessment framework",)),
    Term("TAF", ("team around the family",)),
    Term("TAC", ("team around the child",)),
    Term("SCR", ("serious case review",), lower_ok=True),
    Term("CSPR", ("child safeguarding practice review",), lower_ok=True),
    Term("LCSPR", ("local child safeguarding practice review",), lower_ok=True),
    Term("LSCB", ("local safeguarding children board", "safeguarding children board"), lower_ok=True),
    Term("LSCP", ("local safeguarding children partnership", "safeguarding partnership", "safeguarding partners"),
         lower_ok=True),
    Term("DSL", ("designated safeguarding lead",), lower_ok=True),
    # education, health, disability
    Term("EHE", ("elective home education", "home educated"), lower_ok=True),
    Term("CME", ("children missing education", "missing education"), lower_ok=True),
    Term("SEND", ("special educational needs and disabilities", "special educational needs")),
    Term("SEN", ("special educational needs",)),
    Term("EHCP", ("education, health and care plan",), lower_ok=True),
    Term("EHC", ("education, health and care",), lower_ok=True),
    Term("CAMHS", ("child and adolescent mental health services", "emotional and mental health"), lower_ok=True),
    Term("CYPMHS", ("children and young people's mental health services",), lower_ok=True),
    Term("YOT", ("youth offending team", "youth offending service"), lower_ok=True),
    Term("YOS", ("youth offending service",), lower_ok=True),
    Term("YJS", ("youth justice service",), lower_ok=True),
    # the workforce and leadership
    Term("SW", ("social worker",)),
    Term("ASYE", ("assessed and supported year in employment", "newly qualified social workers"), lower_ok=True),
    Term("NQSW", ("newly qualified social worker",), lower_ok=True),
    Term("DCS", ("director of children's services",), lower_ok=True),
    Term("QA", ("quality assurance",)),
    Term("LA", ("local authority",)),
    Term("CSC", ("children's social care",), lower_ok=True),
    Term("DfE", ("Department for Education",), lower_ok=True, also=("DFE",)),
    Term("CYP", ("children and young people",), lower_ok=True),
    Term("YP", ("young people",)),
)

# Section numbers officers cite in shorthand ("s47", "S.20"): the reports write "section 47 enquiries".
SECTIONS: dict[str, tuple[str, ...]] = {
    "47": ("section 47", "child protection enquiries"),
    "20": ("section 20", "accommodated"),
    "17": ("section 17", "children in need"),
    "31": ("section 31",),
}

# Topic synonyms: when the question (lower case) matches the pattern, these phrases are searched as well, because
# reports say the same thing in other words. Patterns are regular expressions over the lower-cased question.
SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bcare leavers?\b|\bleaving care\b", ("care-experienced young people", "care leavers")),
    (r"\bcare[- ]experienced\b", ("care leavers",)),
    ((r"\b(accommodation|housing|housed|live|living)\b.*\bcare leavers?\b|\bcare leavers?\b.*\b(accommodation|housing"
      r"|housed|live|living)\b"),
     ("suitable accommodation", "housing", "bed and breakfast", "staying put", "supported accommodation")),
    (r"\bhousing\b", ("accommodation",)),
    (r"\bb ?& ?b\b|\bbed and breakfast\b", ("bed and breakfast", "unsuitable accommodation")),
    (r"\bhomeless(ness)?\b", ("homeless 16- and 17-year-olds", "homelessness", "joint housing protocol")),
    (r"\bcaseloads?\b", ("caseloads", "workloads", "manageable caseloads")),
    (r"\bworkloads?\b", ("caseloads",)),
    (r"\bagency (social )?(workers?|staff)\b|\blocums?\b", ("agency staff", "workforce stability",
                                                            "permanent social workers", "recruitment and retention")),
    (r"\b(recruitment|retention|turnover|vacanc(y|ies))\b", ("workforce stability", "agency staff")),
    (r"\bstaying put\b", ("staying put", "staying close", "remain with their foster carers")),
    (r"\bstaying close\b", ("staying put",)),
    (r"\bout[- ]of[- ]hours\b|\bemergency duty\b", ("out-of-hours", "emergency duty team")),
    (r"\bcomplain(t|ts|ing)?\b", ("complaints", "advocacy", "advocate")),
    (r"\badvoca(te|tes|cy)\b", ("advocacy", "independent visitors")),
    (r"\blife[- ]story\b", ("life-story work", "later life letters")),
    (r"\bunregistered\b|\bunregulated\b", ("unregistered children's homes", "unregulated placements")),
    (r"\bdisabled children\b|\bdisabilit(y|ies)\b", ("children with disabilities", "disabled children's service")),
    (r"\bcorporate parent(s|ing)?\b", ("corporate parenting board", "corporate parents")),
    (r"\bprivate(ly)? foster(ing|ed)\b", ("private fostering arrangements", "privately fostered children")),
    (r"\bmissing\b(?!\s+(from\s+)?(education|school))",
     ("missing from home", "missing from care", "return home interviews")),
    (r"\breturn (home )?interviews?\b", ("return home interviews", "missing from home", "missing from care")),
    (r"\bexploitation\b", ("child sexual exploitation", "criminal exploitation")),
    (r"\bgovernment intervention\b|\bintervention\b", ("improvement notice", "statutory direction",
                                                      "commissioner")),
    (r"\baction plan\b", ("improvement plan", "action plan")),
    (r"\bmental health\b", ("emotional and mental health", "emotional well-being", "CAMHS")),
    (r"\bvoice\b|\bwishes and feelings\b", ("wishes and feelings", "views of children")),
    (r"\bsupervision\b", ("management oversight", "supervision")),
    (r"\b(oversight|overseeing|oversee|oversees)\b", ("management oversight", "oversee")),
    (r"\bpathway plans?\b", ("pathway planning", "pathway plans")),
    (r"\bplacement (stability|moves|breakdowns?)\b", ("placement stability", "placement moves")),
    (r"\bpermanen(ce|cy)\b", ("permanence planning", "permanency")),
    (r"\bspecial guardian(s|ship)?\b", ("special guardianship orders", "special guardians")),
    (r"\bpre[- ]proceedings\b", ("pre-proceedings", "public law outline")),
    (r"\bhome education\b|\bhome[- ]educated\b", ("elective home education", "home-educated children")),
    (r"\bmissing (from )?education\b", ("children missing education",)),
    (r"\bstrategy (discussions?|meetings?)\b", ("strategy discussions", "strategy meetings")),
    (r"\ballegations?\b", ("allegations against professionals", "designated officer")),
    (r"\bneet\b|\bnot in education\b", ("not in education, employment or training",)),
    (r"\b(judged|judgements?|judgments?|rated|ratings?|graded?|grades)\b", ("judgement", "judged")),
    ((r"\boverall\b.*\b(judged|judgements?|rated|ratings?|graded?)\b|\b(judged|judgements?|rated|ratings?|graded?)"
      r"\b.*\boverall\b"), ("overall effectiveness",)),
    (r"\bfront door\b", ("multi-agency safeguarding hub", "contact and referral")),
    (r"\bthresholds?\b", ("threshold", "thresholds are applied")),
    (r"\bfoster carers?\b", ("foster carers", "fostering")),
    (r"\badoption\b|\badopt(ed|ers?)\b", ("adoption", "adopters")),
    (r"\beducation (outcomes|attainment|progress)\b|\battainment\b", ("virtual school", "educational attainment")),
)

# Short forms of council names that the gazetteer does not hold; matched only when capitalised ("Bucks", not
# "bucks the trend"). Values are gazetteer names.
COUNCIL_SHORT_FORMS: dict[str, str] = {
    "Bucks": "Buckinghamshire",
    "Herts": "Hertfordshire",
    "Cambs": "Cambridgeshire",
    "Notts": "Nottinghamshire",
    "Lancs": "Lancashire",
    "Glos": "Gloucestershire",
    "Gloucs": "Gloucestershire",
    "Oxon": "Oxfordshire",
    "Wilts": "Wiltshire",
    "Worcs": "Worcestershire",
    "Staffs": "Staffordshire",
    "Leics": "Leicestershire",
    "Lincs": "Lincolnshire",
    "Derbys": "Derbyshire",
    "Hants": "Hampshire",
    "Warks": "Warwickshire",
    "Northants": "Northamptonshire",
    "Salop": "Shropshire",
    "NE Lincs": "North East Lincolnshire",
    "N Lincs": "North Lincolnshire",
    "North Lincs": "North Lincolnshire",
    "North East Lincs": "North East Lincolnshire",
    "N Yorks": "North Yorkshire",
    "North Yorks": "North Yorkshire",
    "S Glos": "South Gloucestershire",
    "South Glos": "South Gloucestershire",
    "W Sussex": "West Sussex",
    "E Sussex": "East Sussex",
    "IoW": "Isle of Wight",
    "LBTH": "Tower Hamlets",
    "H&F": "Hammersmith and Fulham",
    "LBHF": "Hammersmith and Fulham",
    "K&C": "Kensington and Chelsea",
    "B&H": "Brighton and Hove",
    "MK": "Milton Keynes",
    "Cheshire W&C": "Cheshire West and Chester",
    "CWaC": "Cheshire West and Chester",
    "Stoke on Trent": "Stoke-on-Trent",
    "Southend on Sea": "Southend-on-Sea",
    "Newcastle-upon-Tyne": "Newcastle upon Tyne",
    "Kingston-upon-Hull": "Kingston upon Hull",
    "Kingston-upon-Thames": "Kingston upon Thames",
    "Richmond-upon-Thames": "Richmond upon Thames",
}

# Council names that are also ordinary lower-case English words: a match counts only when capitalised, and not as
# the first word of a question when a determiner follows ("Reading the report, ...").
COMMON_WORD_NAMES: frozenset[str] = frozenset({"reading", "bury"})

# English words within one edit of a council name (or of a word of one): "needs" ~ Leeds, "heading" ~ Reading,
# "dealing" ~ Ealing, "narrow" ~ Harrow, "midway" ~ Medway. A misspelling is only accepted when the word typed is
# not one of these. Made from the lower-case words of Debian's British English word list (wbritish) that are one
# Damerau-Levenshtein edit from a word of a gazetteer name or alias; regenerate if the gazetteer gains names.
NEAR_MISS_WORDS: frozenset[str] = frozenset("""
aiding aisle aisles arrow babes backing bakes baking bales baling balking bandies bands bane bangs banking banks
banns bans barbing bares barfing barging baring barney baronet barring barrow bases bash basking bast batch bate
bates bathe baths bats beading beads beast bees begs bends bent best bets biding bids bight bleeds blent bones
boroughs both bounty bower braking breading brighten brunt buds bull buoy burg burly burn burp burr burs busy
button canes cast cent centrals chaster cheater cite cork cornball corporations corset count country counts cove
cower cull darken dealing deeds demon dent dork dove dreading dull ease easing easy eating eats eight faint
farrow fast feast feds feeds fees fest fight fores forests fork forth full fulness fury futon garnet gees gent
gull hackneys haling hall halon hamlet harking harrows hath have heading healing heeds hell hiding hill hive
hole home hone hope hose hovel hover hovering hula hulk hulls hurl idle idles infield islet islets jest jury
kens kept kith lanes larking last lath leading leads least leeks leers lees lends lent lest light lisle love
lower lull maidenheads manes marking marrow mast midway might mouth move mower mull mutton narking narrow needs
nest night null oath paint paling panes parking past path pealing pees pent pest pith pity plough pole poodle
pool pooled pools pork power priding pull raiding readings readying reaming reaping rearing redcap reds reeds
rending rent rest ricing ridding ridging right riling riming rising rove rower saints sealing seeds sees sent
sexton shames shove siding sight silly slouch sloughs smoke sooth sorest sough southward sower spoke stake stint
stoked stoker stokes stole stone store stove stroke surreys survey taint tames teas teed teem teems teen teens
tens tent test thees themes tiding ties tight tine toes toke tone toner towed towel towers treading treat trees
trend tune tyke type tyre vanes vast vent ventral vest waling wanes wavering weds weeds wees weest weft weight
welt went wept wets width wights wish wist witch wits work worth wove wrest wright yeast yest yock yolk yore
youth zeds zest helen
""".split())

# Words that shape a question but say nothing about its topic: dropped from the search text and from the terms an
# answer sentence must share. Negations are kept in the search text (they are content: "not in education").
QUESTION_FILLER: frozenset[str] = frozenset("""
a an the and or but of in on at for to from by with into about as than then so if
what which who whom whose when where why how whether
do does did doing done is are was were be been being am has have had having get got
can could would should shall may might must will
i me my we our us you your he she it its they them their theirs this that these those there here
say says said saying tell tells told telling find finds found finding findings note noted notes mention mentioned
think thinks thought see seen show shows showed shown describe described
inspector inspectors inspection inspections inspected reinspection re-inspection ofsted ofsted's report reports
reported compare compares compared comparing comparison versus vs v between difference differences differ
latest recent recently most last current currently newest previous earlier
please also any anything some something much many well really still just only very
since until onwards during according including now getting
""".split())

# Content words so common in the reports (or so vague in a question: "arrangements", "quality", "changed") that a
# sentence sharing only these is no answer.
GENERIC_TERMS: frozenset[str] = frozenset("""
child children young people person persons service services council councils local authority authorities
work working worker workers social care good help support supported effective effectively ensure quality
family families practice staff manager managers management leaders leadership partners partnership improve
improved improvement improving need needs better make made making use used using
arrangement arrangements quality provision response respond responded approach process processes system systems
level levels number numbers impact area areas issue issues concern concerns happen happened handle handled
change changed changes enough high higher low lower reliant doing deal dealt well much experience experiences
""".split())

# Words that signal the question wants a report kind (kept deliberately strict: the search may filter on kind).
COUNCIL_REPORT_CUES = (
    r"\bcabinet\b", r"\bcommittee\b", r"\bscrutiny\b", r"\bcouncil (report|paper|papers|meeting|minutes)s?\b",
    r"\bexecutive (report|meeting|member|board)\b", r"\bcouncillors?\b",
    r"\b(say|said|says|state|stated|promise|promised|commit|committed) (it|they) would\b",
)
OFSTED_VISIT_CUES = (r"\bmonitoring visits?\b", r"\bfocused visits?\b", r"\bvisit letters?\b")
OFSTED_INSPECTION_CUES = (r"\binspection reports?\b", r"\bofsted reports?\b", r"\bfull inspections?\b")
# Cues that say whose words the officer wants, for ranking rather than filtering.
OFSTED_SPEAKER_CUES = (
    (r"\b(inspectors?|ofsted)\s+(say|said|says|find|found|finds|note|noted|judge|judged|rate|rated|recommend|"
     r"recommended|recommends|tell|told|raise|raised|criticise|criticised|praise|praised|identify|identified|"
     r"highlight|highlighted|conclude|concluded|report|reported|observe|observed|think|thought|want)\b"),
    r"\bwhat (did|does|do) (the )?(ofsted|inspectors?|inspection|report)\b",
    r"\b(ofsted|inspectors?)'?s? (findings|recommendations|judgements?|judgments?|view|verdict)\b",
    r"\binspection (findings|recommendations)\b",
)
COUNCIL_SPEAKER_CUES = COUNCIL_REPORT_CUES + (
    r"\baction plan\b", r"\b(council|it|they) (say|said|decide|decided|agree|agreed|plan|planned|propose|proposed)\b",
    r"\bauthoris(e|ed|ation)\b", r"\bauthoriz(e|ed|ation)\b", r"\bresolved?\b", r"\bin response to\b",
    r"\bresponse to (the )?(ofsted|inspection)\b", r"\bpost[- ]ofsted\b",
)

# Inspection frameworks named in questions, by the name the index stores.
FRAMEWORK_CUES: tuple[tuple[str, str], ...] = (
    (r"\bilacs\b|\binspections? of local authority children'?s services\b", "ilacs_2018"),
    (r"\bsif\b|\bsingle inspections?\b|\bsingle inspection framework\b", "sif_2013_2017"),
    (r"\bsafeguarding and looked after children inspections?\b|\bslac\b", "slac_2009_2012"),
)

# Intent: what kind of finding the question is after (the app shows recommendations and judgements beside the
# answer; the search may prefer such paragraphs).
RECOMMENDATION_CUES = (
    r"\brecommend(s|ed|ation|ations)?\b", r"\bareas? for (improvement|development)\b", r"\bneeds? to improve\b",
    r"\bmust (do|improve)\b", r"\bwhat should\b", r"\bto improve\b", r"\bimprovements? (needed|required)\b",
    r"\bwhat (needs|need) to\b",
)
JUDGEMENT_CUES = (
    r"\bjudged\b", r"\bjudge?ments?\b", r"\bgrade[ds]?\b", r"\brated\b", r"\bratings?\b", r"\boutstanding\b",
    r"\binadequate\b", r"\brequires improvement\b", r"\boverall effectiveness\b",
)
