"""The importer on its own: drafts from the real sources, and the rules it is built from."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reviewpress import fidelity
from reviewpress.importer import draft_yaml, run_import, slug_from_name
from reviewpress.importing.crossrefs import (
    cited_recommendations,
    is_bracket_only,
    split_note,
)
from reviewpress.importing.notes import Notes
from reviewpress.importing.paragraphs import read_source
from reviewpress.importing.repair import drop_unmatched_bold, join_wrapped
from reviewpress.model import Review

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
LOCAL_REVIEWS = ["bedford", "bury", "staffordshire", "banes"]
WORD_RECALL = 0.995  # issue 14's bar


# --- whole sources -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("imported")
    for slug in LOCAL_REVIEWS:
        assert run_import(SEEDS / f"{slug}.txt", None, out) == 0
    return {slug: out / f"{slug}.yaml" for slug in LOCAL_REVIEWS}


@pytest.mark.parametrize("slug", LOCAL_REVIEWS)
def test_draft_keeps_nearly_every_source_word_in_order(slug, drafts):
    data = yaml.safe_load(drafts[slug].read_text(encoding="utf-8"))
    source = fidelity.source_words((SEEDS / f"{slug}.txt").read_text(encoding="utf-8"))
    result = fidelity.compare(source, fidelity.data_words(data))
    print(result.summary(f"{slug} (importer only)"))
    assert result.recall >= WORD_RECALL, "\n  ".join([result.summary(slug), *result.missing])


@pytest.mark.parametrize("slug", LOCAL_REVIEWS)
def test_draft_is_a_valid_review_starting_with_the_schema_line(slug, drafts):
    text = drafts[slug].read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/review.schema.json\n")
    review = Review.model_validate(yaml.safe_load(text))
    assert review.young_people.intro[0].startswith("DRAFT")


def _findings(review: Review) -> dict[str, object]:
    found = {}

    def walk(sections):
        for section in sections:
            for block in section.blocks:
                if hasattr(block, "finding"):
                    found[block.finding.number] = block.finding
            walk(section.sections)

    walk(review.sections)
    return found


def test_pdf_layout_source_gets_its_structure_back(drafts):
    review = Review.model_validate(yaml.safe_load(drafts["staffordshire"].read_text(encoding="utf-8")))
    findings = _findings(review)
    assert len(findings) == 162
    # Its title is printed only in the page footers.
    assert review.title.endswith("Safeguarding in Staffordshire")
    # The split bracket "(Recommendations" / "1.3 and 6.2)" stays in finding 4.4.
    assert findings["4.4"].recommendations == ["1.3", "6.2"]
    assert findings["1.3"].text.startswith("Across all services visited")
    # "5.1 Ensure ..." in the recommendations is an item, not a Management heading.
    assert [group.number for group in review.recommendations] == list(range(1, 11))
    assert review.recommendations[4].items[0].text.startswith("Ensure that midwifery antenatal documentation")
    assert [s.number for s in review.sections[-1].sections] == ["5.1", "5.2", "5.3"]


def test_word_layout_source_reads_metadata_and_notes(drafts):
    review = Review.model_validate(yaml.safe_load(drafts["bury"].read_text(encoding="utf-8")))
    assert str(review.metadata.review_dates.start) == "2018-09-03"
    assert str(review.metadata.publication_date) == "2018-10-12"
    findings = _findings(review)
    assert findings["1.4"].note.startswith("This was also brought to the attention")
    assert findings["1.4"].text.endswith("(**Recommendation 2.1**)")
    assert review.recommendations[0].lead_in == "NHS England local area team together with NHS Bury CCG should:"


# --- cross-references (every written form in source-reports.md §2.7) -----------------------------

CROSS_REFERENCE_FORMS = [
    ("bold inside the brackets", "… home visits. (**Recommendation 2.1**)", ["2.1"]),
    ("bold outside the brackets", "… the clinician. **(Recommendation 2.7)**", ["2.7"]),
    ("no bold", "… in practice. (Recommendation 4.1)", ["4.1"]),
    ("full stop after the bracket", "… misinterpreted. (**Recommendation 2.8**).", ["2.8"]),
    ("no full stop before or after", "… placed in care (**Recommendation 2.3**)", ["2.3"]),
    ("text continues after the bracket", "(Recommendation 6.5) This has been drawn to the attention of X.", ["6.5"]),
    ("two, singular form", "(Recommendation 4.2 and 5.1)", ["4.2", "5.1"]),
    ("two, singular form, bold", "(**Recommendation 1.1 and 2.7**)", ["1.1", "2.7"]),
    ("two, plural form", "(Recommendations 4.3 and 4.4)", ["4.3", "4.4"]),
    ("two, plural form, bold", "(**Recommendations 2.3 and 2.7**)", ["2.3", "2.7"]),
    ("three, and before the last", "(Recommendations 1.2, 3.13 and 6.1)", ["1.2", "3.13", "6.1"]),
    ("three, bold, singular", "(**Recommendation 6.1, 11.4 and 12.4**)", ["6.1", "11.4", "12.4"]),
    ("Oxford comma", "(Recommendations 2.1, 3.8, 4.14, 5.3, 6.6, 7.3, and 8.5)", ["2.1", "3.8", "4.14", "5.3", "6.6", "7.3", "8.5"]),
    ("stray comma after the word", "(Recommendation, 3.3, 7.2 and 10.1)", ["3.3", "7.2", "10.1"]),
    ("bracket split across lines", "is essential. (Recommendations\n1.3 and 6.2)", ["1.3", "6.2"]),
    ("bold marker inside a multi-number bracket", "EView (**Recommendation 4.2 and 12.10**).", ["4.2", "12.10"]),
]


@pytest.mark.parametrize("form, text, numbers", CROSS_REFERENCE_FORMS, ids=[form for form, _, _ in CROSS_REFERENCE_FORMS])
def test_each_written_form_links_to_its_recommendations(form, text, numbers):
    assert cited_recommendations(text) == numbers


@pytest.mark.parametrize("text", ["(Recommendation 1.1)", "(Recommendation 11.4).", "**(Recommendation 2.7)**"])
def test_a_bracket_on_its_own_line_is_recognised(text):
    assert is_bracket_only(text)


def test_a_sentence_mentioning_recommendations_is_not_a_bracket():
    assert not is_bracket_only("Recommendations from that inspection are covered in this review.")
    assert cited_recommendations("Recommendations from that inspection are covered (in this review).") == []


def test_bracket_on_its_own_paragraph_stays_with_the_finding_before_it():
    text = "\n".join(
        ["The child's journey", "", "Management", "", "5.1 Leadership", "", "5.1.1 Supervision is not in place.", "", "(Recommendation 2.11)",
         "", "5.1.2 Next finding.", "", "Recommendations", "", "2. A Trust should:", "- 2.11 Put it in place"]
    )  # fmt: skip
    management = _import(text)["sections"][1]
    finding = management["sections"][0]["blocks"][0]["finding"]
    assert finding["text"] == "Supervision is not in place.\n\n(Recommendation 2.11)"


@pytest.mark.parametrize(
    "text, kept, note",
    [
        (
            "Gaps remain. (**Recommendation 2.1**) *This was also brought to the attention of the Director of Public Health.*",
            "Gaps remain. (**Recommendation 2.1**)",
            "This was also brought to the attention of the Director of Public Health.",
        ),
        (
            "It could be strengthened. (Recommendation 7.1) This has been drawn to the attention of Public Health.",
            "It could be strengthened. (Recommendation 7.1)",
            "This has been drawn to the attention of Public Health.",
        ),
        (
            "Not all benefit. This will be brought to the attention of Public Health England.",
            "Not all benefit.",
            "This will be brought to the attention of Public Health England.",
        ),
    ],
)
def test_attention_sentence_is_set_apart_as_a_note(text, kept, note):
    assert split_note(text) == (kept, note)


# --- repairing extraction damage -----------------------------------------------------------------


def test_wrapped_lines_join_with_a_space():
    assert join_wrapped(["This report records the findings ", "of the review. "]) == "This report records the findings of the review."


def test_a_hyphen_ending_a_line_is_kept_without_a_space():
    assert join_wrapped(["twice ante-", "natally and once"]) == "twice ante-natally and once"
    assert join_wrapped(["through childrens-services-", "inspection@cqc.org.uk."]) == "through childrens-services-inspection@cqc.org.uk."


def test_source_spacing_and_errors_inside_a_line_are_kept():
    assert join_wrapped(["the Multi- Agency Safeguarding Hub", "achieved .There"]) == "the Multi- Agency Safeguarding Hub achieved .There"


def test_only_an_unmatched_bold_marker_is_dropped():
    assert drop_unmatched_bold("NHS Bury CCG should:**") == "NHS Bury CCG should:"
    assert drop_unmatched_bold("within **20 working days** of receipt") == "within **20 working days** of receipt"


def test_hanging_paragraph_number_and_split_bullet_are_rejoined():
    text = "\n".join(
        ["1.1 We saw evidence of positive partnership working ", "", "between the council and partners. ", " ",
         "", "• The review explored the effectiveness ", "", "and the effectiveness of arrangements. ", " ", "",
         "1.2 Next finding."]
    )  # fmt: skip
    paragraphs = [p.text for p in read_source(text, layout="hard-wrapped").paragraphs]
    assert paragraphs == [
        "1.1 We saw evidence of positive partnership working between the council and partners.",
        "The review explored the effectiveness and the effectiveness of arrangements.",
        "1.2 Next finding.",
    ]


def test_page_footer_is_removed_and_gives_the_title():
    text = "\n".join(
        ["The end of one page. ", " ", "", "", "Review of Health services for Children Looked After and Safeguarding in Somewhere ",
         "  Page 22 of 67 ", "", "2.4 The next page starts here. ", "", "mailto:someone@example.org"]
    )  # fmt: skip
    source = read_source(text, layout="hard-wrapped")
    assert [p.text for p in source.paragraphs] == ["The end of one page.", "2.4 The next page starts here."]
    assert source.running_title == "Review of Health services for Children Looked After and Safeguarding in Somewhere"


def test_text_carried_over_a_page_footer_stays_one_paragraph():
    text = "\n".join(
        ["Practitioners were not ", " ", "", "Review of services in Somewhere ", "  Page 3 of 9 ", " ",
         "routinely compliant with the expectation. "]
    )  # fmt: skip
    paragraphs = read_source(text, layout="hard-wrapped").paragraphs
    assert [p.text for p in paragraphs] == ["Practitioners were not routinely compliant with the expectation."]


# --- the command -----------------------------------------------------------------------------------


def test_existing_review_is_not_overwritten(tmp_path, capsys):
    source = tmp_path / "Some Area.txt"
    source.write_text((SEEDS / "bedford.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "out").mkdir()
    existing = tmp_path / "out" / "some-area.yaml"
    existing.write_text("hand-edited", encoding="utf-8")
    assert run_import(source, None, tmp_path / "out") == 1
    assert existing.read_text(encoding="utf-8") == "hand-edited"
    assert "already exists" in capsys.readouterr().err
    assert run_import(source, None, tmp_path / "out", force=True) == 0
    assert existing.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_layout_is_detected_from_how_lines_run_on():
    wrapped = "\n".join(["This report records the findings of the review of health ", "services in the area. It focuses "] * 20)
    assert read_source(wrapped).layout == "hard-wrapped"
    assert read_source((SEEDS / "bury.txt").read_text(encoding="utf-8")).layout == "paragraph-per-line"


def test_slug_comes_from_the_file_name():
    assert slug_from_name(Path("/tmp/Not Seen, Not Heard.txt")) == "not-seen-not-heard"


def test_guesses_are_printed_with_line_numbers(tmp_path, capsys):
    run_import(SEEDS / "bedford.txt", None, tmp_path)
    printed = capsys.readouterr().out
    assert "L9  inspectors split as" in printed
    assert "young_people is a placeholder" in printed


def _import(text: str) -> dict:
    return yaml.safe_load(draft_yaml(text, "test", Notes()))


def test_a_report_without_the_local_review_headings_is_refused_clearly(tmp_path, capsys):
    source = tmp_path / "national.txt"
    source.write_text("NOT SEEN, NOT HEARD\n\nForeword\n\nSome text.\n", encoding="utf-8")
    assert run_import(source, None, tmp_path / "out") == 1
    assert "standard headings of a local review" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- structure rules that generalise (issue 14) ----------------------------------------------------

from reviewpress.importing.paragraphs import BOX_LABEL  # noqa: E402
from reviewpress.importing.recommendations import organisations  # noqa: E402


@pytest.mark.parametrize(
    "line, label, rest",
    [
        ("Case Example: A mother attended", "Case Example", "A mother attended"),
        ("Case example 2: A young woman aged 15", "Case example 2", "A young woman aged 15"),
        ("Practice example 1: A new group", "Practice example 1", "A new group"),
        ("Case Example 8: Male aged 16", "Case Example 8", "Male aged 16"),
        ("Case examples 3 and 4:", "Case examples 3 and 4", None),
        ("Good Practice Example in Primary Care: Female aged 10", "Good Practice Example in Primary Care", "Female aged 10"),
        ("GOOD PRACTICE EXAMPLE: text", "GOOD PRACTICE EXAMPLE", "text"),
        ("Case study A: text", "Case study A", "text"),
    ],
)
def test_box_labels_in_any_case_numbering_and_number(line, label, rest):
    match = BOX_LABEL.match(line)
    assert match and match["label"] == label and match["rest"] == rest


@pytest.mark.parametrize("line", ["Safeguarding Children and Young People: roles and competences", "Case examples from the service"])
def test_other_lines_with_colons_are_not_box_labels(line):
    assert not BOX_LABEL.match(line)


def _journey(*lines: str) -> list[dict]:
    text = "\n".join(["The child's journey", "", "1. Early help", "", *lines, "", "Recommendations", "", "1. A Trust should:",
                      "1.1 Do it.", "1.2 Do more."])  # fmt: skip
    return _import(text)["sections"][0]["sections"][0]["blocks"]


def test_a_numbered_box_label_opens_a_box_and_its_list_keeps_the_printed_numbers():
    blocks = _journey("1.1 A finding.", "", "Case examples 3 and 4:", "", "3. A child of six attended.", "",
                      "4. A child aged eight attended.", "", "1.2 The next finding.")  # fmt: skip
    assert [next(iter(block)) for block in blocks] == ["finding", "case_example", "finding"]
    box = blocks[1]["case_example"]
    assert box["label"] == "Case examples 3 and 4"
    assert box["blocks"] == [{"p": "3. A child of six attended.\n4. A child aged eight attended."}]


def test_a_box_label_glued_under_a_paragraph_starts_a_box():
    text = "\n".join(["1.13 A finding that ends here. ", "", "Case example 2: A young woman aged 15 was ", "seen. ",
                      " ", "1.14 Next. "])  # fmt: skip
    paragraphs = [p.text for p in read_source(text, layout="hard-wrapped").paragraphs]
    assert paragraphs == ["1.13 A finding that ends here.", "Case example 2: A young woman aged 15 was seen.", "1.14 Next."]


@pytest.mark.parametrize("marker", ["•", "\uf0b7", "●", "▪", "- "])
def test_bullets_with_or_without_a_space_in_any_bullet_character(marker):
    text = "\n".join(["The provision includes: ", "", f"{marker}Princess Anne Wing ", f"{marker}Frome ", "",
                      "Next paragraph. "])  # fmt: skip
    paragraphs = read_source(text, layout="hard-wrapped").paragraphs
    assert [(p.text, bool(p.bullet)) for p in paragraphs] == [
        ("The provision includes:", False), ("Princess Anne Wing", True), ("Frome", True), ("Next paragraph.", False)
    ]


def test_paragraph_breaks_as_printed_after_a_finished_sentence():
    text = "\n".join(["Pregnancies, overall, are in line. ", "", "In the last 3 years services have ", "", "improved. ",
                      "", "1.5 Transfers of cases from midwifery to the health visitor service are done well. ", "",
                      "When a baby has to remain in hospital, midwives keep health visitors up to date. ", " "])  # fmt: skip
    paragraphs = [p.text for p in read_source(text, layout="hard-wrapped").paragraphs]
    assert paragraphs == [
        "Pregnancies, overall, are in line.",
        "In the last 3 years services have improved.",
        "1.5 Transfers of cases from midwifery to the health visitor service are done well. When a baby has to remain "
        "in hospital, midwives keep health visitors up to date.",
    ]


@pytest.mark.parametrize(
    "text, numbers",
    [("(Recommendation to 2.1).", ["2.1"]), ("(Recommendations   3.2, 5.3, 6.3)", ["3.2", "5.3", "6.3"]),
     ("(Recommendations 1.6 and\n1.7).", ["1.6", "1.7"]), ("(Recommendations 6.1)", ["6.1"])],
)  # fmt: skip
def test_citation_forms_of_an_unseen_report(text, numbers):
    assert cited_recommendations(text) == numbers


@pytest.mark.parametrize(
    "lead_in, known, names",
    [
        ("Bath and North East Somerset CCG and Royal United Hospital NHS Trust should:", [],
         ["Bath and North East Somerset CCG", "Royal United Hospital NHS Trust"]),
        ("Bath and North East Somerset CCG and Bath and North East Somerset Doctors Urgent Care Ltd (BDUC) should:", [],
         ["Bath and North East Somerset CCG", "Bath and North East Somerset Doctors Urgent Care Ltd (BDUC)"]),
        ("Avon and Wiltshire Mental Health Partnership NHS Trust and Oxford Health should:",
         ["Avon & Wiltshire Mental Health Partnership NHS Trust"],
         ["Avon and Wiltshire Mental Health Partnership NHS Trust", "Oxford Health"]),
        ("Bath and North East Somerset CCG", ["Bath and North East Somerset CCG"], ["Bath and North East Somerset CCG"]),
        ("NHS England local area team together with NHS Bury CCG should:", [], ["NHS England local area team", "NHS Bury CCG"]),
    ],
)  # fmt: skip
def test_organisation_names_holding_and_are_kept_whole(lead_in, known, names):
    assert organisations(lead_in, known) == names


def test_the_action_plan_addressee_is_resolved_against_the_groups():
    text = "\n".join(["The child's journey", "", "1. Early help", "", "1.1 A finding (Recommendation 1.1).", "",
                      "Recommendations", "", "1. Bath and North East Somerset CCG and Sirona Care & Health should:",
                      "1.1 Do it.", "", "Next steps", "", "An action plan addressing the recommendations above is required "
                      "from Bath and North East Somerset CCG within 20 working days of receipt of this report."])  # fmt: skip
    assert _import(text)["next_steps"]["required_from"] == ["Bath and North East Somerset CCG"]


def test_tool_wrapped_text_keeps_its_paragraphs():
    """Word's "insert line breaks": paragraphs wrapped at 80 columns with no blank line between them."""
    text = "\n".join(["This is the first paragraph of the report, long enough to be wrapped at eighty", "columns by the tool.",
                      "A second paragraph starts on the next line and it is also long enough to wrap at", "eighty columns.",
                      "And a third one here, which runs on over more than one line of the text file as", "well."] * 5)  # fmt: skip
    paragraphs = read_source(text).paragraphs
    assert len(paragraphs) == 15
    assert paragraphs[1].text == "A second paragraph starts on the next line and it is also long enough to wrap at eighty columns."


def test_a_windows_1252_text_file_is_read_and_noted(tmp_path, capsys):
    source = tmp_path / "bedford.txt"
    source.write_bytes((SEEDS / "bedford.txt").read_text(encoding="utf-8").encode("cp1252"))
    assert run_import(source, None, tmp_path / "out") == 0
    assert "read as Windows-1252" in capsys.readouterr().out
    assert "Carer’s told us:" in (tmp_path / "out" / "bedford.yaml").read_text(encoding="utf-8")


# --- structure as PDF extraction flattens it ---------------------------------------------------------

from reviewpress.importing.blocks import plain_blocks, table_from  # noqa: E402
from reviewpress.importing.quotes import quote_groups  # noqa: E402


def _blocks(*lines: str) -> list[dict]:
    return plain_blocks(read_source("\n".join(lines), layout="hard-wrapped").paragraphs, Notes())


def test_a_list_whose_bullets_the_extraction_dropped_is_a_list_again():
    """The intro stops short at ';', each item starts a line (one wrapped inside a name), and
    the sentence after the last item is a paragraph of its own."""
    blocks = _blocks(
        "Acute hospital services are provided by; ",
        "County Hospital, Stafford, University Hospitals of North Midlands NHS Trust (UHNM) ",
        "Burton Hospitals NHS Foundation Trust (BHFT) at Queens Hospital, Burton On ",
        "Trent  ",
        "Walsall Healthcare NHS Trust – not included in this CLAS review ",
        "Community hospitals Samuel Johnson Hospital and Sir Robert Peel were also not ",
        "included in this CLAS review. ",
        " ",
    )
    assert blocks == [
        {"p": "Acute hospital services are provided by;"},
        {"bullets": ["County Hospital, Stafford, University Hospitals of North Midlands NHS Trust (UHNM)",
                     "Burton Hospitals NHS Foundation Trust (BHFT) at Queens Hospital, Burton On Trent",
                     "Walsall Healthcare NHS Trust – not included in this CLAS review"]},
        {"p": "Community hospitals Samuel Johnson Hospital and Sir Robert Peel were also not included in this CLAS review."},
    ]  # fmt: skip


def test_a_semicolon_at_the_end_of_a_full_line_of_prose_is_no_list():
    text = ("All CCGs are represented on the Staffordshire Safeguarding Children Board (LSCB); ",
            "The Chief Nurse/ Director of Quality and Safety and Designated Nurse for ",
            "Safeguarding represent the 4 South CCGs and The Director of Nursing and the ",
            "Designated Nurse in the North represent Stoke and North Staffordshire CCGs. ", " ")  # fmt: skip
    assert [next(iter(block)) for block in _blocks(*text)] == ["p"]


def test_a_flattened_table_without_a_caption_is_named_by_its_measure_and_rows():
    paragraph = read_source("Clinical Commissioning Group  Residents (#)  Residents (%)  \nNHS North CCG  202,735  23.5%  ",
                            layout="hard-wrapped").paragraphs[0]  # fmt: skip
    assert table_from(paragraph)["title"] == "Residents by Clinical Commissioning Group"
    paragraph = read_source("Service  Visited  Commissioner  \nMIU  Yes  CCG  ", layout="hard-wrapped").paragraphs[0]
    assert table_from(paragraph)["title"] == "Service"


def test_a_flattened_tables_rows_go_on_over_blank_lines_without_trailing_spaces():
    blocks = _blocks("Clinical Commissioning Group  Residents (#)  Residents (%)", "NHS South East Staffs and",
                     "Seisdon Peninsula CCG", "", "202,908  23.5%", "", "NHS North Staffordshire CCG  202,735  23.5%",
                     "", "All CCGs are represented on the Board.")  # fmt: skip
    assert [next(iter(block)) for block in blocks] == ["table", "p"]
    assert blocks[0]["table"]["rows"][0] == {"label": "NHS South East Staffs and Seisdon Peninsula CCG", "cells": ["202,908", "23.5%"]}


def test_a_box_tag_in_capitals_opens_an_unlabelled_box():
    blocks = _journey("1.1 A finding.", "", "CASE EXAMPLE", "", "Child A was seen at home.", "", "1.2 The next finding.")
    assert blocks[1] == {"case_example": {"blocks": [{"p": "Child A was seen at home."}]}}
    assert _journey("1.1 A finding.", "", "CASE EXAMPLE 2:", "", "Child B.", "", "1.2 Next.")[1]["case_example"]["label"] == "CASE EXAMPLE 2"


def test_a_box_label_alone_on_its_line_ends_there_even_before_lower_case():
    """"Case example 5" set above its box, whose text starts in lower case as printed."""
    text = "\n".join(["Case example 5", "", "child aged 7 years attended RUH emergency department following a fall at",
                      "home.", "", "1.2 Next."])  # fmt: skip
    paragraphs = [p.text for p in read_source(text, layout="hard-wrapped").paragraphs]
    assert paragraphs[:2] == ["Case example 5", "child aged 7 years attended RUH emergency department following a fall at home."]


def test_a_standard_heading_after_a_one_line_numbered_paragraph_is_a_heading():
    """Without whitespace-only lines, a gap after a paragraph number's first line is its hanging indent, but a
    standard heading there starts the next part."""
    text = "\n".join(["5.3 That level 3 safeguarding training is compliant with inter collegiate guidance.", "", "Next steps",
                      "", "An action plan addressing the recommendations above is required."])  # fmt: skip
    assert [p.text for p in read_source(text, layout="hard-wrapped").paragraphs] == [
        "5.3 That level 3 safeguarding training is compliant with inter collegiate guidance.", "Next steps",
        "An action plan addressing the recommendations above is required."]  # fmt: skip


def test_a_speaker_on_the_line_under_an_unmarked_quote_is_its_speaker():
    paragraphs = read_source("\n".join(["The school nurse is amazing. She listened to her.", "", "Parent", "",
                                        "They listened. I could speak to her any time I needed, so helpful.", "",
                                        "Care leaver telling us about their experience of using the health service"]),
                             layout="hard-wrapped").paragraphs  # fmt: skip
    assert quote_groups(paragraphs, Notes()) == [{"quotes": {"quotes": [
        {"text": "The school nurse is amazing. She listened to her.", "speaker": "Parent"},
        {"text": "They listened. I could speak to her any time I needed, so helpful.",
         "speaker": "Care leaver telling us about their experience of using the health service"}]}}]  # fmt: skip


def test_a_slash_ending_a_line_is_kept_without_a_space():
    assert join_wrapped(["as their mental health needs/", "risks change"]) == "as their mental health needs/risks change"


def test_a_paragraph_number_left_alone_at_a_page_foot_numbers_the_text_after_it():
    """A number set beside its text stays at the foot of a page when the text moves on to the next."""
    text = "\n".join(["4. East Staffordshire CCG and Burton Hospital NHS Foundation Trust should:", "", "4.1", "", "",
                      "Ensure effective managerial oversight and governance arrangements are in place.", "", "4.2 Next."])  # fmt: skip
    assert [p.text for p in read_source(text, layout="hard-wrapped").paragraphs] == [
        "4. East Staffordshire CCG and Burton Hospital NHS Foundation Trust should:",
        "4.1 Ensure effective managerial oversight and governance arrangements are in place.", "4.2 Next."]  # fmt: skip
