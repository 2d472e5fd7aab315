"""The review page in a real browser: Debian's chromium, headless, driven over the DevTools
protocol (tests/cdp.py). `.ci/run` installs chromium under CI; where none can be run, these tests
skip and say why."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

from govplan.export import walk_items
from govplan.pipeline import run
from govplan.read import read_path
from govplan.records import Document
from govplan.review import review_html

from .cdp import Browser, CDPError, find_chromium
from .test_review import HOSTILE, shown, spans_of

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium to test the review page in: apt-get install chromium "
                             "(.ci/run does under CI=true), or set GOVPLAN_CHROMIUM to a Chrome/Chromium binary")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    try:
        b = Browser(CHROMIUM)
    except (CDPError, OSError) as exc:
        pytest.skip(f"{CHROMIUM} does not start headless here: {exc}")
    try:
        yield b
    finally:
        b.close()


def _page(path: Path, out: Path) -> tuple[str, Document, str]:
    raw = read_path(path)
    doc = run(raw).document
    assert doc is not None
    out.write_text(review_html(raw.text, doc), encoding="utf-8")
    return raw.text, doc, out.resolve().as_uri()


def _dom_records(b: Browser) -> dict[str, str]:
    """The joined text of each highlight, as the browser holds it."""
    return b.eval("""(() => { const out = {};
        for (const e of document.querySelectorAll('#text [data-rec]')) {
            out[e.dataset.rec] = (out[e.dataset.rec] || '') + e.textContent; }
        return out; })()""")  # type: ignore[no-any-return]


def _errors(b: Browser) -> list[str]:
    return [json.dumps(e.get("params", {}))[:300] for e in b.events if e.get("method") == "Runtime.exceptionThrown"]


@pytest.mark.parametrize("name", ["samples/shanwei-2019-2021.txt", "samples/meizhou-2022.txt",
                                  "tests/fixtures/formats/task-plan.docx", "tests/fixtures/formats/html/p01.html"])
def test_highlights_match_the_records(browser: Browser, tmp_path: Path, name: str) -> None:
    text, doc, url = _page(ROOT / name, tmp_path / "page.html")
    browser.open(url)
    dom = _dom_records(browser)
    records = browser.eval("JSON.parse(document.getElementById('records').textContent)")
    spans = spans_of(doc)
    with_text = [(kind, a, b) for kind, ss in spans.items() for a, b in ss if b > a]
    assert len(dom) == len(with_text) > 0  # one highlight per record with a span
    for rid, joined in dom.items():
        span = records[rid]["span"]
        assert joined == shown(text, span["start"], span["end"]), rid
    assert not _errors(browser)


def test_click_item_then_highlight_then_filter_and_screenshot(browser: Browser, tmp_path: Path) -> None:
    text, doc, url = _page(ROOT / "samples/shanwei-2019-2021.txt", tmp_path / "page.html")
    browser.open(url)
    items = [it for p in doc.plans for it in walk_items(p.items)]
    k, item = next((k, it) for k, it in enumerate(items) if it.task and it.units and k > 60)
    iid = f"i{k + 1}"
    # an item of the tree: its text is outlined and scrolled into view, its record shown
    browser.click(f'#tree a.node[data-item="{iid}"]')
    outlined = browser.eval("""(() => { const els = [...document.querySelectorAll('#text .it.outlined')];
        const r = els[0].getBoundingClientRect(), pane = document.getElementById('text').getBoundingClientRect();
        return {ids: [...new Set(els.map(e => e.dataset.item))], text: els.map(e => e.textContent).join(''),
                visible: r.top >= pane.top && r.top < pane.bottom}; })()""")
    assert outlined["ids"] == [iid]
    assert outlined["text"] == shown(text, item.span.start, item.span.end)
    assert outlined["visible"]
    details = browser.eval("document.getElementById('details').innerText")
    assert " > ".join(item.path) in details and item.units[0].name in details
    # a highlight: its record
    unit = item.units[0]
    browser.click(f'#text [data-item="{iid}"] mark.unit')
    details = browser.eval("document.getElementById('details').innerText")
    assert unit.name in details and unit.role in details
    assert browser.eval("document.querySelectorAll('#text mark.active').length") >= 1
    # the filter by unit: the items it does not name are dimmed, in the tree and in the text
    browser.eval(f"""(() => {{ const s = document.getElementById('unit-filter');
        s.value = {json.dumps(unit.name)}; s.dispatchEvent(new Event('change')); }})()""")
    named = sum(1 for it in items if unit.name in [u.name for u in it.units])
    assert browser.eval("document.querySelectorAll('#tree a.node:not(.dim)').length") == named
    assert browser.eval("document.querySelectorAll('#text mark.picked').length") >= named
    shot = tmp_path / "review.png"
    browser.screenshot(shot)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 900)
    assert not _errors(browser)


def test_warnings_link_to_their_places(browser: Browser, tmp_path: Path) -> None:
    _, doc, url = _page(ROOT / "samples/digital-government-7-plans.txt", tmp_path / "page.html")
    browser.open(url)
    first = browser.eval("document.querySelector('#warnings a.warn').dataset.rec")
    browser.click(f'#warnings a.warn[data-rec="{first}"]')
    state = browser.eval(f"""(() => {{ const e = document.querySelector('#text [data-rec="{first}"]');
        const r = e.getBoundingClientRect(), pane = document.getElementById('text').getBoundingClientRect();
        return {{active: e.classList.contains('active'), visible: r.top >= pane.top && r.top < pane.bottom,
                 details: document.getElementById('details').innerText}}; }})()""")
    assert state["active"] and state["visible"]
    warned = [w for p in doc.plans for w in p.warnings if w.span]
    assert warned[0].code in state["details"]
    assert not _errors(browser)


def test_hostile_plan_runs_no_script(browser: Browser, tmp_path: Path) -> None:
    plan = tmp_path / "hostile.txt"
    plan.write_text(HOSTILE, encoding="utf-8")
    _, _, url = _page(plan, tmp_path / "page.html")
    browser.events.clear()
    browser.open(url)
    assert not browser.dialogs()  # no alert() ran
    assert browser.eval("document.querySelectorAll('script').length") == 2
    assert browser.eval("document.querySelectorAll('#text img, #text b, #text script').length") == 0
    assert '<script>alert("x")</script>' in browser.eval("document.getElementById('text').textContent")
    # the page's own script still works: clicking the item shows its record, quotes and all
    browser.click('#tree a.node[data-item="i2"]')
    assert '"</script>' in browser.eval("document.getElementById('details').innerText")
    assert not _errors(browser)
