"""The case lifecycle: full walks, disputes, extensions, merges, scoping, the append-only log."""

import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from inspector.cases.models import Case, CaseEvent
from tests.test_reports import JINSHUI, jpeg, post_report, report_data

ERQI = (113.6100, 34.7050)  # inside 二七区 of the demo city


@pytest.fixture
def world(login_as, demo_city):
    """An inspector, the staff of 金水区 and of 二七区, and a supervisor."""
    return {
        "inspector": login_as("inspector"),
        "jinshui": login_as("staff", unit="410105-GOV"),
        "erqi": login_as("staff", unit="410103-GOV"),
        "supervisor": login_as("supervisor"),
    }


def new_case(world, **overrides) -> dict:
    response = post_report(world["inspector"], report_data(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["case"]


def act(api, case, action, **body):
    body.setdefault("client_id", str(uuid.uuid4()))
    return api.post(f"/api/v1/cases/{case['id']}/{action}", json=body)


def act_with_photos(api, case, action, photos=None, **data):
    data.setdefault("client_id", str(uuid.uuid4()))
    photos = [jpeg(color=(30, 90, 30))] if photos is None else photos
    form = {
        "data": json.dumps(data),
        "photos": [(io.BytesIO(p), f"after{i}.jpg") for i, p in enumerate(photos)],
    }
    return api.post(
        f"/api/v1/cases/{case['id']}/{action}", data=form, content_type="multipart/form-data"
    )


def state_of(api, case) -> dict:
    return api.get(f"/api/v1/cases/{case['id']}").get_json()["case"]


def test_full_lifecycle_with_rework_closes_on_time(world):
    case = new_case(world)
    staff, inspector = world["jinshui"], world["inspector"]
    assert case["state"] == "dispatched"
    assert act(staff, case, "accept").get_json()["case"]["state"] == "in_progress"
    assert (
        act_with_photos(
            staff, case, "rectify", note="已清理", lon=JINSHUI[0], lat=JINSHUI[1]
        ).status_code
        == 200
    )
    failed = act_with_photos(inspector, case, "verify", result="fail", note="仍有垃圾")
    assert failed.get_json()["case"]["state"] == "in_progress"
    assert failed.get_json()["case"]["rework_count"] == 1
    act_with_photos(staff, case, "rectify", note="再次清理")
    closed = act(inspector, case, "verify", result="pass").get_json()["case"]
    assert closed["state"] == "closed" and closed["on_time"] is True
    actions = [event["action"] for event in state_of(inspector, case)["timeline"]]
    assert actions == [
        "submitted",
        "dispatched",
        "accept",
        "rectify",
        "verify_fail",
        "rectify",
        "verify_pass",
    ]


def test_an_upheld_dispute_reassigns_and_pauses_the_clock_meanwhile(world, db_session):
    case = new_case(world)
    disputed = act(world["jinshui"], case, "dispute", unit="410103-GOV", reason="属二七区")
    assert disputed.get_json()["case"]["state"] == "disputed"
    row = db_session.get(Case, case["id"])
    row.paused_at -= timedelta(hours=3)  # the dispute stayed open for three hours
    row.used_minutes = 0
    db_session.flush()
    upheld = act(world["supervisor"], case, "decide_dispute", decision="uphold")
    result = upheld.get_json()["case"]
    assert result["state"] == "dispatched" and result["unit"]["code"] == "410103-GOV"
    assert result["minutes_used"] < 1  # a fresh clock for the new unit
    assert act(world["erqi"], case, "accept").status_code == 200
    assert act(world["jinshui"], case, "accept").status_code == 404  # no longer theirs


def test_a_rejected_dispute_goes_back_and_counts_as_passing_the_buck(world, db_session):
    case = new_case(world)
    act(world["jinshui"], case, "dispute", unit="none", reason="不是我们的")
    rejected = act(world["supervisor"], case, "decide_dispute", decision="reject", note="属地管理")
    assert rejected.get_json()["case"]["state"] == "dispatched"
    assert rejected.get_json()["case"]["unit"]["code"] == "410105-GOV"
    count = db_session.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case["id"], CaseEvent.action == "dispute_rejected")
    )
    assert count == 1


def test_the_clock_pauses_during_a_dispute(world, db_session):
    from inspector.cases import clock, workflow

    case = new_case(world)
    act(world["jinshui"], case, "accept")
    row = db_session.get(Case, case["id"])
    calendar = clock.current_calendar()
    # Disputed on Mon 7 Dec 2026 at 09:00, decided (rejected) on Wed 9 Dec at 09:00.
    opened = datetime(2026, 12, 7, 9, tzinfo=clock.LOCAL_TZ)
    clock.start_clock(row, calendar, opened - timedelta(minutes=30))
    workflow.perform(
        row,
        "dispute",
        world["jinshui"].user,
        {"unit": "410103-GOV", "reason": "属二七区"},
        now=opened,
    )
    used_at_dispute = row.used_minutes
    assert used_at_dispute == 30
    workflow.perform(
        row,
        "decide_dispute",
        world["supervisor"].user,
        {"decision": "reject"},
        now=opened + timedelta(days=2),
    )
    # The remaining 4 working hours - 30 min = 210 min start counting again on Wednesday.
    assert row.deadline_at == calendar.add_working_minutes(opened + timedelta(days=2), 210)
    assert clock.minutes_used(row, calendar, opened + timedelta(days=2)) == 30


def test_an_extension_granted_moves_the_deadline(world):
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    wanted = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    asked = act(world["jinshui"], case, "request_extension", deadline=wanted, reason="需采购")
    assert asked.get_json()["case"]["state"] == "extension_requested"
    granted = act(world["supervisor"], case, "decide_extension", decision="grant").get_json()
    assert granted["case"]["state"] == "in_progress"
    assert granted["case"]["deadline_at"][:16] == wanted[:16]


def test_a_refused_extension_keeps_the_deadline(world):
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    deadline = state_of(world["jinshui"], case)["deadline_at"]
    act(
        world["jinshui"],
        case,
        "request_extension",
        deadline=(datetime.now(UTC) + timedelta(days=3)).isoformat(),
        reason="忙",
    )
    refused = act(world["supervisor"], case, "decide_extension", decision="refuse").get_json()
    assert refused["case"]["deadline_at"] == deadline


def test_an_unrouted_case_is_assigned_by_a_supervisor(world):
    case = new_case(world, lon=116.4, lat=39.9)
    assert case["state"] == "unrouted"
    assigned = act(world["supervisor"], case, "assign", unit="410105-GOV").get_json()["case"]
    assert assigned["state"] == "dispatched" and assigned["deadline_at"]
    assert act(world["jinshui"], case, "accept").status_code == 200


def test_a_duplicate_is_merged_into_the_original(world):
    original, duplicate = new_case(world), new_case(world)
    merged = act(
        world["supervisor"], duplicate, "invalidate", reason="重复", merge_into=original["id"]
    ).get_json()["case"]
    assert merged["state"] == "invalid" and merged["merged_into"] == original["id"]
    timeline = state_of(world["supervisor"], original)["timeline"]
    assert timeline[-1]["action"] == "merged"


def test_a_closed_case_can_be_reopened_by_a_supervisor(world):
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    act_with_photos(world["jinshui"], case, "rectify")
    act(world["inspector"], case, "verify", result="pass")
    reopened = act(world["supervisor"], case, "reopen", reason="反弹").get_json()["case"]
    assert reopened["state"] == "dispatched" and reopened["closed_at"] is None


def test_a_retried_action_with_the_same_client_id_happens_once(world):
    case = new_case(world)
    client_id = str(uuid.uuid4())
    assert act(world["jinshui"], case, "accept", client_id=client_id).status_code == 200
    assert act(world["jinshui"], case, "accept", client_id=client_id).status_code == 200
    accepts = [e for e in state_of(world["jinshui"], case)["timeline"] if e["action"] == "accept"]
    assert len(accepts) == 1


def test_after_photos_far_from_the_case_are_refused(world):
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    refused = act_with_photos(
        world["jinshui"], case, "rectify", lon=JINSHUI[0] + 0.01, lat=JINSHUI[1]
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "too_far"
    assert "米" in refused.get_json()["error"]["message"]  # said in Chinese by default


def test_after_photos_taken_before_dispatch_are_refused(world, db_session):
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    row = db_session.get(Case, case["id"])
    row.dispatched_at = datetime.now(UTC) + timedelta(days=10000)  # any real photo predates it
    db_session.flush()
    photo = __import__("tests.conftest", fromlist=["shared_file"]).shared_file(
        "photos", "gps_nikon_p6000_DSCN0010.jpg"
    )
    refused = act_with_photos(world["jinshui"], case, "rectify", photos=[photo.read_bytes()])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] in ("photo_before_dispatch", "photo_too_far")


def test_wrong_state_is_409_with_a_reason(world):
    case = new_case(world)
    response = act_with_photos(world["jinshui"], case, "rectify")
    assert response.status_code == 409
    assert "dispatched" in response.get_json()["error"]["message"]


# (role, whose case, action, state the case is put in) -> expected status
ACCESS = [
    ("jinshui", "own", "accept", "dispatched", 200),
    ("erqi", "other", "accept", "dispatched", 404),
    ("inspector", "own", "accept", "dispatched", 403),
    ("supervisor", "any", "accept", "dispatched", 403),
    ("jinshui", "own", "dispute", "dispatched", 200),
    ("erqi", "other", "dispute", "dispatched", 404),
    ("jinshui", "own", "request_extension", "in_progress", 200),
    ("jinshui", "own", "request_extension", "dispatched", 409),
    ("jinshui", "own", "assign", "unrouted", 404),  # unrouted cases are outside every unit
    ("supervisor", "any", "assign", "unrouted", 200),
    ("inspector", "own", "assign", "unrouted", 403),
    ("supervisor", "any", "decide_dispute", "disputed", 200),
    ("jinshui", "own", "decide_dispute", "disputed", 403),
    ("supervisor", "any", "decide_extension", "extension_requested", 200),
    ("jinshui", "own", "decide_extension", "extension_requested", 403),
    ("supervisor", "any", "invalidate", "dispatched", 200),
    ("inspector", "own", "invalidate", "dispatched", 403),
    ("supervisor", "any", "reopen", "closed", 200),
    ("jinshui", "own", "reopen", "closed", 403),
    ("inspector", "own", "verify", "rectified", 200),
    ("supervisor", "any", "verify", "rectified", 200),
    ("jinshui", "own", "verify", "rectified", 403),
    ("supervisor", "any", "verify", "in_progress", 409),
]

BODIES = {
    "accept": {},
    "dispute": {"unit": "410103-GOV", "reason": "r"},
    "request_extension": {"reason": "r"},
    "assign": {"unit": "410105-GOV"},
    "decide_dispute": {"decision": "reject"},
    "decide_extension": {"decision": "refuse"},
    "invalidate": {"reason": "r"},
    "reopen": {"reason": "r"},
    "verify": {"result": "pass"},
}


@pytest.mark.parametrize(("who", "whose", "action", "state", "expected"), ACCESS)
def test_who_may_do_what_in_which_state(world, db_session, who, whose, action, state, expected):
    case = new_case(world, lon=116.4, lat=39.9) if state == "unrouted" else new_case(world)
    row = db_session.get(Case, case["id"])
    row.state = state
    db_session.flush()
    body = dict(BODIES[action])
    if action == "request_extension":
        body["deadline"] = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    response = act(world[who], case, action, **body)
    assert response.status_code == expected, response.get_json()


def test_staff_lists_only_their_units_cases_sorted_by_deadline(world):
    mine = [new_case(world, category=code) for code in ("01-05", "01-03", "01-01")]
    new_case(world, lon=ERQI[0], lat=ERQI[1])
    listed = world["jinshui"].get("/api/v1/cases").get_json()
    assert {case["id"] for case in listed["cases"]} == {case["id"] for case in mine}
    deadlines = [case["deadline_at"] for case in listed["cases"]]
    assert deadlines == sorted(deadlines)
    assert listed["total"] == 3


def test_another_units_case_is_404_not_403(world):
    case = new_case(world)
    assert world["erqi"].get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert world["erqi"].get(f"/api/v1/cases/{case['id'] + 10**6}").status_code == 404


def test_inspectors_see_their_own_reports_supervisors_see_everything(world, login_as):
    case = new_case(world)
    other = login_as("inspector")
    assert other.get(f"/api/v1/cases/{case['id']}").status_code == 404
    assert world["supervisor"].get(f"/api/v1/cases/{case['id']}").status_code == 200
    assert world["inspector"].get("/api/v1/cases").get_json()["total"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=dispatched", 2),
        ("state=closed", 0),
        ("category=01-01", 1),
        ("category=03", 1),
        ("district=410105", 2),
        ("overdue=1", 0),
        ("q=暴露", 2),
        ("unit=410105-JJ", 1),
    ],
)
def test_inbox_filters(world, query, expected):
    new_case(world)
    new_case(world, category="03-03")
    listed = world["supervisor"].get(f"/api/v1/cases?{query}")
    assert listed.status_code == 200, listed.get_json()
    assert listed.get_json()["total"] == expected


def test_bad_filters_are_400(world):
    assert world["supervisor"].get("/api/v1/cases?state=bogus").status_code == 400
    assert world["supervisor"].get("/api/v1/cases?per_page=100000").status_code == 400
    assert world["supervisor"].get("/api/v1/cases?from=yesterday").status_code == 400


def test_updating_or_deleting_a_case_event_through_sql_fails(world, db_session):
    case = new_case(world)
    for statement in (
        "UPDATE case_events SET note = 'forged' WHERE case_id = :id",
        "DELETE FROM case_events WHERE case_id = :id",
    ):
        savepoint = db_session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(statement), {"id": case["id"]})
        savepoint.rollback()


def test_tick_marks_overdue_cases_once(world, db_session, app):
    case = new_case(world)
    row = db_session.get(Case, case["id"])
    row.deadline_at = datetime.now(UTC) - timedelta(hours=1)
    row.budget_minutes, row.used_minutes = 60, 120
    db_session.flush()
    runner = app.test_cli_runner()
    assert "1 cases turned overdue" in runner.invoke(args=["cases", "tick"]).output
    assert "0 cases turned overdue" in runner.invoke(args=["cases", "tick"]).output
    assert state_of(world["supervisor"], case)["traffic_light"] == "red"


def test_the_case_record_exports_as_json_and_printable_html(world):
    case = new_case(world)
    exported = world["supervisor"].get(f"/api/v1/cases/{case['id']}/record.json")
    assert exported.get_json()["case"]["timeline"][0]["action"] == "submitted"
    page = world["supervisor"].get(f"/api/v1/cases/{case['id']}/record.html")
    assert page.status_code == 200 and case["number"] in page.get_data(as_text=True)


def test_route_all_dispatches_unrouted_cases_once_a_rule_exists(world, app, db_session):
    case = new_case(world, category="06-04")
    from inspector.zones import rules

    for rule in rules.list_rules():  # make 06-04 unroutable, report, then add a rule back
        if rule.category_pattern == "*" and rule.layer_code is None:
            rules.remove_rule(rule.id)
    stuck = new_case(world, category="06-04")
    assert stuck["state"] == "unrouted"
    rules.add_rule("06-04", role="street_lighting", priority=70)
    result = app.test_cli_runner().invoke(args=["route-all", "--unrouted"])
    assert result.exit_code == 0, result.output
    assert state_of(world["supervisor"], stuck)["unit"]["code"] == "ZZ-LD"
    assert case["state"] == "dispatched"


def test_the_verification_list_is_nearest_first(world, db_session):
    far = new_case(world, lon=JINSHUI[0] + 0.02)
    near = new_case(world)
    for case in (far, near):
        db_session.get(Case, case["id"]).state = "rectified"
    db_session.flush()
    listed = (
        world["inspector"]
        .get(f"/api/v1/cases?state=rectified&near={JINSHUI[0]},{JINSHUI[1]}")
        .get_json()["cases"]
    )
    assert [case["id"] for case in listed] == [near["id"], far["id"]]
    assert world["inspector"].get("/api/v1/cases?near=abc").status_code == 400


def test_declared_photo_metadata_counts_when_the_phone_stripped_exif(world):
    """The PWA shrinks photos (dropping EXIF) and declares the original's time and place."""
    case = new_case(world)
    act(world["jinshui"], case, "accept")
    far_away = [
        {"taken_at": datetime.now(UTC).isoformat(), "lon": JINSHUI[0] + 0.01, "lat": JINSHUI[1]}
    ]
    refused = act_with_photos(world["jinshui"], case, "rectify", photos_meta=far_away)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "photo_too_far"
    here = [{"taken_at": datetime.now(UTC).isoformat(), "lon": JINSHUI[0], "lat": JINSHUI[1]}]
    assert act_with_photos(world["jinshui"], case, "rectify", photos_meta=here).status_code == 200
    bad = act_with_photos(world["jinshui"], new_case(world), "rectify", photos_meta="x")
    assert bad.status_code in (400, 409)
