"""Stance (retrieval/stance.py): strength, concern, mixed or neutral, from the report's structure and language.

Sentences are inspectors' own, from reports in the shared corpus (bench/labels/stance_own*.jsonl hold the whole
paragraphs, labelled by reading them); the CLI tests read the real reports in corpus/ through the session index.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, cli_json

from retrieval.stance import STANCES, sentence_stance, sentence_stances, stance

LABELS = [ROOT / "bench" / "labels" / f"stance_own{part}.jsonl"
          for part in ("", "_third", "_fourth", "_fifth", "_sixth", "_seventh", "_eighth", "_ninth_a", "_ninth_b",
                       "_ninth_c", "_tenth")]
# Held out: scored by name (bench/stance_check.py FILE), never studied, so no test tunes the rules to them.
HELDOUT = sorted((ROOT / "bench" / "labels").glob("stance_own_heldout*.jsonl"))


@pytest.mark.parametrize("text, want", [
    # inspectors' approving words
    ("Children in need of help and protection receive a timely and effective service.", "strength"),
    ("Care leavers who are parents are well supported.", "strength"),
    # shortfall words
    ("Reviews for children in need are not frequent enough to support good manager oversight. This has led to "
     "drift in progress for a small group of children.", "concern"),
    ("Some children still experience too many changes of social worker.", "concern"),
    # negation turns an approving word round
    ("Early help services in Plymouth are not integrated effectively with children's social care.", "concern"),
    ("IROs are not fulfilling their roles effectively.", "concern"),
    # a double negative approves
    ("The front-loading of assessments ensures that matters progress swiftly and delays in determining "
     "permanence for children are minimised.", "strength"),
    ("Plans are effective in order to meet a child's needs without delay.", "strength"),
    # contrast: both
    ("An effective LADO service provides prompt and appropriate advice. However, within the fostering service, "
     "referrals were not made to the LADO as swiftly as they should have been.", "mixed"),
    ("While some elements of supervision are reflective and child-centred, for other workers, supervision is less "
     "regular and does not always offer sufficient case management.", "mixed"),
    # describing without judging
    ("Young people have access to a children's rights advocate.", "neutral"),
    ("At 30 September 2014, 398 children were being looked after by the local authority.", "neutral"),
])
def test_paragraph_stance_from_inspectors_language(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # a sentence-initial "However" turns from the sentence before: within its own clause a shortfall keeps the
    # approving words it contains
    ("However, heavy workloads are limiting how consistently workers can visit families.", "concern"),
    ("Managers have introduced new screening protocols, but there are no effective systems to give them clear "
     "oversight of the work.", "concern"),
    ("Partners have developed a new pathway; however, it has yet to show improvements for children.", "concern"),
    # "not yet shown" is read per clause
    ("While it is too early to judge the impact of the new project, joint working between the agencies is strong.",
     "strength"),
    # practice reaching its aim without an approving word
    ("Each child lives in a home that meets their needs.", "strength"),
    ("Children get the help and support they need from the first contact.", "strength"),
    ("Attendance of children in care is better than the national average.", "strength"),
    ("Considerable progress has been made since the last inspection.", "strength"),
    # inspectors' shortfall words
    ("There are deficits in the recording of supervision.", "concern"),
    ("Some teams are lagging behind others.", "concern"),
    ("Less than half of the children had a plan agreed at their second review.", "concern"),
    ("There is no system for tracking the health assessments of children placed out of area.", "concern"),
    ("Rising demand has consistently stretched the service.", "concern"),
    ("The quality of supervision needs to improve.", "concern"),
    ("Children experience frequent changes of social worker.", "concern"),
    ("Some care leavers found it difficult to contact their personal adviser.", "concern"),
    ("There is a group of children who have not been seen for several months.", "concern"),
    ("Some plans were ended prematurely.", "concern"),
    ("Life-story work is largely absent.", "concern"),
    # double negatives approve
    ("The pandemic did not deter staff from visiting children.", "strength"),
    ("There is no waiting list for therapeutic support.", "strength"),
    ("Leaders are not complacent.", "strength"),
    ("Swift work ensures that children in care are not missing school.", "strength"),
    # a negation that states no shortfall
    ("The young person asked not to be moved from her school.", "neutral"),
    ("Foster carers do not have to pay for leisure passes.", "neutral"),
    # awareness, intent and plans are not findings (stance_notes rules 2, 3 and 9)
    ("Leaders know that there is more to do to improve the offer for care leavers.", "neutral"),
    ("The virtual school is determined to raise attainment.", "neutral"),
    ("Leaders have implemented a comprehensive sufficiency strategy.", "neutral"),
    ("Young people benefit from the mentoring scheme, although it has not yet been formally evaluated.", "strength"),
    # context that does not judge
    ("Following an inadequate judgement in 2019, services have been rebuilt and are now effective.", "strength"),
    ("When concerns increase, or plans are not progressing, managers act swiftly.", "strength"),
    ("The ‘Not Alone’ campaign has raised awareness among young people effectively.", "strength"),
    ("Social workers understand well how poor mental health affects parenting.", "strength"),
    ("A dedicated team handles referrals for homeless young people.", "neutral"),
    ("The duty teams are supported by a business support unit.", "neutral"),
    ("The local NHS foundation trust provides the health assessments.", "neutral"),
    # shortfalls the inspectors discount (hard case 4)
    ("Reviews are timely and well attended. Occasionally a review was delayed, but this was not widespread.",
     "strength"),
    ("Some reviews were delayed, but this did not have a significant impact on children's plans.", "neutral"),
    ("Children are placed with carers who know them well, with only minor delays in a few cases.", "strength"),
    # "Notwithstanding X, Y" states both
    ("Notwithstanding some gaps in recording, visits to children are purposeful.", "mixed"),
])
def test_clauses_aims_and_discounted_shortfalls(text, want):
    """Sentences written for these rules (each read otherwise before them): a contrast is read clause by clause,
    practice reaching its aim approves without an approving word, awareness, intent and plans judge nothing, and a
    shortfall the inspectors discount is not a weakness (stance_notes rules 2-5, 9, hard case 4)."""
    assert stance(text) == want


@pytest.mark.parametrize("text, section, want", [
    # "in the past year" is a recent period, not a problem in the past (rule 9)
    ("Stability of placements has not improved in the past year.", None, "concern"),
    ("More training for foster carers is required.", None, "concern"),
    ("It is difficult for staff to gain a clear overview of children's records.", None, "concern"),
    # what is available is availability, not delivery (rule 7); a need seen and a commitment are intent (rules 2, 9)
    ("Most care leavers have access to the appropriate health services.", None, "neutral"),
    ("The chief executive recognises the need for improvement and is committed to prioritising it.", None, "neutral"),
    # a recommendation that says what a body "should" do is a concern, whatever approving words it holds
    ("The board should ensure that partners have a clear threshold document.",
     "The Local Safeguarding Children Board > Recommendations", "concern"),
])
def test_recent_periods_availability_and_should(text, section, want):
    assert stance(text, section=section) == want


@pytest.mark.parametrize("text, want", [
    ("Systems at the front door require further attention.", "concern"),
    ("A minority of these cases should have received more follow-up.", "concern"),
    ("This is ensuring that children get the right help at the right time.", "strength"),
    # what something is for, a plan in place and a condition are not findings
    ("Managers have set up a panel to ensure that decisions are timely and effective.", "neutral"),
    ("A development plan is in place to make improvements.", "neutral"),
    ("Cases are taken to court if risk is not reducing or change is not sustained.", "neutral"),
])
def test_purposes_plans_and_conditions(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # a negated answer to a shortfall leaves it standing (read as praise before: a strength/concern swap)
    ("Senior leaders have not tackled the serious failures in services.", "concern"),
    # a weakness still there is a finding, though an earlier inspection named it
    ("Children do not always receive timely return interviews, which was a recommendation at the previous "
     "inspection.", "concern"),
    ("Rising demand is stretching the capacity of the fostering service.", "concern"),
    ("Staff shortages limit the team's ability to visit families.", "concern"),
    # a negation reaches to the end of its clause, and "distinguish" is no "dis-" shortfall word to turn round
    ("The improvement in attendance was not maintained last year, when absence rose.", "concern"),
    ("These reports do not distinguish between children in need and children in care.", "concern"),
])
def test_shortfalls_left_standing(text, want):
    assert stance(text) == want


def test_plural_findings_that_ensure_approve():
    assert stance("Pathway plans ensure that young people are ready for independence.") == "strength"
    assert stance("Leaders should ensure that plans are reviewed.") == "concern"
    assert stance("Plans should be more specific about timescales.") == "concern"  # inspectors' "should": a shortfall


def test_a_finding_that_opens_with_a_noun_like_review_is_not_an_instruction():
    # "Review meetings" and "Secure accommodation" are nouns; "Review the ..." and "Secure sufficient ..." are orders
    assert stance("Review meetings are held on time and children's views are clearly recorded.") == "strength"
    assert stance("Review the arrangements for children placed out of area.") == "concern"


def test_structure_decides_what_needs_to_improve_and_recommendations():
    item = "The intervention, quality, effectiveness and management oversight for homeless 16- and 17-year-olds."
    assert stance(item) != "concern"  # its words alone approve ("effectiveness")
    assert stance(item, section="Inspection of Wandsworth > What needs to improve?") == "concern"
    rec = "Enhance the profile of the LSCB among the wider workforce, so that staff understand its priorities."
    assert stance(rec) == "concern"  # a recommendation is an instruction
    assert stance("Ensure sufficient Independent Reviewing Officer capacity exists.", part="recommendations") \
        == "concern"
    # an old report's "Areas for improvement" heading left open over findings does not turn praise into criticism
    praise = ("Youth services target their work successfully and commission a good range of services. Support "
              "services for disabled children are also good in terms of choice and quality.")
    assert stance(praise, section="What does the local authority need to improve? > Areas for improvement") \
        == "strength"
    assert stance("Leaders in Bexley are committed to improving the lives of children.",
                  section="Summary of key findings > The local authority has the following strengths") == "strength"


def test_sentences_carry_their_own_stance():
    text = ("Children are seen regularly by their social workers and develop positive relationships with them. "
            "However, direct work with children is not consistent. Some children have experienced too many changes "
            "in worker.")
    got = [s for _, s in sentence_stances(text)]
    assert got == ["strength", "concern", "concern"]
    assert stance(text) == "mixed"
    assert sentence_stance("Pupil premium funding is well targeted to meet children's needs.") == "strength"


def _score(files):
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = sum(stance(r["quote"], r.get("section")) == r["paragraph_stance"] for r in rows)
    swaps = sum({stance(r["quote"], r.get("section")), r["paragraph_stance"]} == {"strength", "concern"}
                for r in rows)
    return rows, right, swaps


def test_own_labels_meet_the_targets():
    """The own label files (other topics than the shared labels'), labelled by reading them: right for >= 85% and a
    strength given for a concern (or the reverse) at most 2 in 300."""
    rows, right, swaps = _score(LABELS)
    assert len(rows) >= 150
    assert all(r["paragraph_stance"] in STANCES for r in rows)
    assert right / len(rows) >= 0.85, right / len(rows)
    assert swaps * 300 / len(rows) <= 2, swaps


def test_paragraphs_json_carries_stance(index_dir, corpus_reports):
    latest = max((r for r in corpus_reports if r["council"] == "North Tyneside" and r["kind"] == "ofsted_inspection"),
                 key=lambda r: r["published"])
    rows = cli_json("paragraphs", latest["report_id"], "--index", str(index_dir))
    assert rows and all(r["stance"] in STANCES for r in rows)
    improve = [r for r in rows if "what needs to improve" in (r["section"] or "").lower()]
    assert improve and all(r["stance"] == "concern" for r in improve)
    counts = {s: sum(r["stance"] == s for r in rows) for s in STANCES}
    assert counts["strength"] > counts["concern"]  # an outstanding report reads as one


def test_evidence_carries_stance(index_dir):
    res = cli_json("ask", "what needs to improve in North Tyneside?", "--index", str(index_dir))
    assert res["evidence"] and all(e["stance"] in STANCES for e in res["evidence"])


def test_stance_check_bench_prints_figures():
    import subprocess
    import sys

    p = subprocess.run([sys.executable, str(ROOT / "bench" / "stance_check.py"), *map(str, LABELS)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "stance right" in p.stdout and "swaps" in p.stdout


def test_stance_check_reads_the_study_files_by_default_and_never_the_held_out_ones():
    import subprocess
    import sys

    p = subprocess.run([sys.executable, str(ROOT / "bench" / "stance_check.py")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert all(f.name in p.stdout for f in LABELS)
    assert HELDOUT and not any(f.name in p.stdout for f in HELDOUT) and "heldout" not in p.stdout


def test_labels_are_other_topics_than_the_shared_ones():
    shared = Path("/work/shared/eval/stance.jsonl")
    if not shared.exists():
        pytest.skip("shared labels not on this machine")
    theirs = {json.loads(line)["paragraph_start"] for line in shared.read_text().splitlines() if line.strip()}
    rows, _, _ = _score(LABELS + HELDOUT)
    assert not theirs & {r["paragraph_start"] for r in rows}


def test_highlighted_sentences_carry_their_stance():
    from app.ui_common import highlight_html

    text = ("Children are seen regularly by their social workers and develop positive relationships with them. "
            "However, direct work with children is not consistent.")
    html = highlight_html(text, ["However, direct work with children is not consistent.",
                                 "Children are seen regularly by their social workers and develop positive "
                                 "relationships with them."])
    assert '<mark class="hl"><span class="s-concern"' in html and '<span class="s-strength"' in html


# Rules from bench/labels/stance_own_sixth.jsonl (sentences like its paragraphs; each read otherwise before them)
@pytest.mark.parametrize("text, want", [
    # a SIF report's definition of a grade judges no council
    ("A local authority that is inadequate is providing services where there are widespread or serious failures "
     "that leave children being harmed.", "neutral"),
    # after a shortfall only a passive participle answers it; "no ..." and "responding" later in the sentence do not
    ("Awareness-raising about private fostering is poor, resulting in no children being identified for the last "
     "two years.", "concern"),
    ("There is delay in responding to private fostering notifications, with delays in children being seen.",
     "concern"),
    # shortfall phrases
    ("The continual changes in the workforce have limited the authority's ability to achieve a consistently "
     "acceptable standard of practice.", "concern"),
    ("Nurses report that improvements are needed to the timeliness of initial health assessments.", "concern"),
    ("Areas for further improvement include ensuring that the recording system is a fully effective tool for "
     "managers.", "concern"),
    ("Elected members need to become more engaged in the effective scrutiny of services.", "concern"),
    ("The authority could do more to formally celebrate children's achievements.", "concern"),
    ("The council still has difficulties in identifying placements in a timely way for sibling groups.", "concern"),
    ("The gap between the attainment of children in care and their peers is concerning.", "concern"),
    ("However, despite these initiatives, attendance levels at the children in care council are low.", "concern"),
    ("There remains an insufficiency of foster to adopt placements.", "concern"),
    ("They expressed frustration at the number of moves they are expected to tolerate.", "concern"),
    ("Awareness-raising about children who are not living with family members is poor.", "concern"),
    ("A small number of contacts are closed without ensuring that parents are directed to appropriate support.",
     "concern"),
    # approving forms
    ("Young people told inspectors that they felt safe where they were living.", "strength"),
    ("Fifteen young people are benefiting from staying put arrangements.", "strength"),
    ("Personal advisers worked hard to keep in touch with care leavers during the pandemic.", "strength"),
    ("Workers are, without exception, very enthusiastic about working for the council.", "strength"),
    ("The challenges of the pandemic have not tempered the drive to improve services.", "strength"),
    ("The supervision discussions do not take place in isolation.", "strength"),
    ("Although assessments are ensuring that children are safe, they are not yet good.", "mixed"),
    # context, awareness and intent are not findings
    ("In 2018, the council was judged inadequate across all areas.", "neutral"),
    ("The service has a long history of requiring improvement.", "neutral"),
    ("Their recognition that there is further work to do is clear.", "neutral"),
    ("They know their strengths and their areas for development and have a comprehensive strategy in place.",
     "neutral"),
    ("Leaders are aware of the challenges to establish effective management and achieve consistently good "
     "practice.", "neutral"),
    ("Agency plans set out how improvements are to be made.", "neutral"),
    ("Board members are able to commit resources to achieving its priorities.", "neutral"),
    ("Although recruitment remains a challenge, the local authority targets recruitment well.", "strength"),
])
def test_sixth_label_set_rules(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # what the rules above must leave as it was: a counterfactual "without" still answers, and a challenge nothing
    # in its sentence meets is still a shortfall
    ("Young people said that their lives would have been much worse without this support.", "strength"),
    ("Sufficiency remains a challenge.", "concern"),
])
def test_sixth_label_set_rules_keep(text, want):
    assert stance(text) == want


# Rules from bench/labels/stance_own_seventh.jsonl: paragraphs called mixed or concern in good and outstanding reports
# (sentences like theirs; each read otherwise by the code before them)
@pytest.mark.parametrize("text, want", [
    # "too" meaning "also" before a verb is no shortfall
    ("Elected members too demonstrate a strong commitment to children in care.", "strength"),
    # a condition or a hypothetical says when something happens, not how well it is done
    ("Brothers and sisters are helped to keep in touch well when they are unable to live together.", "strength"),
    ("IROs provide robust challenge, particularly when deficits are identified.", "strength"),
    ("Adoption is considered early where a return home would be unsafe.", "neutral"),
    # "referrals which do not meet the threshold" say which referrals; a waiting list one registers on is no delay
    ("Partners respond promptly to referrals which do not meet the threshold for social care.", "strength"),
    ("Care leavers are registered early so they can accrue time on the housing waiting list.", "neutral"),
    # a shortfall found or answered by practice: "identify any shortfalls", "the response to a decline"
    ("Team level data enables managers to identify any performance shortfalls and respond accordingly.", "strength"),
    ("Managers were swift in their response to a recent decline in performance.", "strength"),
    ("Managers have been proactive in challenging external delays.", "strength"),
    # fewer of a bad thing is an improvement (rule 1: "declining CME")
    ("Persistent absence is reducing in primary and secondary schools.", "strength"),
    ("The percentage of repeat referrals has fallen significantly.", "strength"),
    ("As a result, avoidable delay in progressing plans is rare.", "strength"),
    # double negatives and counterfactual praise
    ("One young person said of her personal adviser, 'I cannot fault her.'", "strength"),
    ("A care leaver said, 'I would not be where I am now without them.'", "strength"),
    ("Managers use pre-proceedings not simply as a step into care, but as a vehicle for change.", "neutral"),
    # shortfalls the inspectors discount (hard case 4)
    ("Health partners do not always attend, although no detrimental impact was found for children.", "neutral"),
    ("Although some visits are delayed, this does not prevent young people from building positive relationships.",
     "strength"),
    ("The model is understandably at different stages, and its impact is not evident in every case.", "neutral"),
    ("Timescales for two applicants were not met due to external factors.", "neutral"),
    # past problems and leaders ahead of them (hard case 9)
    ("Services are good, much improved from those found to be inadequate in 2017. Leaders have made purposeful "
     "progress.", "strength"),
    ("Leaders had already identified capacity issues before the visit.", "neutral"),
    ("For example, the need to improve the sufficiency of local foster placements.", "neutral"),
    # context a sentence opens with
    ("Faced with long waiting times for mental health services, the council proactively commissions support.",
     "strength"),
    # practice reaching its aim; decisive action approves
    ("Needs are identified and addressed within visits, but records are not sufficiently clear.", "mixed"),
    ("Plans are reviewed termly and help track progress, but targets are not always specific.", "mixed"),
    ("Managers take decisive action to initiate pre-proceedings.", "strength"),
    # effect not yet shown: a step whose impact is "yet to" show is no strength; striving is intent
    ("The new panel is a positive step, but is yet to have an impact.", "concern"),
    ("Leaders are continually striving to establish and deliver greater consistency and to achieve improved "
     "workforce stability.", "neutral"),
])
def test_seventh_label_set_rules(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # what these rules must leave as they were: a response that is slow, a clause after "they" that judges, a fall
    # in something good, a "where" finding, and leaders' identifying done by inspectors
    ("For a small number of children the response was less timely.", "concern"),
    ("Although assessments are ensuring that children are safe, they are not yet good.", "mixed"),
    ("Attendance at school has fallen this year.", "concern"),
    ("In cases where plans would benefit from more detail, progress is slower.", "concern"),
    ("Inspectors identified delays in initial health assessments.", "concern"),
])
def test_seventh_label_set_rules_keep(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # "no longer" before a bad thing is an improvement (read as a shortfall before: a strength/concern swap)
    ("Children no longer wait for their initial assessments.", "strength"),
    ("Young people are no longer placed in bed and breakfast accommodation.", "strength"),
    ("Caseloads are no longer high.", "strength"),
    ("Children no longer experience delays in their plans.", "strength"),
    # ... before a status it is neither; "manageable" approves and "unmanageable" falls short
    ("Social workers act swiftly as soon as children are no longer able to live safely at home.", "strength"),
    ("Caseloads are manageable.", "strength"),
    ("Caseloads are unmanageable.", "concern"),
])
def test_no_longer_and_manageable(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text", ["The panel is no longer effective.", "Care leavers no longer have a dedicated nurse."])
def test_no_longer_before_what_was_good_stays_a_shortfall(text):
    assert stance(text) == "concern"


def test_a_shortfall_said_to_be_rare_approves():
    # "rare" may close a long subject: the shortfall it weighs is several words before it
    assert stance("Avoidable delay in progressing plans for children and families is rare.") == "strength"


@pytest.mark.parametrize("text, want", [
    # a passive answer may close a long subject
    ("Weaknesses identified at the focused visit have been addressed.", "strength"),
    # "no evidence of" a shortfall or of harm is a double negative; "no evidence that" good happens stays one
    ("Inspectors saw no evidence of drift or delay.", "strength"),
    ("There was no evidence of children being left in situations of risk.", "strength"),
    ("There is no evidence that plans are reviewed.", "concern"),
    # "not afraid to challenge", "would not want to work anywhere else": praise
    ("Social workers are not afraid to challenge partners.", "strength"),
    ("Staff told inspectors that they would not want to work anywhere else.", "strength"),
    # why a child could not live at home is their story, not a shortfall; poor parenting is what families face
    ("Young people are helped to understand why they could not live with their families.", "strength"),
    ("The impact of poor parenting on children is clearly analysed.", "strength"),
    # ", with only isolated examples of ..." turns the sentence: both are stated (rule 5)
    ("Practice is strong, with only isolated examples of weaker recording.", "mixed"),
    # help that reaches its aim, praise said plainly
    ("Personal advisers help young people overcome barriers to employment.", "strength"),
    ("Foster carers spoke highly of the support they receive.", "strength"),
])
def test_double_negatives_and_plain_praise(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # fewer of a shortfall, and "very few ... not", are double negatives ("a few ... not" is a shortfall, rule 4)
    ("Compared with the previous inspection, fewer children experience drift.", "strength"),
    ("Very few care leavers are not in touch with their personal advisers.", "strength"),
    ("A few care leavers are not in touch with their personal advisers.", "concern"),
    # "no child waits too long" approves; "children wait too long" after another "no" does not
    ("Managers ensure that no child waits too long for a decision.", "strength"),
    ("There is no oversight so children are waiting too long.", "concern"),
    # "not all ... require" counts who needs what
    ("Not all children in need require a social worker, and those stepped down are well supported.", "strength"),
    ("Not all children have an up-to-date plan.", "concern"),
])
def test_fewer_very_few_and_not_all_as_counts(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # shortfall words that had been missed: undermined, compromised, inhibiting, a disconnect
    ("An extensive range of training opportunities are available for all staff, including bespoke management "
     "training for team managers. However, the programme is undermined by managers and social workers who advised "
     "inspectors that time to access training is compromised due to the heavy demands of case work.", "concern"),
    ("Staff in some teams feel a strong disconnect from their senior managers, which is inhibiting improvement. If "
     "improvements are to be made securely, this needs immediate attention.", "concern"),
    # "caseloads ... are high" as "high caseloads"; "not able to provide" is a shortfall, and what they cannot do
    # ("help to identify and address the shortfalls") is no answered shortfall
    ("Caseloads of independent reviewing officers (IROs) are high, with their duty to chair child protection "
     "conferences taking priority over the scrutiny of the progress of children looked after between formal "
     "reviews. This means that they are not able to provide enough additional independent oversight and challenge "
     "to help to identify and address the shortfalls in the plans of children looked after.", "concern"),
    # "the council and trust" names organisations, not trust earned
    ("Similar issues in relation to the consistency of social work practice are seen in the children with "
     "disabilities team. The council and trust recognise closer alignment between the teams is required to improve "
     "recognition and responses to disabled children who may be at risk.", "concern"),
    # a young person's choice is no shortfall; "could not thank them enough" praises
    ("The local authority is in touch with the vast majority of its care leavers. Inspectors saw some tenacious "
     "efforts by workers to try to re-engage with young people, as well as clear recording when older young people "
     "have informed staff that they no longer wish to be in touch with services.", "strength"),
    ("One young person spoke about his foster carers being like his own family and could not thank them enough.",
     "strength"),
    # "the local authority is aware that there is more to do" is awareness (stance_notes rule 9), like "are aware"
    ("The virtual school works in close partnership with social workers and carers to ensure that children's "
     "educational needs are prioritised. However, the local authority is aware that there is more to do to improve "
     "the educational progress of children in care and is proactive in achieving this.", "strength"),
    # "of a high quality" approves, so a contrast with it is mixed
    # availability reaches six words: "have access to a range of bespoke services" is still availability (rule 7)
    ("The council and its partners have access to a range of bespoke services.", "neutral"),
    # "Since the inspection in 2018, when services were judged ...," says what came before: the rest is read
    ("Since the inspection in 2018, when services were judged as 'requires improvement' overall, good progress has "
     "been made and most children and families benefit from the support that they receive. However, the tracking of "
     "some discrete areas of practice is not sufficiently embedded.", "mixed"),
    ("A very large majority of face-to-face strategy meetings are of a high quality. However, most records of "
     "strategy discussions that take place over the telephone are too brief and lack detail.", "mixed"),
])
def test_eighth_label_set_rules(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # guards: a family's circumstance stays no shortfall, trust earned stays a strength, a judgement of what is
    # available approves, 'no longer' keeps its two readings
    ("Children who are not able to live at home are placed with carers who know them.", "neutral"),
    ("Young people have built mutual respect and trust with their personal advisers.", "strength"),
    ("The range of accommodation available to care leavers is very good.", "strength"),
    ("Children no longer wait for an allocated social worker.", "strength"),
    ("Services are no longer effective for older children.", "concern"),
    ("Since the last inspection, caseloads have become too high.", "concern"),
])
def test_eighth_label_set_rules_keep(text, want):
    assert stance(text) == want


# Rules from the retired held-out files (bench/labels/stance_own_ninth_*.jsonl, stance_own_ninth_notes.md): the
# three swaps they held, each read otherwise by the code before.
@pytest.mark.parametrize("text, section, want", [
    # "should they not wish to stay" is an inverted condition and a choice; "suitable" approves (rule 1)
    ("Care leavers can try a taster flat and then return to their foster home, should they not wish to stay with "
     "their carer. Most care leavers (87%) live in suitable accommodation.", None, "strength"),
    # "supported accommodation" is a kind of home; "inspectors raised concerns" is a finding of this inspection
    ("However, during the inspection, inspectors raised concerns about the location and risks associated with one "
     "of the local providers of supported accommodation.", None, "concern"),
    # under a recommendations heading, an order ("Scrutinise ...") or a pointer to its finding ("(paragraph 129)")
    # is a recommendation, whatever approving words it names
    ("Scrutinise the effectiveness of multi-agency child protection work, particularly in relation to the "
     "frequency and effectiveness of child protection core groups (paragraph 129).",
     "The Local Safeguarding Children Board > Recommendations", "concern"),
    ("Track the effectiveness of early help so that families get timely support.", "Recommendations", "concern"),
])
def test_ninth_label_set_swap_rules(text, section, want):
    assert stance(text, section) == want


@pytest.mark.parametrize("text, section, want", [
    # guards: a young person's refusal stays no shortfall, a lapse stays one, a finding under a concern heading that
    # neither orders nor points keeps its approval, "suitably experienced" describes
    ("Some young people do not want to be in touch with the service.", None, "neutral"),
    ("Children do not receive suitable support when they leave care.", None, "concern"),
    ("Support workers are persistent in their efforts to stay in touch.", "Areas for improvement", "strength"),
    ("A suitably experienced lead member is now in post.", None, "neutral"),
    ("Inspectors found that children are seen regularly and they are well supported.", None, "strength"),
])
def test_ninth_label_set_swap_rules_keep(text, section, want):
    assert stance(text, section) == want


# Near misses of the retired held-out files: a strength read in a concern, or the reverse, inside a paragraph (each
# sentence read otherwise by the code before).
@pytest.mark.parametrize("text, section, want", [
    # shortfall words and phrases that had been missed
    ("Midway reviews are undertaken but their effectiveness is curtailed by limited escalation to senior managers.",
     None, "concern"),
    ("The changes built in because of the service structure have been exacerbated by staff turnover as part of "
     "service improvement.", None, "concern"),
    ("However, an unfortunate consequence of this rigorous focus is that the committee has given little "
     "consideration to any other welfare needs of children.", None, "concern"),
    ("However, there is more to be done operationally to ensure that agencies understand their responsibilities.",
     None, "concern"),
    ("This has impacted on children's experiences and wider improvement due to having to stretch capacity across "
     "services.", None, "concern"),
    ("The quality and accessibility of records of children's reviews vary.", None, "concern"),
    # "Further work is needed" keeps its "Further" (only "Further," opens a sentence as a connective)
    ("Further work is needed by the local authority to ensure that there is a sufficient range of placements.",
     None, "concern"),
    # a negated action on a shortfall leaves it: "do not challenge poor practice"
    ("Independent reviewing officers do not challenge poor social work practice effectively.", None, "concern"),
    # a shortfall that practice answers or counts as an exception approves
    ("Leaders have robustly challenged health partners regarding delays in initial health assessments.", None,
     "strength"),
    ("The home address of only one care leaver is not known to the service.", None, "strength"),
    ("An increase in staffing has reduced waiting times for children.", None, "strength"),
    ("Some delays are due to overseas checks and cannot be expedited.", None, "neutral"),
    ("Leaders are working very hard to employ more social workers.", None, "strength"),
    # a purpose names a shortfall without finding it; plans already in place show no effect yet (rule 3)
    ("Senior managers have taken action to address immediate capacity issues.", None, "neutral"),
    ("Managers know what they need to do and plans are already in place to make improvements.", None, "neutral"),
    # other services' grades are context
    ("Six were judged to be good or outstanding in their most recent Ofsted inspection and four adequate.",
     "Information about this local authority area > Other Ofsted inspections", "neutral"),
])
def test_ninth_label_set_near_miss_rules(text, section, want):
    assert stance(text, section) == want


@pytest.mark.parametrize("text, section, want", [
    # guards: a reduced capacity is still a shortfall, "not challenged" alone is one, the quality of plans varying
    # with need is no shortfall, "Further, ..." still opens with a connective, an old report's open heading
    # "Information about this area" decides nothing for the findings under it
    ("The capacity of the team has been reduced and it is not always meeting regulatory requirements.", None,
     "concern"),
    ("Poor practice is not challenged by managers.", None, "concern"),
    ("The frequency of visits varies according to need and children are seen regularly.", None, "strength"),
    ("Further, children are well supported by their carers.", None, "strength"),
    ("Support for adopted children is good, although support plans are not always well documented.",
     "Information about this local authority area > Adoption performance", "mixed"),
])
def test_ninth_label_set_near_miss_rules_keep(text, section, want):
    assert stance(text, section) == want


@pytest.mark.parametrize("text, want", [
    # "does not meet the national threshold" is a performance shortfall ("referrals which do not meet the threshold"
    # still only says which referrals)
    ("While this does not meet the national threshold of 426 days, this performance is better than the three-year "
     "average.", "mixed"),
    ("Referrals which do not meet the threshold are signposted to early help, which is effective.", "strength"),
    # an attainment gap narrowing is an improvement; narrowing it as an aim is not
    ("While looked after children in primary schools have seen the attainment gap between them and their peers "
     "narrow, progress for secondary school children in care is not as good.", "mixed"),
    ("The virtual school aims to narrow the attainment gap for children in care.", "neutral"),
])
def test_ninth_label_set_thresholds_and_gaps(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # a capacity interrupted, teams overloaded, a dip in attainment: shortfalls
    ("Their capacity to implement and sustain improvements in core social work practice has been interrupted by "
     "addressing a large surge in referrals and additional work that overloaded statutory social work teams.",
     "concern"),
    ("In recent years, children looked after achieve well, although provisional data for 2015-16 shows a dip in "
     "attainment.", "mixed"),
    # "little evidence of appropriate challenge" is a shortfall, not an appropriate challenge
    ("There is little evidence of appropriate challenge by group managers taking place to improve practice.", "concern"),
    # performance below expected levels or national results is a shortfall
    ("However, progress between 11 years and 16 years is below expected levels, and the percentage achieving five "
     "good GCSEs is below national results for looked after pupils.", "concern"),
    ("The project runs to March 2016 and work is still required to embed the principles underlying the model.",
     "concern"),
    # training that raised professionals' knowledge and confidence reached its aim
    ("Professionals who have attended the training report that it has increased their knowledge and confidence.",
     "strength"),
    # a delay inspectors call right is no shortfall
    ("There is effective tracking of timeliness, and any current assessments that are outside of timescales are due "
     "to appropriate, adopter-led delays.", "strength"),
    # a decision about where children live, not a shortfall
    ("Where recommendations are to be made that brothers and sisters should not live together CAMHS undertake a "
     "full assessment of need and contribute to the decisions being made.", "neutral"),
    # schools not yet inspected are a status; a need the partners acknowledge is their own view (rule 9)
    ("The large majority, 76%, of children looked after are in schools rated good or better and 10% are in new "
     "schools that are yet to be inspected.", "strength"),
    ("The trust and YOT acknowledge that there is a need to further develop restorative justice processes.",
     "neutral"),
])
def test_tenth_label_set_rules(text, want):
    assert stance(text) == want


@pytest.mark.parametrize("text, want", [
    # guards: the rules above leave these as they were
    ("There are delays in convening initial child protection conferences.", "concern"),
    ("Re-referral rates are below the national average.", "neutral"),
    ("Leaders have plans to improve their understanding of the needs of care leavers.", "neutral"),
    ("Brothers and sisters do not live together because there are not enough foster carers.", "concern"),
    ("There is little evidence of challenge to poor practice.", "concern"),
    ("Some schools are yet to engage with the virtual school.", "concern"),
])
def test_tenth_label_set_rules_keep(text, want):
    assert stance(text) == want
