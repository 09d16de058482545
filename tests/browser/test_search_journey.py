"""The search page in a real browser, against the real search service.

On a phone: a seeker describes their pain in their own words, types a place and
submits with the keyboard, sees where the search looked and why each result matches,
opens the evidence with the keyboard, switches to online care, then ticks a red flag
and gets urgent-care advice instead of practitioners. On a desktop: the map draws the
results although its tiles cannot load (the tests are offline), and the page stays
usable. Nothing is fetched from anywhere but the app itself."""

from __future__ import annotations

from typing import Callable

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.builders import make_verified_practitioner

pytestmark = pytest.mark.browser


def offline(page, base: str) -> list[str]:  # noqa: ANN001
    """Abort every request that is not to the app (map tiles included); return the
    non-tile ones, which should never happen."""
    stray: list[str] = []

    def handle(route) -> None:  # noqa: ANN001
        url = route.request.url
        if url.startswith(base):
            route.continue_()
            return
        if "{z}" not in url and "tile" not in url:
            stray.append(url)
        route.abort()

    page.route("**/*", handle)
    return stray


def search_near(page, place_name: str) -> None:  # noqa: ANN001
    """Type a place in "Near" and send the form with Enter, as a phone keyboard's Go does."""
    place = page.get_by_label("Near", exact=True)
    place.fill(place_name)
    with page.expect_navigation():
        place.press("Enter")


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def practitioners(app) -> Callable[[], dict[str, int]]:  # noqa: ANN001
    asha = make_verified_practitioner(app, display_name="Asha Rao", concerns=("sciatica", "back-spasm"),
                                      techniques=("dry-needling",), languages=("English", "Kannada"), gender="woman")
    vikram = make_verified_practitioner(app, display_name="Vikram Shetty", concerns=("sciatica",),
                                        lat=12.9352, lon=77.6245, gender="man")  # Koramangala
    olu = make_verified_practitioner(app, display_name="Olu Online", concerns=("sciatica",), offers_online=True,
                                     city=None)
    return {"asha": asha.id, "vikram": vikram.id, "olu": olu.id}


def test_phone_search_from_words_to_results_online_and_urgent_advice(live_server, phone_page, practitioners):
    page, base = phone_page, live_server
    stray = offline(page, base)

    page.goto(f"{base}/search")
    page.get_by_label("Or describe it in your own words").fill("pinched nerve down my leg")
    search_near(page, "Bangalore")

    # The place actually used is echoed, with a way to change it.
    echo = page.locator(".place-echo")
    assert "Bengaluru, Karnataka, India" in echo.inner_text()
    echo.get_by_role("link", name="change").click()
    assert page.evaluate("document.activeElement.id") == "near"
    assert "Sciatica" in page.locator(".understood").inner_text()

    card = page.locator(f"#result-{practitioners['asha']}")
    assert card.is_visible()
    reasons = card.locator(".reasons li")
    assert reasons.count() >= 1 and reasons.first.inner_text().strip()
    shot(page, "search-phone-results")

    # The evidence opens from the keyboard: Tab from the name to the first "what the guidelines say".
    card.get_by_role("link", name="Asha Rao").focus()
    page.keyboard.press("Tab")
    details = card.locator("details.evidence").first
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    evidence = details.inner_text()
    assert "NICE NG59" in evidence and "guidelines disagree" in evidence.lower()
    shot(page, "search-phone-evidence")

    # Online care only: the toggle, then Search, all by keyboard.
    online = page.get_by_role("radio", name="Online")
    online.focus()
    page.keyboard.press("Space")
    assert online.is_checked()
    page.get_by_role("button", name="Search").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(f"#result-{practitioners['olu']}").is_visible()
    assert page.locator(f"#result-{practitioners['asha']}").count() == 0
    assert page.locator(f"#result-{practitioners['olu']} .pill-online").inner_text().strip() == "Online"
    shot(page, "search-phone-online")

    # A red flag stops the funnel: advice, and no practitioner to book.
    safety = page.locator("details#safety")
    if not safety.evaluate("d => d.open"):
        safety.locator("summary").click()
    page.get_by_label("Numbness around your groin, genitals, bottom or inner thighs").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    advice = page.get_by_role("alert").filter(has_text="urgent medical help")
    assert advice.is_visible()
    assert page.locator("ol.results li").count() == 0
    assert page.locator("a[href^='/practitioners/']").count() == 0
    shot(page, "search-phone-urgent")

    # The phone layout does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert stray == []


def say_in_one_box(page, base: str, words: str) -> None:  # noqa: ANN001
    """Open the search page, type ``words`` in the words box and send them with Enter."""
    page.goto(f"{base}/search")
    box = page.get_by_label("Or describe it in your own words")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")


def test_phone_search_said_in_one_box(live_server, phone_page, practitioners):
    """A seeker types everything in the words box, as into a search engine: the town, how
    they want to be seen and what hurts. The page searches there, says what it read, and
    each reading can be undone with one link."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    say_in_one_box(page, base, "pinched nerve down my leg, face to face in Bangalore")

    assert "Bengaluru, Karnataka, India" in page.locator(".place-echo").inner_text()
    assert "as you wrote “in Bangalore”" in page.locator(".place-echo").inner_text()
    assert page.get_by_label("Near", exact=True).input_value() == "Bangalore"
    assert page.get_by_role("radio", name="In person").is_checked()
    read = page.locator(".understood.from-text")
    assert "in-person sessions" in read.inner_text()
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert page.locator(f"#result-{practitioners['olu']}").count() == 0
    shot(page, "search-phone-one-box")

    # Online sessions too, with one link; the town stays.
    with page.expect_navigation():
        read.get_by_role("link", name="Show online sessions too").click()
    assert page.get_by_role("radio", name="Either").is_checked()
    assert page.locator(f"#result-{practitioners['olu']}").is_visible()
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert stray == []


def test_phone_search_for_a_therapy_in_a_town_lists_it_then_ranks_for_a_concern(live_server, phone_page,
                                                                                 practitioners):
    """A seeker types what a directory is searched with, a therapy and a town and a budget,
    and names no concern: everyone offering it there within the budget is listed, with the
    concerns to choose from; choosing one ranks the same search for it."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    say_in_one_box(page, base, "acupuncture Bangalore under ₹2,000")

    assert "Bengaluru, Karnataka, India" in page.locator(".place-echo").inner_text()
    assert page.get_by_label("Near", exact=True).input_value() == "Bangalore"
    assert "sessions up to ₹2,000" in page.locator(".understood.from-text").inner_text()
    unsure = page.locator(".needs-concern")
    assert "We could not tell what hurts" in unsure.inner_text()
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible()
    shot(page, "search-phone-therapy-in-a-town")

    with page.expect_navigation():
        unsure.get_by_role("link", name="Sciatica").click()
    assert "Sciatica" in page.locator(".understood").first.inner_text()
    assert page.locator(".needs-concern").count() == 0
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert stray == []


def test_phone_search_for_a_woman_practitioner_then_anyone_then_a_man(live_server, phone_page, practitioners):
    """A seeker asks for a woman to treat her, in her own words: only practitioners who say
    they are women are listed, each card says so, and one link lists everyone again; the
    same choice is a field under "More filters"."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    say_in_one_box(page, base, "lady doctor for my sciatica in Bangalore")

    read = page.locator(".understood.from-text")
    assert "practitioners who are women" in read.inner_text() and "“lady doctor”" in read.inner_text()
    asha = page.locator(f"#result-{practitioners['asha']}")
    assert asha.is_visible() and "Woman" in asha.inner_text()
    assert page.locator(f"#result-{practitioners['vikram']}").count() == 0
    assert page.get_by_label("Treated by").input_value() == "woman"
    shot(page, "search-phone-a-woman")

    with page.expect_navigation():
        read.get_by_role("link", name="Show everyone").click()
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible() and asha.is_visible()

    # The filter itself, by keyboard: open "More filters", choose "A man", send the form.
    page.locator(".more-filters summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Treated by").select_option("man")
    with page.expect_navigation():
        page.get_by_label("Near", exact=True).press("Enter")
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible()
    assert page.locator(f"#result-{practitioners['asha']}").count() == 0
    assert stray == []


def test_phone_search_words_edited_are_read_again(live_server, phone_page, practitioners):
    """What the page read from the words shows in the fields, as if chosen there; when the
    seeker edits the words and searches again, the new words are read, not the old fields."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    say_in_one_box(page, base, "lady doctor for my sciatica in Bangalore")
    assert page.get_by_label("Treated by").input_value() == "woman"
    assert page.locator(f"#result-{practitioners['vikram']}").count() == 0

    box = page.get_by_label("Or describe it in your own words")
    box.fill("male doctor for my sciatica in Bangalore")
    with page.expect_navigation():
        box.press("Enter")
    assert "practitioners who are men" in page.locator(".understood.from-text").inner_text()
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible()
    assert page.locator(f"#result-{practitioners['asha']}").count() == 0

    box = page.get_by_label("Or describe it in your own words")
    box.fill("sciatica in Bangalore")
    with page.expect_navigation():
        box.press("Enter")
    assert page.get_by_label("Treated by").input_value() == ""
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible()
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert stray == []


def test_phone_search_how_far_said_in_the_words_then_chosen(live_server, phone_page, practitioners):
    """"Within 3 km" in the words shows under Within, as if chosen there; choosing 10 km
    then reaches the practitioner in Koramangala, about 5 km from the centre, and stays chosen."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    say_in_one_box(page, base, "sciatica, within 3 km of Bangalore")
    within = page.get_by_label("Within")
    assert within.input_value() == "3"
    assert "within 3 km of" in page.locator(".place-echo").inner_text()
    assert page.locator(f"#result-{practitioners['asha']}").is_visible()
    assert page.locator(f"#result-{practitioners['vikram']}").count() == 0

    within.select_option("10")
    with page.expect_navigation():
        page.get_by_label("Or describe it in your own words").press("Enter")
    assert page.get_by_label("Within").input_value() == "10"
    assert page.locator(f"#result-{practitioners['vikram']}").is_visible()
    assert "within 3 km" not in page.locator(".place-echo").inner_text()
    assert stray == []


def test_desktop_map_draws_markers_and_the_page_survives_missing_tiles(live_server, page, practitioners):
    base = live_server
    stray = offline(page, base)

    page.goto(f"{base}/search?concern=sciatica&near=Bangalore&mode=in_person")
    page.locator("#results-map[data-map-ready]").wait_for()
    in_person = page.locator("ol.results > li")
    assert in_person.count() == 2
    markers = page.locator("#results-map .leaflet-marker-icon")
    assert markers.count() == 2  # one per in-person result; the centre is a circle
    assert sorted(markers.evaluate_all("els => els.map(e => e.getAttribute('alt').split(',')[0])")) == \
        ["Asha Rao", "Vikram Shetty"]
    assert page.locator("#results-map path.leaflet-interactive").count() == 1  # the search centre
    note = page.locator("[data-map-note]")
    note.wait_for(state="visible")
    assert "Map tiles unavailable" in note.inner_text()
    box = page.locator("#results-map").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    shot(page, "search-desktop-map")

    # A marker's popup names the practitioner and leads to the same card in the list.
    markers.first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    name = popup.locator("strong").inner_text()
    assert name in ("Asha Rao", "Vikram Shetty")
    # Opening a popup pans the map to show it (an animation): click once it has settled,
    # as a person does. On a loaded machine the link could move between Playwright's
    # stability check and its click, and the click would land on the map instead.
    page.wait_for_function("""() => {
        const link = document.querySelector('.leaflet-popup-content a');
        if (!link) return false;
        const box = link.getBoundingClientRect(), where = box.x + ',' + box.y;
        const settled = window.__popupWhere === where;
        window.__popupWhere = where;
        return settled;
    }""", polling=200)
    popup.get_by_role("link", name="See in the list").click()
    page.wait_for_function("location.hash.startsWith('#result-')")
    assert page.locator("li.result:target h3").inner_text() == name

    # Still usable with the keyboard: a new search from the place field.
    place = page.get_by_label("Near", exact=True)
    place.fill("Bengaluru")
    with page.expect_navigation():
        place.press("Enter")
    assert "Bengaluru, Karnataka, India" in page.locator(".place-echo").inner_text()
    assert page.locator("ol.results > li").count() == 2

    # Nearest first, from the keyboard: the list is in distance order, the map still draws
    # both, and the order stays when the seeker searches again.
    page.locator(".order-choice").get_by_role("link", name="Nearest first").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "sort=nearest" in page.url
    assert page.locator(".order-choice [aria-current]").inner_text() == "Nearest first"
    assert page.locator("ol.results > li h3").all_inner_texts() == ["Asha Rao", "Vikram Shetty"]  # centre, then 4.5 km
    page.locator("#results-map[data-map-ready]").wait_for()
    assert page.locator("#results-map .leaflet-marker-icon").count() == 2
    place = page.get_by_label("Near", exact=True)
    place.fill("Bangalore")
    with page.expect_navigation():
        place.press("Enter")
    assert "sort=nearest" in page.url and page.locator(".order-choice [aria-current]").inner_text() == "Nearest first"
    assert stray == []


def test_the_search_works_without_javascript(live_server, browser, practitioners):  # noqa: ANN001
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/search")
        assert page.get_by_role("button", name="Use my location").count() == 0  # needs JavaScript: hidden
        page.select_option("select[name=concern]", "sciatica")
        place = page.get_by_label("Near", exact=True)
        place.fill("Bangalore")
        place.press("Enter")
        page.wait_for_load_state()
        assert "Bengaluru, Karnataka, India" in page.locator(".place-echo").inner_text()
        assert page.locator(f"#result-{practitioners['asha']}").is_visible()
        assert page.locator("[data-map-wrap]").is_hidden()  # the map is JavaScript's; the list is enough
    finally:
        context.close()


def test_online_openings_show_on_the_seekers_own_clock(live_server, browser, app):  # noqa: ANN001
    """Searching online care names no place, so the server can only say UTC; the page
    shows each opening on the browser's clock instead (here Asia/Kolkata, UTC+5:30)."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from tests.packages.helpers import open_every_day

    olu = make_verified_practitioner(app, display_name="Olu Online", concerns=("sciatica",), offers_online=True,
                                     city=None)
    open_every_day(olu, time(9), time(17))  # online only: no locations
    context = browser.new_context(timezone_id="Asia/Kolkata", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        offline(page, live_server)
        page.goto(f"{live_server}/search?concern=sciatica&mode=online")
        shown = page.locator(f"#result-{olu.id} time").first
        opening = datetime.fromisoformat(shown.get_attribute("datetime"))
        local = opening.astimezone(ZoneInfo("Asia/Kolkata"))
        assert shown.inner_text() == f"{local:%a} {local.day} {local:%b}, {local:%H:%M} your time"
    finally:
        context.close()


def test_an_empty_search_on_a_phone_leads_by_keyboard_to_the_nearest_match(live_server, phone_page, practitioners):
    """Mysore is about 130 km from Bengaluru: nothing within 25 km, so the page says how far
    the nearest match is, and its link (reached by keyboard) searches again within 200 km."""
    page, base = phone_page, live_server
    stray = offline(page, base)
    page.goto(f"{base}/search?concern=sciatica&mode=in_person")
    search_near(page, "Mysore")
    empty = page.locator(".empty")
    assert "No verified practitioner matches" in empty.inner_text()
    line = empty.locator("[data-nearest-beyond]")
    assert "km away, in Bengaluru" in line.inner_text()
    shot(page, "search-phone-nearest-beyond")

    link = line.get_by_role("link", name="search within 200 km")
    link.focus()
    assert page.evaluate("document.activeElement.textContent.trim()") == "search within 200 km"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    card = page.locator(f"#result-{practitioners['asha']}")
    assert card.is_visible() and "km away" in card.inner_text()
    assert page.get_by_label("Within").input_value() == "200"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert stray == []
