"""The hand-written iCalendar (escaping, folding, UTC) and the schema.org data (escaping inside <script>)."""

import json
from datetime import UTC, datetime

from events import icalendar, jsonld
from tests.events.factories import SessionFactory


def test_vevent_in_utc_with_escaped_and_folded_text():
    session = SessionFactory(
        starts_at=datetime(2026, 12, 3, 13, 30, tzinfo=UTC),
        event__title="Impôts, CAF; et « démarches » " + "é" * 60,
    )
    text = icalendar.calendar_for([session], title="Test")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20261203T133000Z" in text and "DTEND:20261203T150000Z" in text
    assert "SUMMARY:Impôts\\, CAF\\; et" in text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    unfolded = text.replace("\r\n ", "")
    assert f"UID:seance-{session.pk}@" in unfolded and "LOCATION:" in unfolded and "URL:http" in unfolded


def test_jsonld_cannot_close_its_script_element():
    session = SessionFactory(event__description="</script><script>alert(1)</script> & co")
    text = jsonld.dumps([jsonld.session_data(session.event, session)])
    assert "</script>" not in text and "<" not in text
    assert json.loads(text)[0]["description"].startswith("</script>")
