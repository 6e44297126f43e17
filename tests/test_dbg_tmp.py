# ruff: noqa
from tests.test_data_web import *
from tests.web_fixtures import browser, world

def test_dbg(browser, world):
    name = '%22><img src=x onerror=alert(1)>.jsonl'
    body = ARTICLE % "ok1" + ARTICLE % "ok2" + '{"text":"<img src=x onerror=alert(1)>\n'
    r = upload(browser("managerM"), world.p1, [(body, name), (ARTICLE % "ok1", "again.jsonl")])
    page = r.get_data(as_text=True)
    i = page.find("<section")
    print("PAGE", page[i:i+1500])
    r = upload(browser("managerM"), world.p1, [("Title\n\n<b>Body</b>", "..\\..\\x.txt")], "txt")
    page = r.get_data(as_text=True)
    i = page.find("<section")
    print("PAGE", page[i:i+1500])
    assert 0
