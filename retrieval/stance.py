"""Stance: does a paragraph praise practice, criticise it, do both, or only describe?

An officer asking "which councils were praised for X" must not be handed a criticism, so every paragraph (and every
sentence the app highlights) carries one of STANCES, read from the report's own structure and language:
- structure first: a "What needs to improve?" item, an "areas for improvement" list and a recommendation are
  concerns whatever their words; the 2013-2017 summary's "has the following strengths" list is strengths;
- then inspectors' vocabulary, sentence by sentence: approving words ("effective", "strong", "timely", "well
  supported") against shortfall words ("too many", "not yet", "delay", "inconsistent", "drift"), with negation
  ("not effective", "not always timely", "no longer") turning an approving word into a shortfall and a double
  negative ("without delay", "delays are minimised", "not left in unmanageable risk") turning a shortfall into
  approval;
- a paragraph that states at least one strength and at least one concern is mixed ("Although X is good, Y is not"):
  the label file's rule 5 (/work/shared/eval/stance_notes.md) counts a concession as a stated strength;
- availability, intent and counts without a judging word ("have access to", "a clear priority", "very few") are
  neutral, and leaders' actions whose effect is "beginning to" show are not counted as a strength.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal, TypeVar

Stance = Literal["strength", "concern", "mixed", "neutral"]
STANCES: tuple[str, ...] = ("strength", "concern", "mixed", "neutral")
_T = TypeVar("_T")

# ---- structure ------------------------------------------------------------------------------------------------------
_CONCERN_SECTION = re.compile(
    r"what needs to improve|need(?:s)? to improve|areas? for (?:improvement|development|priority action)|"
    r"recommendations?\b|requires? improvement|is inadequate|not yet good|immediate action|priority action", re.I)
# A recommendation is an instruction: it starts with what to do.
_INSTRUCTION = re.compile(r"^\W*(?:\(?[a-z0-9]{1,3}[.)]\s*)?(?:[a-z]+ly\s+)?(?:ensure|improve|increase|enhance|develop|strengthen|review|"
                          r"establish|embed|reduce|address|make sure|provide|complete|implement|introduce|raise|"
                          r"undertake|consider|evaluate|monitor|secure|clarify|agree|extend|build|put in place|"
                          r"take action|continue to)\b"
                          # "Review meetings are held on time", "Secure arrangements are in place": a noun, not an order
                          r"(?! (?:meetings?|conferences?|minutes|health|process(?:es)?|chairs?|officers?|dates?|"
                          r"timescales?|accommodation|arrangements?|units?|base|attachments?|homes?|placements?|"
                          r"relationships?)\b)", re.I)
# Under a recommendations heading, an item that opens with an order ("Scrutinise the effectiveness of ...") or
# points to the finding it answers ("... (paragraph 129)") is a recommendation whatever approving words it names.
_RECOMMENDATION = re.compile(r"^\W*(?:\(?[a-z0-9]{1,3}[.)]\s*)?(?:(?:scrutinise|scrutinize|analyse|analyze|assure|"
                             r"prioritise|prioritize|promote|publish|revise|identify|tackle|align|formalise|expedite|"
                             r"explore|seek|involve|enable|urgently|rigorously)\b(?! (?:is|are|was|were|has|have)\b)|"
                             # a word that is also a noun ("Support workers are ...", "Audit activity is ...") orders
                             # only before what it acts on
                             r"(?:support|use|track|audit|challenge|update|commission|set|take|make|work with) "
                             r"(?:the|all|a|an|each|every|their|its|that|how|whether|partners|children|young people|"
                             r"staff|managers|leaders)\b)|"
                             r"\((?:see )?paragraphs? \d+[^)]{0,40}\)\W*$", re.I)
# "Information about this local authority area > Other Ofsted inspections": other services' grades, context (the
# parent heading alone decides nothing: an old report's "Information about this area" is left open over findings)
_OTHER_INSPECTIONS = re.compile(r"^\W*other (?:ofsted )?inspections\b", re.I)
_NEUTRAL_SECTION = re.compile(r"judge?ments mean|about this inspection|information about th|inspection judgements and what",
                              re.I)
# A SIF report's "what the inspection judgements mean" text defines the grades ("A local authority that is
# inadequate is providing services where ...", "An outstanding LSCB is highly influential ..."): it judges no council.
_GRADE_DEFINITION = re.compile(
    r"^\W*an? (?:(?:local authority|lscb|local safeguarding children board)(?: that| which)?(?: is)? "
    r"(?:outstanding|good|inadequate|requires improvement)|(?:outstanding|good|inadequate) "
    r"(?:local authority|lscb|local safeguarding children board))\b", re.I)
_STRENGTH_SECTION = re.compile(r"following strengths|areas? of strength|what is working well", re.I)

# ---- words ------------------------------------------------------------------------------------------------------------
# Phrases removed before reading words: they carry judging words that do not judge here.
_NEUTRALISE = re.compile(
    r"\b(?:strengths?,? and (?:their |its )?(?:weakness(?:es)?|areas for (?:development|improvement))|"
    r"strengths,? and (?:their |its )?areas|without exception|"
    r"as well as|well[- ]?being|well (?:below|above|short|behind|over|under|within|beyond)|to be good|good level of need|for good|good practice guidance|"
    r"child protection concerns?|concerns? (?:are|is|were|was) (?:raised|identified|reported)|"
    r"poor parental|poor parenting|parental (?:poor|mental)|poor (?:mental |physical |emotional )?health|risk of harm|at risk of|good enough|"
    r"(?:has|have) not yet been (?:formally |fully |independently )?(?:evaluated|tested|measured)|"
    r"yet to be (?:formally |fully |independently )?(?:evaluated|tested|measured)|(?:has|have) not yet taken effect|"
    r"yet to take effect|yet to be (?:inspected|rated|graded|registered)|too early to (?:judge|assess|evaluate|tell|say|measure|determine|see)|"
    r"(?:are|is|were|was) not in (?:education|employment|training)|what needs to change|need(?:s)? of (?:children|young people|the child)|"
    r"children'?s? needs|their needs|assessed needs|additional needs|complex needs|needs of|"
    # "referrals which do not meet the threshold" say which referrals; "accrue time on the housing waiting list"
    r"(?:do|does|did) not meet (?:the )?(?:(?!national\b)\w+ ){0,3}thresholds?|on (?:the |a )?(?:\w+ )?waiting lists?|"
    # "providers of supported accommodation", "supported lodgings": a kind of home, not children helped
    r"supported (?:accommodation|housing|lodgings?|living|tenanc(?:y|ies)|flats?|hostels?|homes?|placements?))\b", re.I)

# Shortfall phrases (a concern wherever they stand).
_NEG_PHRASES = re.compile(
    r"\bnot yet\b|\byet to\b|\bno longer\b|\btoo (?!early\b|(?:demonstrates?|shows?|are|is|were|was|have|has|had|"
    r"benefits?|receives?|provides?|makes?|works?|values?|recognises?|spoke|speaks?|said|says?|told|tells?)\b)\w+|\bneeds? (?:to (?:be )?)?(?:improv|strengthen|develop|further|more)\w*|"
    r"\bneeds? improvement|\brequires? improvement|\bmore needs to be done|\bmore (?:work|needs) (?:is|to)\b|"
    r"\b(?:further|more) (?:work|improvement|development|progress) (?:is|are|needs to be) (?:needed|required|done|undertaken)|"
    r"\bmore \w+(?: and \w+)? (?:\w+ ){0,4}(?:is|are) (?:needed|required)\b|"
    r"\bwould (?:benefit|strengthen|improve|help)\b|\bcould be (?:greater|stronger|better|more|improved)|"
    r"\bnot (?:all|always|consistently|sufficiently|routinely|fully|enough|effective\w*|clear\w*|timely)\b|"
    r"\b(?:than|as) (?:they|it|he|she|this|these) should\b|\bshould have (?:been|\w+ed)\b|\b(?:should|must) (?:now )?(?:be )?(?:more|better|further|ensure|improve|strengthen|"
    r"consider|review|develop|increase|address|reduce)\b|\brequires? (?:further|more|greater|additional|urgent) (?:attention|work|development|focus|scrutiny|improvement)\b|\bhave not been\b|\bhas not been\b|\bhad not been\b|\bis not being\b|\bare not being\b|"
    r"\blimited (?:evidence|detail|impact|progress|capacity|oversight|understanding|use|access|range)|"
    r"\bstill (?:low|high|not|limited|variable|inconsistent|too|poor|weak|waiting|behind|below)\b|"
    r"\b(?:numerous|frequent|many|multiple|several|repeated) changes (?:of|in) (?:their )?(?:social workers?|workers?|"
    r"placements?|personal advisers?|managers?|carers?)\b|\bcould have (?:been|reduced|prevented|avoided)\b|"
    r"\b(?:found it|it is|it was|it can be|makes? it|made it) (?:\w+ )?difficult\b|"
    r"\b(?:less|fewer) than half\b|\bstretch(?:ed|es|ing) (?:the |their )?(?:service|services|capacity|resources|teams?)\b|"
    r"\b(?:affects?|affected|affecting|limits?|limited|limiting|hampers?|hampered|undermines?|undermined|restricts?|restricted|"
    r"reduces?|reduced) (?:the |their |its |his |her )?(?:\S+ ){0,3}ability\b|"
    r"\bthere (?:is|are|was|were) (?:currently |still )?no (?:\w+ ){0,2}(?:facility|facilities|system|systems|process|"
    r"plan|strategy|oversight|mechanism|record|policy|protocol|provision|analysis|framework|tracking|monitoring)\b|\b(?:is|are|was|were|remains?) limited\b|\blimited their\b|\bno (?:\w+ ){0,2}evidence\b|\bnot evident\b|"
    r"\bwait(?:ing|s|ed)? (?:too )?long|\bwaiting (?:times?|lists?)\b|\b(?:some|a long) way to go\b|"
    r"\b(?:decline|drop|fall|deterioration|reduction) in (?:performance|quality|standards|stability|timeliness)\b|"
    r"\b(?:has|have) (?:fallen|dropped|declined|deteriorated)\b|"
    # "progress between 11 and 16 is below expected levels": a performance shortfall (a count below average is not)
    r"\b(?:progress|attainment|achievement|results|performance|outcomes|attendance|timeliness)\b(?: (?!but\b|while\b|whereas\b)\S+){0,10}? "
    r"below (?:the )?(?:\w+ )?(?:expected|national|england|average|targets?|comparators?|peers)\b|"
    r"\bwork (?:is|are) still (?:required|needed)\b|\b(?:is|are|was|were|remains?|still|very|too) fragile\b|\breliant on (?:interim|agency)\b|"
    r"\bremains? (?:high|a challenge|a concern|an issue|too|low|variable|inconsistent|an? gaps?|gaps)\b|"
    r"\b(?:high|heavy|excessive|unmanageable) (?:workloads?|caseloads?|turnover)\b|\bneeds? (?:urgent|immediate) attention\b|"
    # "similar issues in relation to the consistency of practice", "issues regarding the quality ... remain"
    r"\bissues (?:with|in relation to|regarding|around|relating to|about) (?:the )?(?:\w+ ){0,2}(?:quality|consistency|"
    r"timeliness|recording|stability|sufficiency|capacity|oversight)\b|"
    r"\b(?:workloads?|caseloads?|turnover|vacanc(?:y|ies)(?: rates?)?)\b(?: (?!and\b|but\b)\S+){0,8}? (?:is|are|was|were|remains?) "
    r"(?:still |too |very |consistently )?high\b|\bchallenging for\b|"
    r"\bcould be (?:strengthened|improved|better|stronger|more|greater|clearer|developed)\b|"
    r"\b(?:negatively|adversely) (?:impact|affect)\w*|\bhas impacted on the quality\b|\bmissed opportunit\w+|"
    r"\byet to (?:make|have|be)\b|\breduces? (?:the|their) (?:ability|capacity|opportunit)\w*|"
    r"\b(?:still|more|further) (?:work )?(?:still )?to do\b|"
    # "improvements are needed", "areas for further improvement include ...", "need to become more engaged",
    # "could do more", "has difficulties in identifying placements", "the gap ... is concerning"
    r"\bimprovements? (?:is|are|was|were) (?:still )?(?:needed|required)\b|\brequiring improvement\b|"
    # "has given little consideration to", "there is more to be done", "this has impacted on children's experiences",
    # "having to stretch capacity", "the quality and accessibility of records ... vary"
    r"\blittle (?:consideration|attention|regard|focus|understanding|progress|impact|use|challenge|analysis)\b|"
    r"\b(?:more|much|further) (?:work )?(?:still )?(?:to be|that (?:needs|has) to be) done\b|"
    r"\b(?:has|have|had) impacted (?:on|upon)\b|\bstretch (?:the |their )?(?:service|services|capacity|resources|teams?)\b|"
    r"\b(?:quality|standard|consistency|timeliness|effectiveness)\b(?: (?!is\b|are\b)\S+){0,8}? var(?:y|ies|ied)\b(?! (?:according|depending|in line|with (?:need|the needs?)))|"
    # "inspectors raised concerns about the location", "inspectors identified weaknesses": a finding of this inspection
    r"\binspectors (?:\w+ )?(?:raised|had|identified|found|highlighted|shared|escalated) (?:\w+ ){0,2}"
    r"(?:concerns?|weakness(?:es)?|shortfalls?|deficits?|gaps?|issues?)\b|"
    r"\bareas? for (?:further )?(?:improvement|development) (?:include|includes|are|is)\b|"
    r"\bneeds? to (?:\w+ )?(?:further|more|greater|better)\b|\bcould (?:do|achieve|be doing) more\b|"
    r"\bdifficult(?:y|ies) (?:in |with )?(?:identifying|finding|recruiting|retaining|securing|accessing|obtaining|"
    r"getting|locating|sourcing|engaging|maintaining|meeting)\b|\b(?:is|are|was|were|remains?) (?:\w+ )?concerning\b|"
    # a low turnout is a shortfall; a low rate of harm is not, so only turnout's nouns
    r"\b(?:attendance|take-up|uptake|participation|notifications?)\b(?: \S+){0,8}? (?:is|are|was|were|remains?|"
    r"still|very|too) (?:\w+ )?low\b|\brepeated (?:contacts|referrals)\b|\bneeds? to ensure\b|"
    r"\b(?:capacity|recruitment|workforce|staffing|resourcing|sufficiency) (?:issues|pressures|problems)\b|"
    r"\bimpacts? (?:negatively |adversely )?on (?:\w+['’]? ){0,3}ability\b|\bmust ensure\b|\(recommendation\)|\bvar(?:y|ies) in\b|\bless (?:regular|strong|effective|consistent|"
    r"robust|clear|timely|well|developed|secure|successful|thorough|effectively)\b", re.I)

_NEG_WORDS = frozenset(
    "delay delays delayed drift drifted inconsistent inconsistency inconsistently inconsistencies insufficient "
    "insufficiently weak weaker weakness weaknesses poor poorly poorer inadequate inadequately ineffective "
    "ineffectively variable variability unsuitable unsafe inappropriate inappropriately underdeveloped "
    "deteriorated deteriorating declined shortfall shortfalls gaps lack lacks lacked lacking lapses slow slower "
    "slowly late lengthy unclear superficial unmet unacceptable failure failures failed fail fails "
    "unable overdue backlog absence overly backlogs infrequent reactive perfunctory deficit deficits "
    "deficiency deficiencies shortcoming shortcomings failings lagging absent worse prematurely premature dipped "
    "struggled struggles struggling confusion confused avoidable deterioration insufficiency shortage shortages "
    "frustration frustrations unmanageable undermined undermines undermining compromised compromises inhibit inhibits "
    "inhibited inhibiting disconnect disjointed curtailed curtails exacerbated exacerbates exacerbating unfortunate "
    "impeded impedes interrupted overloaded dip dips".split())

_POS_WORDS = frozenset(
    "effective effectively strong strongly stronger strength strengths good well consistent consistently timely "
    "swift swiftly prompt promptly quick quickly robust robustly thorough thoroughly comprehensive comprehensively "
    "excellent outstanding exceptional exceptionally exemplary improved improving improvement improvements "
    "positive positively success successful successfully appropriate appropriately suitable skilled skilful skilfully "
    "helpful benefit benefits benefited benefitted valued proactive proactively creative creatively tenacious "
    "tenaciously careful carefully detailed impactful aspirational relentless relentlessly tirelessly warm "
    "meaningful meaningfully accurate accurately rigorous rigorously purposeful purposefully sensitive "
    "sensitively responsive innovative reflective tailored bespoke holistic enduring efficiently efficient "
    "insightful thoughtful thoughtfully secure securely stable confident knowledgeable "
    "helps helped helping supported ensures ensured enables enabled achieved achieving achievement achievements "
    "celebrated effectiveness high-quality child-focused child-centred well-established well-considered "
    "well-supported well-targeted well-led well-managed well-coordinated well-co-ordinated well-developed "
    "well-embedded well-attended well-planned well-judged well-informed well-structured good-quality "
    "high-quality strengthened excellence praised dedicated determined passionate diligent clear clearly "
    "regularly routinely logical sensible dynamic visible accessible approachable transparent trust embedded "
    "tangible asset persistent persistently actively closely valuable enthusiastic overwhelmingly enjoy enjoys "
    "impressive sound constructive seamless seamlessly benefiting benefitting decisive decisively manageable".split())
# Words a negation turns round; an approving word preceded by one of these (within three words) is a shortfall.
# A negation of these approves: "not forgotten", "does not have to wait".
_NEG_AFTER_NOT = frozenset("wait waiting forgotten overlooked lost delayed disadvantaged ignored deter deterred hinder "
                           "hindered missing compromised complacent tempered diminished dampened weakened eroded isolation "
                           "fault faulted afraid hesitate hesitant".split())
_NEGATORS = frozenset("not no never nor without absence lack lacks lacked lacking insufficient insufficiently less few "
                      "fewer rarely seldom neither cannot can't don't doesn't didn't isn't aren't wasn't weren't "
                      "haven't hasn't hadn't won't".split())
# A shortfall word these surround is answered: "without delay", "delays are minimised", "prevent drift".
_ANSWERERS = frozenset("without prevent prevents prevented preventing minimise minimised minimises minimising "
                       "minimize minimized reduce reduced reduces reducing mitigate mitigates mitigated mitigating "
                       "avoid avoids avoided avoiding no tackle tackled tackles tackling address addressed "
                       "overcome overcomes resolved remedied eliminated free respond responded responding track tracks "
                       "tracking close closes closing closed fill filled filling bridge".split())
# Before a shortfall phrase ("waiting times", "capacity issues", "impact on their ability"), these answer it
_PHRASE_ANSWERERS = frozenset("prevent prevents prevented preventing minimise minimised minimises minimising reduce reduced "
                              "reduces reducing mitigate mitigates mitigated mitigating avoid avoids avoided avoiding tackle "
                              "tackled tackles tackling address addressed addresses addressing overcome overcomes resolved "
                              "remedied eliminated".split())
_LINKS = frozenset("and but or it this they is are was were has have had been be being that which who".split())
# After the shortfall word only a passive participle answers it ("delays are minimised", "gaps have been closed"):
# "poor, resulting in no children being identified" and "delay in responding to notifications" are not answered.
_ANSWERED_AFTER = frozenset("prevented minimised minimized reduced mitigated avoided tackled addressed overcome resolved "
                            "remedied eliminated closed filled bridged rare uncommon".split())
_WHO = frozenset("who whose those whom".split())
# A weakness named as still there ("a recommendation at the last inspection", "remains") is found now as well.
_STILL_NOW = re.compile(r"\b(?:recommendations?|still|remains?|remained|continues?|continued|again|persists?|"
                        r"persisted|persistent)\b", re.I)
# stance_notes rule 9: a weakness that was, or that leaders see ahead of them, is not a shortfall found now.
_PAST_OR_AWARE = re.compile(r"\b(?:previously|historically|(?:long |a )?history of|in the past(?! (?:\d+|few|two|three|four|six|twelve|"
                            r"eighteen|year|month|week|quarter)\b)|at the (?:last|previous) inspection|(?:was|were) (?:judged|found to be)|"
                            r"(?:had |have |has )?already (?:identified|recognised|recognized)|(?:much |greatly )?improved from|"
                            r"found to be (?:\w+ ){1,4}in (?:19|20)\d\d|"
                            r"(?:leaders|managers|the local authority|the council)(?: \w+){0,2} (?:see|sees) the need|"
                            r"recognises? (?:that )?(?:more|the need|they (?:have|need) more)|"
                            r"(?:know|knows|recognise[sd]?|recognising|recognition|acknowledge[sd]?|(?:is|are|was|were) (?:\w+ )?aware|understand)"
                            r"(?: that)?(?: \S+){0,20}? (?:needs? to do more|(?:still )?(?:more|further|some) (?:work )?"
                            r"(?:still )?to do|(?:the|a) need|improvements? (?:is|are) (?:still )?(?:needed|required))|"
                            r"(?:open|honest|transparent) (?:\w+ )?(?:with inspectors )?about)\b",
                            re.I)
_CONDITIONAL = frozenset("if unless whether may might".split())
# "when it is not safe", "when rehabilitation cannot be achieved": circumstances of a family, not a finding.
_CIRCUMSTANCE = frozenset("when where if unless whenever wherever why".split())
# A sentence holds a strength and a concern only when a contrast sets them apart ("Although X is good, Y is not").
_CONTRAST = re.compile(r"\b(?:however|although|though|but|while|whilst|despite|yet|nevertheless|nonetheless|except|"
                       r"even so|in contrast|conversely|equally)\b|;", re.I)
# Effect not yet shown: the approving words of such a sentence are not a strength (stance_notes rule 3).
_NOT_YET_SHOWN = re.compile(r"\b(?:beginning to|starting to|begun to|started to|early stage|too early|at an early|"
                            r"yet to be (?:fully )?(?:realised|seen|embedded|evaluated|tested)|not yet embedded|"
                            r"are working to|is working to|plans? to|(?:plans?|strateg(?:y|ies)) (?:is |are )?(?:already |now )?in place|"
                            r"challenges? to (?:improve|achieve|establish|develop|deliver|raise|secure|sustain|embed|"
                            r"ensure|maintain|increase|reduce|recruit)|"
                            r"(?:is|are) to be (?!commended|congratulated|praised)(?:made|done|\w+ed)\b|intend|determined to|(?:is|are) committed to|the need (?:for|to)|(?:implemented|introduced|developed|launched|"
                            r"agreed|put in place|produced|written) (?:an? |the |its |their )?(?:new )?(?:\w+ ){0,2}"
                            r"(?:plan|strategy|action plan|policy)\b|will be|(?<!not )(?<!n.t )wants? (?:each|every|all|children|to)|"
                            r"aims? to|the aim of|striv(?:e|es|ing)|aspire|yet to (?:show|demonstrate|have an? (?:impact|effect))|"
                            r"no (?:\w+ )?evidence of (?:the )?impact|(?:is|are) in progress|imminent)\b", re.I)

_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"'’”)]*\s+(?=[A-Z0-9‘“'\"(•\-–])|\n\s*[•\-–]\s*")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’-]*", re.I)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (and bullet items), keeping each sentence's own words."""
    parts = [s.strip() for s in _SENTENCE_END.split(text or "")]
    return [s for s in parts if s]


# "When risks increase, or progress is not being achieved, ...", "Following an inadequate judgement in 2012, ...":
# when something happens or what came before, not how well it is done now.
_LEAD_CLAUSE = re.compile(r"^\W*(?:when|whenever|if|where|wherever|unless|once|should|following|after|faced with|"
                          r"in the face of|in response to|since (?:the|its|their|our) (?:last |previous |most recent |"
                          r"(?:19|20)\d\d )?(?:\w+ )?(?:inspection|visit))\b[^,;]*"
                          r"(?:,\s*(?:or|and|which|when|where|who)\b[^,;]*)*,", re.I)


# A sentence-initial connective contrasts with the sentence before, not within this one.
_OPENING_CONNECTIVE = re.compile(r"^\W*(?:however|but|yet|nevertheless|nonetheless|even so|that said|in contrast|"
                                 r"conversely|despite this|in spite of this|additionally|equally|also|furthermore|further(?=,))"
                                 r"\b,?\s*", re.I)
# Where a sentence turns: each side is read on its own ("X is good, but Y is not").
_CLAUSE_TURN = re.compile(r"\b(?:however|but|nevertheless|nonetheless|even so|in contrast|conversely)\b|"
                          r"(?=\b(?:although|though|while|whilst|despite|notwithstanding)\b)|"
                          r";(?!\s*(?:for example|for instance|including|such as)\b)|"
                          r",\s*(?=with (?:only |the exception|a (?:few|small|very small)\b|some\b|isolated\b))", re.I)
_CONCESSIVE_OPENING = re.compile(r"^\W*(?:although|though|even though|while|whilst|despite|in spite of|notwithstanding)\b"
                                 r"[^,]*,", re.I)
# Inspectors discounting a shortfall they name (stance_notes hard case 4: "These delays have generally been brief"):
# the sentence states no weakness.
_DISCOUNTED = re.compile(r"\b(?:(?:is|are|was|were|has|have|did|does|do) not (?:been )?(?:having|had|have|having had) (?:a |any )?"
                         r"(?:significant |negative |adverse |detrimental )?(?:impact|effect)|not impacting (?:\w+ )?"
                         r"(?:significantly|negatively|adversely)|(?:is|was|are|were) not widespread|"
                         r"(?:generally|have been|has been|were|was) (?:\w+ )?(?:brief|minimal|minor|short-lived)|"
                         # "although no detrimental impact was found", "this does not prevent most young people from
                         # developing ...", "understandably at different stages", "due to external factors"
                         r"no (?:\w+ )?(?:detrimental|negative|adverse|significant) (?:impact|effect)|"
                         r"(?:does|did|has|have|do) not prevent(?:ed)? (?:\w+ ){0,4}from|understandabl[ey]|"
                         r"due to external factors|unavoidabl[ey]|(?:cannot|could not|can['’]t) be (?:avoided|expedited|prevented)|(?:outside|beyond) (?:of )?(?:the (?:local )?authority['’]s|their|its) control)\b",
                         re.I)


def _clauses(sentence: str) -> list[str]:
    """The sides of a sentence's contrasts: a concession ("Although X, Y", "..., and, although improving, Y is
    not") ends at its comma."""
    body = _OPENING_CONNECTIVE.sub("", sentence)
    out: list[str] = []
    for piece in _CLAUSE_TURN.split(" " + body):
        m = _CONCESSIVE_OPENING.match(piece)
        if m:
            out.append(m.group(0))
            piece = piece[m.end():]
        out.append(piece)
    return [c for c in out if c.strip()]


# A turn that says the clause before has not shown its effect, its subject left out: "..., but is yet to have an
# impact", "..., but has not yet been embedded"
_ELIDED_NOT_YET = re.compile(r"^\W*(?:and |but )?(?:(?:it|this|they|these|which) )?(?:is|are|has|have|had)\s+"
                             r"(?:yet to (?:have|show|demonstrate|make|be (?:fully )?(?:embedded|realised|seen|evaluated|tested))|"
                             r"not yet (?:embedded|had|shown|demonstrated|evident|been (?:fully )?(?:embedded|evaluated|tested)))\b",
                             re.I)


# A challenge the council faces, stated as context (stance_notes hard case 9: "Placement sufficiency is an ongoing
# challenge and senior leaders have met this challenge head on"; "Although recruitment remains a challenge, the
# local authority targets recruitment well"): not a shortfall when the same sentence approves how it is met.
_CHALLENGE = re.compile(r"\b(?:(?:remains?|is|are|was|were|has been|have been|continues? to be) (?:an? )?(?:ongoing |"
                        r"significant |considerable |continuing |national |key |real )?challeng(?:e|es|ing)|an? (?:ongoing|"
                        r"significant|considerable|continuing|national) challenge)\b", re.I)


def _cues(sentence: str) -> tuple[int, int]:
    """(approving cues, shortfall cues) in one sentence. Approving words in the same clause as a shortfall are
    part of it ("does not consistently capture the positive support"); only a turn of the sentence ("X is good,
    but Y is not", "Although X, Y") lets one sentence state both."""
    # "When risks increase, or progress is not being achieved, children are considered ...": the opening clause
    # says when something happens, the rest of the sentence how well it is done
    sentence = _LEAD_CLAUSE.sub(" ", sentence)
    pos = neg = challenges = 0
    last = 0
    for clause in _clauses(sentence):
        p, n = _clause_cues(clause)
        if n and _CHALLENGE.search(clause):
            p_met, n_met = _clause_cues(_CHALLENGE.sub(" ", clause))
            if not n_met:  # its only shortfall is a challenge the council faces: context if the sentence meets it
                challenges += n
                p, n = p_met, 0
        if _ELIDED_NOT_YET.match(clause):
            pos -= last  # "a positive step, but is yet to have an impact": the step's effect is not shown (rule 3)
        last = 0 if n or _NOT_YET_SHOWN.search(clause) else p
        pos += last
        neg += n
    if not pos:
        neg += challenges  # "Sufficiency remains a challenge." stands as a shortfall when nothing meets it
    past = _PAST_OR_AWARE.search(sentence)
    if past and _STILL_NOW.search(sentence) and re.match(r"previously|historically|in the past|at the", past.group(0), re.I):
        past = None  # "..., which was a recommendation at the previous inspection": still a finding now
    if neg and (past or _DISCOUNTED.search(sentence)):
        neg = 0  # a problem in the past, leaders' own view of what to do next, one discounted: not a finding
    return pos, neg


# Practice reaching its aim, said without an approving word (stance_notes rule 1).
_POS_PHRASES = re.compile(r"\b(?:get|gets|got|receive|receives|received) (?:the )?(?:right )?(?:help|support|services?)"
                          r"(?: and (?:help|support))? (?:that )?(?:they|he|she) (?:need|needs|needed|require)|"
                          r"\b(?:get|gets|got|receive|receives|received|given|provided with) (?:the )?right (?:level of )?"
                          r"(?:help|support|services?)\b|"
                          r"(?<!\bto )\b(?:meets?|met|meeting|match(?:es|ed)?) (?:their|the|children['’]s|young people['’]s|his|her) "
                          r"(?:\w+ ){0,2}needs?\b|\bbetter than\b|"
                          r"\bprogress (?:has been |that has been |was )?made\b|\bmade (?:\w+ )?progress\b|"
                          # children's own view of their care, and effort inspectors credit
                          r"\b(?:feel|feels|felt) (?:\w+ )?(?:listened to|heard|safe)\b|\bwork(?:ed|s|ing)? (?:very |extremely |exceptionally )?hard\b|"
                          # "I would not be where I am now"; "needs are identified and addressed"; "plans ... help track"
                          r"\bwould(?: not|n['’]t) (?:be|have got|have been) where\b|"
                          r"\b(?:identified|recognised|assessed) and (?:addressed|met|responded to|managed|acted (?:up)?on)\b|"
                          r"\b(?:would not|wouldn['’]t|do not|don['’]t) want to (?:\w+ ){0,2}anywhere else|second to none|"
                          r"\bclose (?:partnership|working|collaboration|liaison|links?|relationships?)\b|"
                          # "have seen the attainment gap between them and their peers narrow", "the gap is closing"
                          r"\b(?:attainment|achievement) gaps?\b(?: (?!to\b)\S+){0,10}? (?:narrow(?:ed|ing|s)?|clos(?:ed|ing|es))\b|"
                          r"(?<!\bto )\b(?:narrowed|narrowing|closed|closing) the (?:\w+ )?gaps?\b|\b(?:of (?:a )?)?high quality\b|"
                          r"\b(?:spoke|speak|speaks|spoken) (?:very )?highly\b|\b(?:could|can)(?:not|n['’]t| not) (?:thank|praise) (?:\w+ ){0,2}enough\b|"
                          r"(?<!\bto )(?<!\bwill )(?<!\bearly )(?<!\bcould )\bhelp(?:s|ed)? (?:(?:young people|children|families|parents|"
                          r"carers|them|care leavers) )?(?:to )?(?:overcome|cope|achieve|stay|remain)\b|"
                          r"(?<!\bto )\b(?:increased|raised|enhanced|developed|improved|strengthened) (?:their|staff['’]?s?|workers['’]?|"
                          r"practitioners['’]?|professionals['’]?|carers['’]?) (?:\w+ ){0,2}(?:knowledge|confidence|understanding|"
                          r"skills|awareness)\b|"
                          r"\b(?:and|which|that) help (?:to )?(?:track|identify|reduce|improve|prevent|understand|build|"
                          r"develop|keep|inform|shape)\b", re.I)
# After "no longer": a bad thing gone is an improvement, a status is neither ("no longer effective" is a shortfall)
_NO_LONGER_BAD = frozenset("high wait waits waiting bed b&b unsuitable concern issue problem too".split())
_NEEDING = frozenset("need needs require requires want wants wish".split())
_NO_LONGER_STATUS = frozenset("able looked in need needs required eligible subject wish wishes wished want wants wanted "
                               "require requires".split())
# What "no evidence of ..." can rule out: "no evidence of children being left at risk of harm"
_HARM = frozenset("risk harm harmed unsafe unprotected".split())
# "where a return home would be unsafe": a hypothetical circumstance, not a finding ("where plans would benefit from
# more detail" is one)
_HYPOTHETICAL = re.compile(r"\b(?:where|when|if)\b[^,;.]*?\bwould (?!benefit|have benefit)[^,;.]*", re.I)
# Words of finding or answering a shortfall: "audits identify any gaps", "challenging external delays", "the
# response to a recent decline"
_DETECTING = re.compile(r"\b(?:identif(?:y|ies|ying)|pick(?:s|ing)? up|challeng(?:ing|ed)|respon(?:ses?|ds?|ding) to)\b", re.I)
# Fewer of a bad thing: "persistent absence is reducing", "delays have fallen"
_FALLING = frozenset("reducing falling fallen decreasing decreased declining declined dropped dropping lower".split())
_FALL = re.compile(r"(?:has|have) (?:fallen|dropped|declined)\b", re.I)
_BAD_THINGS = frozenset("absence absences exclusion exclusions moves referrals re referrals caseloads workloads turnover "
                        "vacancy vacancies agency delay delays drift missing neet waiting offending reoffending "
                        "suspensions episodes".split())
# A short quoted name ("the ‘It’s not OK’ campaign") is a title, not a finding.
_QUOTED_NAME = re.compile(r"[‘“\"][^‘“\"\n]{1,40}?[’”\"](?=\s+(?:campaign|project|programme|strategy|initiative|model|"
                          r"approach|team|service|group|panel|scheme|framework|event|awards?)\b)", re.I)
_TRUST_EARNED = frozenset("build builds built building gain gains gained gaining earn earned of mutual establish "
                          "established develop developed and".split())
# "..., to ensure that all decisions are timely": what something is for, not how well it is done.
_PURPOSE = re.compile(r"\b(?:to ensure|in order to|so as to)\b[^,;]*", re.I)
_NOT_A_FINDING_BEFORE_ENSURE = frozenset("to should must will would could can may might not and or help please needs need "
                                         "required requires".split())
# "without" before one of these is an omission found ("closed without ensuring ..."), not "without delay".
_OMITTED = frozenset("ensuring considering checking seeing assessing addressing recording identifying consulting "
                     "involving exploring analysing analyzing reviewing understanding establishing".split())
# "do not challenge poor practice", "did not recognise the delays": a negated action on a shortfall leaves it
_ACTING_ON = frozenset("challenge challenged challenges recognise recognised recognises identify identified identifies "
                       "escalate escalated escalates notice noticed act acted respond responded".split())
# "the home address of only one care leaver is not known": the exceptions counted, a double negative like "very few"
_SMALL_NUMBERS = frozenset("one two three four 1 2 3 4".split())
_PRONOUNS = frozenset("they he she it this these there".split())
# After a negation, what someone chooses: "should they not wish to stay", "do not want to be in touch"
_CHOICE = frozenset("wish wishes wished want wants wanted choose chooses chose".split())
_LIVING = frozenset("live living stay remain return be go attend".split())
_CLAUSE_END = frozenset("when where which because while whilst although though but so".split())
# "respect and trust" is trust earned; "the council and trust" names two organisations
_RAPPORT = frozenset("respect confidence rapport honesty openness warmth relationships relationship care".split())
_DETERMINERS = frozenset("a an the its their two three new this these".split())
# Before a delay, these say inspectors found it right ("appropriate, adopter-led delays", "agreed delays")
_JUSTIFIED = frozenset("appropriate agreed planned justified necessary purposeful adopter-led family-led child-led "
                       "parent-led court-directed".split())
_ARRANGEMENTS = frozenset("team teams service services unit units hub hubs board panel panels".split())


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the matched phrases replaced by a space (one scan of the long phrase pattern, not two)."""
    if not spans:
        return text
    parts, at = [], 0
    for start, end in spans:
        parts.append(text[at:start])
        parts.append(" ")
        at = max(at, end)
    parts.append(text[at:])
    return "".join(parts)


def _rest_of_clause(toks: list[str], i: int, reach: int) -> set[int]:
    """The positions of up to `reach` tokens after token i, up to the end of its clause: the words a negation or an
    omission has already accounted for."""
    out: set[int] = set()
    for j in range(i + 1, min(len(toks), i + 1 + reach)):
        if toks[j] in _CLAUSE_END:
            break
        out.add(j)
    return out


def _clause_cues(sentence: str) -> tuple[int, int]:
    s = _HYPOTHETICAL.sub(" ", _PURPOSE.sub(" ", _QUOTED_NAME.sub(" ", sentence)))
    neg = 0
    pos = 0
    for m in _POS_PHRASES.finditer(s):
        before = s[max(0, m.start() - 40):m.start()].lower().split()[-4:]
        if set(before) & (_NEGATORS | {"not", "never", "little", "cannot"}) or any(w.endswith("n't") for w in before):
            neg += 1  # "do not get the help they need", "little progress has been made"
        else:
            pos += 1
    s = _NEUTRALISE.sub(" ", _POS_PHRASES.sub(" ", s))
    # Phrases first; their words are then blanked so a phrase counts once.
    found = list(_NEG_PHRASES.finditer(s))
    spans = [(m.start(), m.end()) for m in found]
    for k, m in enumerate(found):
        before = s[max(0, m.start() - 40):m.start()].lower().split()[-4:]
        if m.group(0).lower() == "no longer":
            after = list(_TOKEN.finditer(s[m.end():m.end() + 60]))[:5]
            words = [w.group(0).lower() for w in after]
            bad = [j for j, w in enumerate(words) if w in _NEG_WORDS or w in _NEG_AFTER_NOT or w in _NO_LONGER_BAD]
            if bad:  # "children no longer wait", "are no longer placed in bed and breakfast": an improvement
                pos += 1
                spans[k] = (m.start(), m.end() + after[bad[-1]].end())
                continue
            if words[:1] and words[0] in _NO_LONGER_STATUS:
                continue  # "when children are no longer able to live at home", "no longer looked after": a status
        if re.match(r"no (?:\w+ ){0,2}evidence$", m.group(0), re.I):
            after = list(_TOKEN.finditer(s[m.end():m.end() + 80]))[:8]
            words = [w.group(0).lower() for w in after]
            bad = [j for j, w in enumerate(words) if w in _NEG_WORDS or w in _HARM]
            if words[:1] in (["of"], ["that"]) and bad:  # "no evidence of drift or delay": a double negative approves
                pos += 1
                spans[k] = (m.start(), m.end() + after[bad[-1]].end())
                continue
        if m.group(0).lower() == "not all" and set(_TOKEN.findall(s[m.end():m.end() + 40].lower())[:4]) & _NEEDING:
            continue  # "not all children in need require a social worker": a count of who needs what, no shortfall
        if before[-1:] in (["no"], ["without"]) or "no" in before[-3:] and re.match(r"(?:too|wait)\w*\b", m.group(0), re.I):
            pos += 1  # "there is no waiting list", "no child waits too long": a double negative approves
        elif re.match(r"(?:needs?|more|further)\b", m.group(0), re.I) and {"where", "what"} & set(before):
            continue  # "where they need to improve", "where more assurance is required": what a process finds
        elif re.match(r"needs?\b", m.group(0), re.I) and before[-1:] == ["the"]:
            continue  # "the need to improve sufficiency": a need someone names, not a finding that it needs to
        elif _DETECTING.search(" ".join(before)):
            pos += 1  # "the response to a recent decline in performance": the shortfall is what practice answers
        elif set(before) & _PHRASE_ANSWERERS and not set(before) & _NEGATORS and not set(
                before[max(j for j, w in enumerate(before) if w in _PHRASE_ANSWERERS) + 1:]) & _LINKS:
            # the phrase is what the verb acts on ("reduced waiting times"), not a new clause ("has been reduced and
            # it is not always ...")
            at = max(j for j, w in enumerate(before) if w in _PHRASE_ANSWERERS)
            if "to" in before[max(0, at - 2):at]:
                continue  # "an increase in staffing to reduce waiting times": what it is for, no finding either way
            pos += 1  # "has reduced waiting times", "tackled the capacity issues": the shortfall answered
        elif _FALL.match(m.group(0)) and set(s[:m.start()].lower().replace("-", " ").split()[-12:]) & _BAD_THINGS:
            pos += 1  # "the percentage of repeat referrals has fallen": fewer of a bad thing is an improvement
        elif not ((_CONDITIONAL | {"when", "whenever"}) & set(before)
                  or _WHO & set(before) and not re.match(r"ha(?:ve|s|d)\b", m.group(0), re.I)):
            neg += 1  # "children who are still waiting" describes; "children who have not been seen" finds
    s = _blank(s, spans)
    matches = list(_TOKEN.finditer(s))
    toks = [m.group(0).lower().replace("’", "'") for m in matches]
    # where each token's clause starts (after the last comma, semicolon or colon before it)
    starts, at = [], 0
    for i, m in enumerate(matches):
        if i and re.search(r"[,;:]", s[matches[i - 1].end():m.start()]):
            at = i
        starts.append(at)
    used: set[int] = set()
    for i, t in enumerate(toks):
        if i in used:
            continue
        if t in _NEG_WORDS:
            answered = set(toks[max(0, i - 6):i]) & _ANSWERERS or set(toks[max(0, i - 3):i]) & {"fewer", "rarely", "seldom"} or _DETECTING.search(" ".join(toks[max(0, i - 6):i])) \
                or set(toks[i + 1:i + 8]) & _ANSWERED_AFTER or any(
                    w in _ANSWERED_AFTER and toks[j - 1] in ("been", "being") for j, w in enumerate(toks[:i + 13]) if j > i + 1) or set(toks[i + 1:i + 13]) & {"rare", "uncommon"} or set(toks[i + 1:i + 4]) & _FALLING or (
                "without" in toks[i + 1:i + 5] and "would" in toks[max(0, i - 4):i])  # "would be worse without"
            if set(toks[max(0, i - 6, starts[i]):i]) & {"when", "whenever", "if", "unless"}:
                continue  # "when they are unable to live together", "when deficits are identified": a circumstance
            if set(toks[max(0, i - 3):i]) & _WHO:
                continue  # "children who are persistently absent": who a service is for
            if toks[i - 1:i] and toks[i - 1] in ("minor", "slight", "slightly", "marginally"):
                continue  # "minor delays", "slightly slower": inspectors weighing a shortfall as small (hard case 4)
            if t in ("delay", "delays", "delayed") and set(toks[max(0, i - 3):i]) & _JUSTIFIED:
                continue  # "due to appropriate, adopter-led delays": a delay inspectors call right is no shortfall
            if answered:
                pos += 1
            elif t in ("late", "unable") and set(toks[max(0, i - 2):i]) & {"too", "is", "are"} == set():
                continue
            else:
                neg += 1
            continue
        if t in ("not", "never", "n't", "cannot") or t.endswith("n't"):
            ahead = toks[i + 1:i + 7]
            # the negation reaches to the end of its clause: "was not maintained in 2015, when results dipped"
            for j, w in enumerate(ahead):
                if w in _CLAUSE_END:
                    ahead = ahead[:j]
                    break
            few = [j for j in range(max(0, i - 5), i) if toks[j] == "few" and toks[j - 1:j] != ["a"]
                   or toks[j] in _SMALL_NUMBERS and toks[j - 1:j] == ["only"]]
            if few and not set(toks[few[0]:i]) & _WHO:
                pos += 1  # "very few care leavers are not in touch": a double negative ("a few ... not" is a shortfall)
                continue
            if set(toks[max(0, i - 3):i]) & _WHO and toks[i - 1] not in ("have", "has", "had"):
                continue  # "children who are not in school": who the service is for, not how well it serves them
                # (but "children who have not been contacted" is a finding); nor a double negative with what follows
            double = [j for j, w in enumerate(ahead) if w in _NEG_WORDS or w in _NEG_AFTER_NOT or re.match(
                r"un(?!der|til|ti\b|i|less)\w{4,}|dis(?!cuss|cus|abl|tri|tin|play|pos|cern|cover|clos|charg|tan|patch)\w{4,}", w)]
            if double:
                used.add(i + 1 + double[0])
                if set(ahead[:double[0]]) & (_ANSWERERS | _ACTING_ON):
                    neg += 1  # "have not tackled the failures", "has not addressed the delays": a shortfall left
                else:
                    pos += 1
                continue
            if set(toks[max(0, i - 5):i]) & _CONDITIONAL or set(toks[:i]) & {"if", "unless"} \
                    or set(toks[max(0, i - 4):i]) & _CIRCUMSTANCE:
                # "escalation if risk is not reducing or change is not sustained": a condition, not a finding
                continue
            if "unless" in ahead:
                continue  # "children do not move unless the plan is for them to": a safeguard, not a shortfall
            if ahead[:1] in (["prevent"], ["prevents"], ["stop"], ["stops"]) and "from" in ahead \
                    and not set(ahead) & _NEG_WORDS:
                pos += 1  # "this does not prevent young people from developing trusting relationships"
                continue
            if ahead[:1] == ["able"] and ahead[1:2] == ["to"] and ahead[2:3] and ahead[2] not in _LIVING:
                neg += 1  # "they are not able to provide enough oversight": a shortfall (not "not able to live at home")
                used |= _rest_of_clause(toks, i, 15)  # what they cannot do is not also a strength or an answered shortfall
                continue
            if toks[i - 2:i - 1] == ["should"] and toks[i - 1] in _PRONOUNS:
                continue  # "should they not wish to stay with their carer": an inverted condition, not a finding
            if toks[i - 1:i] == ["should"] and ahead[:1] and ahead[0] in _LIVING - {"be", "go", "attend"}:
                continue  # "brothers and sisters should not live together": a decision about a child's home
            if ahead[:1] and ahead[0] in _CHOICE:
                continue  # "young people who do not wish to engage", "chose not to": a choice, not a shortfall
            if ahead[:1] in (["only"], ["just"], ["simply"], ["merely"], ["safe"], ["possible"], ["able"], ["many"], ["to"]) \
                    or ahead[:2] in (["be", "achieved"], ["have", "to"], ["need", "to"]):
                # "chose not to be moved", "do not have to buy in", "does not need to": no shortfall
                continue
            neg += 1
            for j, w in enumerate(ahead[:3]):
                if w in _POS_WORDS:
                    used.add(i + 1 + j)
            continue
        if t == "without" and toks[i + 1:i + 2] and toks[i + 1] in _OMITTED:
            neg += 1  # "closed without ensuring that families are directed to appropriate support": an omission
            used |= _rest_of_clause(toks, i, 11)
            continue
        if t == "trust" and not (set(toks[max(0, i - 2):i]) & (_TRUST_EARNED - {"and"})
                                 or toks[i - 1:i] == ["and"] and toks[i - 2:i - 1] and toks[i - 2] in _RAPPORT):
            continue  # "the NHS foundation trust", "the trust" (an organisation) judge nothing
        if t == "ensuring" and i > 0 and toks[i - 1] in ("is", "are", "was", "were", "been"):
            t = "ensures"  # "assessments are ensuring that children are safe": a finding, not a purpose
        if t.endswith("ing") and t in _POS_WORDS and toks[i - 1:i] == ["to"]:
            continue  # "commit resources to achieving its priorities": an aim
        if t == "ensure" and i > 0 and toks[i - 1] not in _NOT_A_FINDING_BEFORE_ENSURE:
            t = "ensures"  # "pathway plans ensure that support is in place": a finding (not "should ensure")
        if t in _POS_WORDS:
            avail = [j for j in range(max(0, i - 6), i) if toks[j] in ("access", "available", "availability")]
            if avail and not set(toks[avail[-1]:i]) & {"is", "are", "was", "were", "remains", "remain"}:
                continue  # "have access to the appropriate services": availability, not delivery (rule 7)
            if t == "dedicated" and toks[i - 1:i] and toks[i - 1] in _DETERMINERS:
                continue  # "a dedicated team": a team for one job, not praise of its staff
            if t == "supported" and toks[i + 1:i + 2] == ["by"] and set(toks[max(0, i - 3):i]) & _ARRANGEMENTS:
                continue  # "these teams are supported by ...": how services are arranged, not children helped
            if set(toks[max(0, i - 3):i]) & _NEGATORS or toks[max(0, i - 3):i - 1] == ["little", "evidence"]:
                if not set(toks[max(0, i - 6):i]) & _CIRCUMSTANCE:
                    neg += 1
            else:
                pos += 1
    return pos, neg


def sentence_stance(sentence: str) -> Stance:
    """One sentence's stance, for highlighting the sentences of a paragraph."""
    pos, neg = _cues(sentence)
    if pos and neg:
        return "mixed"
    if pos:
        return "strength"
    if neg:
        return "concern"
    return "neutral"


def sentence_stances(text: str) -> list[tuple[str, Stance]]:
    """Each sentence of a paragraph with its stance, in order."""
    return [(s, sentence_stance(s)) for s in sentences(text)]


def _structural(text: str, section: str | None, part: str | None) -> Stance | None:
    """The stance the report's structure gives. A heading can be misread (an old report's "Areas for improvement"
    heading left open over the next section's findings), so a concern section decides only for an instruction or a
    paragraph that approves nothing."""
    if _INSTRUCTION.search(text or ""):
        return "concern"
    last = (section or "").split(" > ")[-1]
    if re.search(r"what needs to improve|need(?:s)? to improve\?", last, re.I):
        return "concern"  # the inspection framework's own list of shortfalls
    if part == "recommendations" or _CONCERN_SECTION.search(last):
        if re.search(r"\bshould\b", text or "") or _RECOMMENDATION.search(text or "") \
                or not any(_cues(s)[0] for s in sentences(text)):
            return "concern"
        return None
    if _STRENGTH_SECTION.search(last):
        return "strength"
    if _NEUTRAL_SECTION.search(last) or re.search(r"judge?ments mean", section or "", re.I) or _OTHER_INSPECTIONS.search(last) \
            or _GRADE_DEFINITION.match(text or ""):
        return "neutral"
    return None


_GRADE_TABLE = re.compile(r"\b(outstanding|good|requires improvement(?: to be good)?|inadequate|adequate)\b", re.I)


def _judgement_stance(text: str) -> Stance:
    grades = {g.lower() for g in _GRADE_TABLE.findall(text)}
    good = bool(grades & {"outstanding", "good"} - {"requires improvement to be good"})
    bad = bool(grades & {"requires improvement", "requires improvement to be good", "inadequate"})
    return "mixed" if good and bad else "strength" if good else "concern" if bad else "neutral"


def stance(text: str, section: str | None = None, part: str | None = None) -> Stance:
    """The stance of a paragraph: structure ("what needs to improve", recommendations) first, then its sentences."""
    fixed = _structural(text, section, part)
    if fixed:
        return fixed
    if (section or "").split(" > ")[-1].strip().lower() == "judgements":
        return _judgement_stance(text)
    strong = weak = 0
    for s in sentences(text):
        pos, neg = _cues(s)
        strong += pos > 0
        weak += neg > 0
    if strong and weak:
        return "mixed"
    if strong:
        return "strength"
    if weak:
        return "concern"
    return "neutral"


# ---- filtering by stance (Compare, Themes, the action plan's evidence) ----------------------------------------------
def _stance_of(item: object) -> str | None:
    return item.get("stance") if isinstance(item, dict) else getattr(item, "stance", None)


def keep_stance(items: Iterable[_T], wanted: str | None, of: Callable[[_T], str | None] = _stance_of) -> list[_T]:
    """What a stance filter keeps, in the order to show it. Asking for strengths (or concerns) keeps the items that
    say so and the mixed ones after them (a strength stated beside a concern is still a strength stated); asking for
    mixed or neutral keeps only those. Items keep their order within each group; `wanted` None keeps everything.
    ValueError for a stance not in STANCES, naming the choices."""
    items = list(items)
    if wanted is None:
        return items
    if wanted not in STANCES:
        raise ValueError(f"unknown stance {wanted!r}: choose one of {', '.join(STANCES)}")
    rank = {wanted: 0, "mixed": 1} if wanted in ("strength", "concern") else {wanted: 0}
    return sorted((it for it in items if of(it) in rank), key=lambda it: rank[of(it)])
