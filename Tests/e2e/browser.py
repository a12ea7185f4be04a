"""Headless Chromium driven the way a person uses the pages — the base of the browser tests.

Every lookup waits for the page's scripts as well as for the element: `app.js` is deferred, so an
element can be in the document (and clickable) before its handlers are attached. A click or a
choice made in that moment does nothing — a person would not notice, a test would wait in vain.
"""
import os

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


class Browser:
    def __init__(self, server, artifacts, window_size, timeout=30):
        self.server = server
        self.artifacts = artifacts
        options = Options()
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window_size}",
                         "--lang=zh-CN"]:
            options.add_argument(argument)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        # Pages reload after actions: an element may be missing or go stale while it is polled —
        # and chromedriver does not always say so with StaleElementReferenceException (a node
        # replaced mid-call comes back as a plain "does not belong to the document" error). A
        # poll that fails is polled again; a real failure still ends in the wait's timeout.
        self.wait = WebDriverWait(self.driver, timeout, ignored_exceptions=[WebDriverException])
        self.shots = 0

    def open(self, path):
        self.driver.get(self.server.url(path))

    def ready(self):
        """Waits until the current document has run its deferred scripts (and finished loading)."""
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def el(self, element_id):
        element = self.wait.until(EC.presence_of_element_located((By.ID, element_id)))
        self.ready()
        return element

    def visible(self, element_id):
        element = self.wait.until(EC.visibility_of_element_located((By.ID, element_id)))
        self.ready()
        return element

    def click(self, element_id):
        self.ready()
        self.wait.until(EC.element_to_be_clickable((By.ID, element_id))).click()

    def click_css(self, selector):
        self.ready()
        self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, selector))).click()

    def type(self, element_id, text):
        field = self.el(element_id)
        field.clear()
        field.send_keys(text)

    def wait_text(self, element_id, text):
        self.wait.until(lambda d: text in d.find_element(By.ID, element_id).text)

    def wait_path(self, path):
        self.wait.until(lambda d: d.current_url.split("?")[0].endswith(path))

    def shot(self, name):
        self.shots += 1
        os.makedirs(self.artifacts, exist_ok=True)
        self.driver.save_screenshot(os.path.join(self.artifacts, f"{self.shots:02d}-{name}.png"))

    def quit(self):
        self.driver.quit()
