"""The readability check for the young people's pages (reviewpress.readability).

Each test states something a reader or an editor would notice: a page that is
too hard to read fails the build, and the message says which sentence to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from reviewpress.model import YoungPeopleSummary
from reviewpress.readability import (
    MAX_GRADE,
    MAX_MEAN_SENTENCE_LENGTH,
    MAX_SENTENCE_WORDS,
    MIN_READING_EASE,
    MIN_WORDS_FOR_RELIABLE_SCORE,
    count_words,
    score_prose,
    score_summary,
    split_sentences,
)

REVIEWS_DIR = Path(__file__).resolve().parent.parent / "content" / "reviews"

# The Bedford key points for children and young people, as first written for the site (before the
# vocabulary check of issue 16): scored here for their sentences, not their words.
REAL_SUMMARY_YAML = """
young_people:
  written_for: children and young people aged about 10 and over
  intro:
    - This is a short summary for children and young people. It tells you about a report by
      the Care Quality Commission (CQC). The report is about health services in Bedford
      Borough, which inspectors visited in May 2015.
  sections:
    - heading: What we looked at
      points:
        - text: Inspectors looked at how health services help to keep children safe. They also
            looked at health care for children in care. They read records and talked to staff,
            young people and carers.
          findings: ["1.5", "1.23", "4.1", "4.6"]
        - text: They met midwives, health visitors, school nurses, GPs, hospital staff and
            mental health teams.
          findings: ["1.1", "1.14", "1.20", "1.23", "2.2", "5.3.3"]
    - heading: What was good
      points:
        - text: School nurses run drop-in sessions in nearly every school. Children can go and
            talk to them about things that worry them.
          findings: ["1.20"]
        - text: Children who go to A&E at Bedford Hospital are seen quickly by trained staff. A
            nurse checks every visit by someone under 18, to see if they need more help.
          findings: ["1.23", "5.2.7"]
        - text: Young people can get sexual health help from Brook. They can go to a chemist, a
            school drop-in or the main clinic. A nurse can even visit young people at home.
          findings: ["1.27"]
        - text: There is a mental health team just for children in care. It runs groups for
            children and for carers. In one case, it helped two children to stay with their
            foster carer.
          findings: ["4.9", "4.10"]
        - text: One nurse works just with young people in care who are 15 or over. This nurse
            gets to know them before they leave care. Young people leaving care get a summary
            of their health.
          findings: ["4.7"]
    - heading: What must get better
      points:
        - text: Some health checks for children in care did not show what the child thought
            or felt. Staff must write down children's own views.
          findings: ["4.2"]
          recommendations: ["1.2"]
        - text: Some health plans for children in care did not say who would do what, or by
            when. Plans must be clear, so that nothing gets missed.
          findings: ["4.3", "4.4"]
          recommendations: ["1.3", "1.4"]
        - text: Young people in care in Bedford want more say about their health checks. They
            would like to choose where and when they happen.
          findings: ["4.6"]
        - text: Some children waited a long time for mental health help. This was because
            two teams had to decide which of them should help.
          findings: ["2.4"]
          recommendations: ["3.2"]
        - text: There is a gap between two teams for children in care. The mental health team
            did not send reports to the health check nurses. So a health plan might miss how a
            child feels.
          findings: ["4.9"]
          recommendations: ["3.9"]
        - text: Help for young people leaving care is not flexible enough yet. It does not
            meet the needs of every young person.
          findings: ["4.8"]
          recommendations: ["1.5"]
        - text: Some school nurses were not sure how to spot child sexual exploitation. All
            mental health teams should use the same tool to check for it.
          findings: ["1.22", "2.7"]
          recommendations: ["3.5"]
    - heading: What happens next
      points:
        - text: The local NHS must send CQC a plan within 20 working days. The plan must say
            how it will make these changes. CQC will check that things get better.
          recommendations: ["1.1", "2.1", "3.1", "4.1", "5.1"]
    - heading: Who can help
      points:
        - text: You can talk to a school nurse at a drop-in session at school. If you are in
            care, the nurses for children in care can help with your health. They work with
            your social worker to sort out worries.
          findings: ["1.20", "4.7", "5.2.3"]
  glossary:
    - term: A&E
      meaning: The part of a hospital where you go if you are badly hurt or very ill.
    - term: Children in care
      meaning: Children who are looked after by the council. They may live with foster
        carers or in a children's home. Reports often call them looked after children.
    - term: Health check
      meaning: A meeting with a nurse or doctor about your body and your feelings. Children
        in care have one regularly.
    - term: Care leaver
      meaning: A young person who used to be in care.
    - term: Midwife
      meaning: A nurse who looks after women when they are pregnant and just after the baby
        is born.
    - term: Health visitor
      meaning: A nurse who helps families with babies and young children.
    - term: GP
      meaning: A family doctor. You see a GP at your local surgery.
    - term: Mental health
      meaning: How you think and feel inside.
    - term: Child sexual exploitation
      meaning: When someone tricks or forces a child into sexual activity. They may use gifts,
        money or attention to do it.
"""

# A sentence of exactly 30 words, in the plain style of the page but far too long.
THIRTY_WORD_SENTENCE = (
    "The nurses and the doctors at the hospital and in the schools all said that they "
    "would try hard to listen to every child and young person in the area."
)

# Bedford's "Summary of the review", word for word: what pasting the report would give.
OFFICIAL_INTRO = (
    "This report records the findings of the review of health services in safeguarding and looked "
    "after children services in Bedford. It focuses on the experiences and outcomes for children "
    "within the geographical boundaries of the local authority area and reports on the performance "
    "of health providers serving the area including Clinical Commissioning Groups (CCGs) and Local "
    "Area Teams (LATs)."
)

# Bedford finding 5.2.9, word for word: typical official prose.
DENSE_OFFICIAL_PARAGRAPH = (
    "BHT have well-established governance processes for safeguarding that enabled the senior team "
    "to have oversight of safeguarding activity in the ED and the paediatric ward. For example, there "
    "was a rolling programme of audit that considered the performance in key areas, such as follow-up "
    "for children who did not attend outpatient's appointments and the completion of pro-forma data in "
    "the emergency department records. We saw a variety of management oversight methods to ensure that "
    "the children's ED and the paediatric ward operated safely."
)


def real_summary_data() -> dict:
    return yaml.safe_load(REAL_SUMMARY_YAML)["young_people"]


def summary_with_point(text: str, heading: str = "What was good") -> YoungPeopleSummary:
    """The real summary with one extra key point at the start of a section."""
    data = real_summary_data()
    section = next(s for s in data["sections"] if s["heading"] == heading)
    section["points"].insert(0, {"text": text, "findings": ["1.20"]})
    return YoungPeopleSummary.model_validate(data)


def test_a_real_summary_passes_every_limit():
    report = score_summary(YoungPeopleSummary.model_validate(real_summary_data()))

    assert report.passed, report.problems
    assert report.problems == []
    assert report.long_sentences == []
    assert report.flesch_kincaid_grade <= MAX_GRADE
    assert report.flesch_reading_ease >= MIN_READING_EASE
    assert report.mean_sentence_length <= MAX_MEAN_SENTENCE_LENGTH
    assert report.word_count >= MIN_WORDS_FOR_RELIABLE_SCORE
    assert "passed" in report.summary_line()


def test_one_thirty_word_sentence_fails_and_the_message_quotes_it():
    assert count_words(THIRTY_WORD_SENTENCE) == 30

    report = score_summary(summary_with_point(THIRTY_WORD_SENTENCE))

    assert not report.passed
    assert report.long_sentences == [THIRTY_WORD_SENTENCE]
    [message] = [p for p in report.problems if "30 words" in p]
    assert THIRTY_WORD_SENTENCE in message
    assert f"limit is {MAX_SENTENCE_WORDS}" in message
    # The editor is told where to look.
    assert message.startswith("'What was good' point 1:")


def test_a_long_sentence_is_found_inside_a_key_point_of_several_sentences():
    text = f"Staff were kind. {THIRTY_WORD_SENTENCE} Children felt safe."

    report = score_summary(summary_with_point(text))

    assert report.long_sentences == [THIRTY_WORD_SENTENCE]


def test_a_page_of_dense_official_paragraphs_fails_on_grade_and_reading_ease():
    summary = YoungPeopleSummary.model_validate(
        {
            "intro": [OFFICIAL_INTRO],
            "sections": [
                {
                    "heading": "What was good",
                    "points": [{"text": DENSE_OFFICIAL_PARAGRAPH, "findings": ["5.2.9"]}],
                }
            ],
        }
    )

    report = score_summary(summary)

    assert not report.passed
    assert report.flesch_kincaid_grade > MAX_GRADE
    assert report.flesch_reading_ease < MIN_READING_EASE
    assert any(p.startswith("Flesch-Kincaid grade is") and "at most 6.0" in p for p in report.problems)
    assert any(p.startswith("Flesch reading ease is") and "at least 70" in p for p in report.problems)


def test_the_dense_paragraph_on_its_own_also_fails_on_sentence_length():
    report = score_prose([("test", DENSE_OFFICIAL_PARAGRAPH)])

    assert report.mean_sentence_length > MAX_MEAN_SENTENCE_LENGTH
    assert any("words long on average" in p for p in report.problems)
    assert len(report.long_sentences) == 1  # the 32-word "For example, ..." sentence


def test_text_between_the_target_and_the_limit_passes_with_a_warning():
    text = (
        "The nurses visited every school in the town during the spring. They talked with teachers "
        "and parents about health. Children told them about their worries and their hopes for the "
        "future. The nurses wrote a careful report about everything they heard."
    )

    report = score_prose([("test", text)])

    assert 5.0 < report.flesch_kincaid_grade <= MAX_GRADE
    assert report.passed
    assert any("above the target of 5.0" in w for w in report.warnings)


def test_headings_and_glossary_terms_are_not_scored():
    data = real_summary_data()
    long_label = " ".join(["Recommendations"] * 30)
    data["sections"][0]["heading"] = long_label
    data["glossary"][0]["term"] = long_label

    report = score_summary(YoungPeopleSummary.model_validate(data))

    assert report.passed, report.problems
    assert report.long_sentences == []


def test_glossary_meanings_are_scored():
    data = real_summary_data()
    data["glossary"][0]["meaning"] = THIRTY_WORD_SENTENCE

    report = score_summary(YoungPeopleSummary.model_validate(data))

    assert report.long_sentences == [THIRTY_WORD_SENTENCE]
    assert any(p.startswith("glossary 'A&E':") for p in report.problems)


def test_markdown_is_scored_as_the_reader_sees_it():
    text = "Ask **your** school nurse. See [the NHS website](https://www.nhs.uk/conditions/a-very-long-page)."

    report = score_prose([("test", text)])

    assert report.word_count == 8
    assert report.sentence_count == 2


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Go to A&E. Dr. Shah will see you.", ["Go to A&E.", "Dr. Shah will see you."]),
        ("Call 0800 1111. It is free!", ["Call 0800 1111.", "It is free!"]),
        ("Read paragraph 1.17 first. Then stop", ["Read paragraph 1.17 first.", "Then stop"]),
        ("She said “Hello.” Then she left.", ["She said “Hello.”", "Then she left."]),
        ("First part.\n\nSecond part", ["First part.", "Second part"]),
        ("A family doctor", ["A family doctor"]),
    ],
)
def test_sentences_are_split_where_a_reader_sees_them_end(text, sentences):
    assert split_sentences(text) == sentences


def review_files() -> list:
    """Every review file; a sentinel if there are none, so the test fails rather than skips."""
    files = sorted(REVIEWS_DIR.glob("*.yaml"))
    return [pytest.param(path, id=path.stem) for path in files] or [pytest.param(None, id="no-review-files")]


@pytest.mark.parametrize("path", review_files())
def test_every_review_has_a_young_people_summary_that_passes(path):
    assert path is not None, f"there are no review files in {REVIEWS_DIR}"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "young_people" in data, f"{path.name} has no young_people summary"

    report = score_summary(YoungPeopleSummary.model_validate(data["young_people"]))

    assert report.passed, f"{path.name}: " + "; ".join(report.problems)
    assert report.word_count >= MIN_WORDS_FOR_RELIABLE_SCORE, (
        f"{path.name}: the young people's summary has only {report.word_count} words; "
        "is it still a placeholder?"
    )


@pytest.mark.parametrize("text", [".", ". A", "Dr. ", "e.g. ", "x" * 50 + ". "], ids=["stops", "initials", "titles", "eg", "long words"])
def test_splitting_hostile_text_takes_linear_time(text):
    """20,000 characters of stops, initials or abbreviations: one pass, not one pass per stop
    (the boundary pattern backtracked into runs of stops, and each stop sliced the paragraph)."""
    import time

    from reviewpress.readability import split_sentences

    hostile = (text * (20_000 // len(text) + 1))[:20_000]
    started = time.perf_counter()
    split_sentences(hostile)
    assert time.perf_counter() - started < 0.5


# --- SMOG, Dale-Chall and the vocabulary check (issue 16) ---------------------------------------------

from reviewpress.readability import (  # noqa: E402
    PAGE_TEXT,
    WARN_SMOG,
    easy_words,
    read_allow_list,
    undefined_words,
    word_forms,
)

ROOT = REVIEWS_DIR.parent.parent
ALLOW_LIST = ROOT / "content" / "young-people-words.yaml"
TEMPLATE = ROOT / "templates" / "outputs" / "young-people.html"


def _review(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_smog_and_dale_chall_are_reported():
    report = score_summary(YoungPeopleSummary.model_validate(real_summary_data()))

    assert 3.0 < report.smog_index < 12.0
    assert 4.0 < report.dale_chall < 12.0
    assert f"SMOG {report.smog_index:.1f}" in report.summary_line()
    assert f"Dale-Chall {report.dale_chall:.1f}" in report.summary_line()


def test_many_long_words_give_a_smog_warning():
    text = ("The organisation's responsibilities include commissioning, safeguarding and accountability. "
            "Professionals understand the importance of collaboration. ") * 5

    report = score_prose([("test", text)])

    assert report.smog_index > WARN_SMOG
    assert any(w.startswith("SMOG grade is") for w in report.warnings)


@pytest.mark.parametrize("path", review_files())
def test_every_young_people_page_is_at_most_grade_5_and_smog_6(path):
    """The targets of issue 16 for the committed pages: FK at most 5.0, SMOG at most 6.0, no warning."""
    assert path is not None, f"there are no review files in {REVIEWS_DIR}"
    report = score_summary(YoungPeopleSummary.model_validate(_review(path)["young_people"]))

    assert report.flesch_kincaid_grade <= 5.0, f"{path.name}: {report.summary_line()}"
    assert report.smog_index <= 6.0, f"{path.name}: {report.summary_line()}"
    assert not [w for w in report.warnings if "grade" in w], report.warnings


@pytest.mark.parametrize("path", review_files())
def test_every_young_people_page_explains_its_hard_words(path):
    assert path is not None, f"there are no review files in {REVIEWS_DIR}"
    data = _review(path)
    summary = YoungPeopleSummary.model_validate(data["young_people"])

    undefined = undefined_words(summary, allowed=read_allow_list(ALLOW_LIST), area=data.get("area"))

    assert not undefined, f"{path.name}: " + ", ".join(f"{word!r} ({'.'.join(map(str, where))})" for where, word, _ in undefined)


@pytest.mark.parametrize(
    ("word", "base"),
    [("nurses", "nurse"), ("worried", "worry"), ("helping", "help"), ("stopped", "stop"), ("midwives", "midwife"),
     ("don't", "do"), ("child's", "child"), ("centre", "center"), ("families", "family"), ("quickly", "quick")],
)
def test_regular_endings_are_taken_off(word, base):
    assert base in word_forms(word)


def test_the_easy_words_are_textstats_dale_chall_list():
    words = easy_words()
    assert 2900 <= len(words) <= 3100
    assert {"nurse", "doctor", "hospital", "school", "help"} <= words
    assert not {"inspector", "helpline", "nhs", "carer"} & words


def test_the_allow_list_is_small_and_holds_no_easy_word():
    allowed = read_allow_list(ALLOW_LIST)
    assert 0 < len(allowed) <= 30, "the allow-list is for a few everyday words; explain the others in glossaries"
    assert not {w for w in allowed if word_forms(w) & easy_words()}, "a word on the Dale-Chall list needs no allowing"


def test_the_words_the_issue_named_are_explained_by_the_glossary_of_every_page_that_uses_them():
    """"inspectors", "carers", "helplines" and "NHS" were used and explained nowhere; not by the allow-list either."""
    named = {"inspector", "inspectors", "carer", "carers", "helpline", "helplines", "nhs"}
    for path in sorted(REVIEWS_DIR.glob("*.yaml")):
        summary = YoungPeopleSummary.model_validate(_review(path)["young_people"])
        unexplained = {w.lower() for _, w, _ in undefined_words(summary, allowed=frozenset())}
        assert not unexplained & named, f"{path.name}: {sorted(unexplained & named)}"


def test_a_hard_word_put_back_is_named_with_its_field():
    data = real_summary_data()
    data["sections"][1]["points"][0]["text"] += " They also check the safeguarding arrangements."
    summary = YoungPeopleSummary.model_validate(data)

    undefined = undefined_words(summary, allowed=read_allow_list(ALLOW_LIST))

    named = {word: where for where, word, _ in undefined}
    assert named["safeguarding"] == ("young_people", "sections", 1, "points", 0, "text")
    assert named["arrangements"] == ("young_people", "sections", 1, "points", 0, "text")


def test_a_glossary_term_explains_its_words_and_their_endings():
    data = real_summary_data()
    data["sections"][1]["points"][0]["text"] += " Safeguarding matters."
    before = {w for _, w, _ in undefined_words(YoungPeopleSummary.model_validate(data))}
    data["glossary"].append({"term": "Safeguard", "meaning": "To keep someone safe."})
    after = {w for _, w, _ in undefined_words(YoungPeopleSummary.model_validate(data))}

    assert "Safeguarding" in before and "Safeguarding" not in after


def test_removing_a_glossary_entry_puts_its_word_back():
    path = REVIEWS_DIR / "bedford.yaml"
    data = _review(path)["young_people"]
    data["glossary"] = [g for g in data["glossary"] if g["term"] != "Inspector"]

    undefined = undefined_words(YoungPeopleSummary.model_validate(data), allowed=read_allow_list(ALLOW_LIST), area="Bedford Borough")

    assert [w for _, w, _ in undefined] == ["Inspectors"]


def test_the_template_text_the_check_reads_is_the_templates_own():
    """Every word the young people's template prints itself is in PAGE_TEXT, so the check sees it."""
    source = TEMPLATE.read_text(encoding="utf-8")
    source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    source = re.sub(r"<[^>]+>", " ", source)
    template_words = {w.lower() for w in re.findall(r"[^\W\d_]+(?:['’&][^\W\d_]+)*", source)}
    known = {w.lower() for text in PAGE_TEXT for w in re.findall(r"[^\W\d_]+(?:['’&][^\W\d_]+)*", text)}

    assert template_words - known == set(), "add the template's new words to readability.PAGE_TEXT"
