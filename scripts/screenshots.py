"""Screenshots of the staff site in Chinese and English, for looking at what users see.

Usage: start the portal (`make run`), then `.venv/bin/python scripts/screenshots.py [BASE_URL]`.
Pictures go to screenshots/ (untracked).
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "screenshots"
PASSWORD = "wuqing-demo-2026"
PAGES = [
    ("home", "/"),
    ("units", "/units/"),
    ("unit-detail", "/units/market-regulation/"),
    ("people", "/units/market-regulation/people/"),
    ("duty-contact-new", "/units/market-regulation/duty-contacts/new/"),
    ("not-found", "/units/housing/people/"),
]

OFFICE_ORDER_PAGES = [
    ("orders", "/orders/"),
    ("orders-all", "/orders/?tab=all"),
    ("overdue", "/orders/overdue/"),
    ("order-triage", "/orders/WQ-2026-000005/"),
    ("order-detail", "/orders/WQ-2026-000001/"),
]
UNIT_ORDER_PAGES = [
    ("inbox", "/orders/?tab=all"),
    ("order-detail", "/orders/WQ-2026-000001/"),
]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    chromium = shutil.which("chromium")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        for language in ("zh-hans", "en"):
            context = browser.new_context(viewport={"width": 1366, "height": 860})
            context.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.screenshot(path=OUT / f"{language}-login.png")
            page.fill("#id_username", "mr_liaison")
            page.fill("#id_password", "wrong")
            page.click("#login-submit")
            page.screenshot(path=OUT / f"{language}-login-error.png")
            page.fill("#id_username", "mr_liaison")
            page.fill("#id_password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#my-unit-name")
            for name, path in PAGES:
                page.goto(f"{BASE}{path}")
                page.screenshot(path=OUT / f"{language}-{name}.png", full_page=True)
            context.close()
            office = browser.new_context(viewport={"width": 1366, "height": 860})
            office.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
            page = office.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.fill("#id_username", "office")
            page.fill("#id_password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#my-unit-name")
            page.screenshot(path=OUT / f"{language}-office-home.png", full_page=True)
            page.goto(f"{BASE}/admin/departments/user/")
            page.screenshot(path=OUT / f"{language}-admin-users.png", full_page=True)
            for name, path in OFFICE_ORDER_PAGES:
                page.goto(f"{BASE}{path}")
                page.screenshot(path=OUT / f"{language}-office-{name}.png", full_page=True)
            page.goto(f"{BASE}/orders/new/")
            page.fill("#id_content", "在某4S店买车，发现是事故车，商家拒绝退车，要求赔偿")
            page.wait_for_selector("#suggested-unit[data-code]")
            page.screenshot(path=OUT / f"{language}-office-intake-typed.png", full_page=True)
            office.close()
            housing = browser.new_context(viewport={"width": 1366, "height": 860})
            housing.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
            page = housing.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.fill("#id_username", "housing_staff")
            page.fill("#id_password", PASSWORD)
            page.click("#login-submit")
            page.wait_for_selector("#my-unit-name")
            for name, path in UNIT_ORDER_PAGES:
                page.goto(f"{BASE}{path}")
                page.screenshot(path=OUT / f"{language}-housing-{name}.png", full_page=True)
            housing.close()
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
