"""The webmail door of the shared-mailbox matrix (Tests/e2e/shared_matrix_test.py): the grantee
works in the shared mailbox through the pages in headless Chromium.

An allowed action is done the way a person does it (open the mail, click the button, pick the
folder, fill in the compose form). A forbidden one must be refused twice over: its button is
absent from the page, and the same request sent straight from the page (with the page's CSRF
token) gets 403 `permission_denied` — only then is it `Refused`. A present button for a forbidden
action, or a direct request that goes through, makes the cell fail.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from webmail_browser_test import Browser

OWNER, GRANTEE, OUTSIDER = "office@demo.test", "alice@demo.test", "bob@demo.test"


def page_fetch(browser, method, path, body=None):
    """A request made by the open page itself, with its CSRF token: what a crafted form sends."""
    return browser.driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
        fetch('/api/v1' + arguments[1], {method: arguments[0], credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
              body: arguments[2] === null ? undefined : JSON.stringify(arguments[2])})
          .then(function (r) { return r.text().then(function (t) { done({status: r.status, body: t}); }); });
    """, method, path, body)


class WebmailDoor:
    name = "webmail"

    def __init__(self, world, server, grantee=GRANTEE, owner=OWNER):
        # The matrix's own Refused (it runs as __main__; importing it again would make a new class).
        matrix = sys.modules.get("__main__")
        if not hasattr(matrix, "Refused"):
            import shared_matrix_test as matrix
        self.refused_error = matrix.Refused
        self.world, self.server, self.grantee, self.owner = world, server, grantee, owner
        self.browser = Browser(server)
        self.browser.open("/login")
        self.browser.type("username", grantee)
        self.browser.type("password", server.passwords[grantee])
        self.browser.click("login-submit")
        self.browser.el("messages")

    def close(self):
        self.browser.driver.quit()

    def present(self, element_id):
        return bool(self.browser.driver.find_elements(By.ID, element_id))

    def open_message(self, cell):
        """The shared INBOX through the switcher, then the cell's message; its opaque id."""
        self.browser.open("/mail")
        self.browser.click_css(f"#account-switch a[data-address='{self.owner}']")
        self.browser.wait_text("shared-address", self.owner)
        self.browser.open_message(cell.token)
        return self.browser.el("message-page").get_attribute("data-id")

    def refuse(self, button, method, path, body=None):
        """Checks a forbidden action's refusal: button absent, direct request 403."""
        assert not self.present(button), f"the page offers '{button}' although the permission forbids it"
        reply = page_fetch(self.browser, method, path, body)
        if reply["status"] == 403 and json.loads(reply["body"] or "{}").get("error") == "permission_denied":
            raise self.refused_error(reply["body"])
        # Anything else: not refused; the matrix then sees whether the action happened.

    def wait_left_message_page(self):
        self.browser.wait.until(lambda d: "/mail/message/" not in d.current_url)

    def act_view(self, cell):
        self.open_message(cell)
        assert cell.token in self.browser.frame_text(), "the message text is not shown"

    def act_change_unread(self, cell):
        message = self.open_message(cell)
        if not self.present("mark-unread"):
            self.refuse("mark-unread", "PATCH", f"/messages/{message}", {"seen": True})
            return
        # Opening marked it read; "mark unread" and opening again shows both directions work.
        self.browser.click("mark-unread")
        self.wait_left_message_page()
        self.open_message(cell)

    def act_flag(self, cell):
        message = self.open_message(cell)
        if not self.present("toggle-flag"):
            self.refuse("toggle-flag", "PATCH", f"/messages/{message}", {"flagged": True})
            return
        self.browser.click("toggle-flag")
        self.browser.wait.until(lambda d: d.find_element(By.ID, "toggle-flag").get_attribute("data-flagged") == "1")

    def act_delete(self, cell):
        message = self.open_message(cell)
        if not self.present("delete-message"):
            self.refuse("delete-message", "DELETE", f"/messages/{message}")
            return
        self.browser.click("delete-message")
        self.wait_left_message_page()

    def act_move(self, cell):
        message = self.open_message(cell)
        if not self.present("move-to"):
            boxes = json.loads(page_fetch(self.browser, "GET", "/mailboxes?account=" + self.owner)["body"])
            projects = next(b["id"] for b in boxes if b["name"] == "Projects")
            self.refuse("move-to", "POST", f"/messages/{message}/move", {"mailbox_id": projects})
            return
        Select(self.browser.el("move-to")).select_by_visible_text("Projects")
        self.wait_left_message_page()

    def act_send(self, cell):
        self.browser.open("/mail?account=" + self.owner)
        self.browser.wait_text("shared-address", self.owner)
        if not self.present("compose"):
            self.refuse("compose", "POST", "/messages/send",
                        {"from": self.owner, "to": [OUTSIDER], "subject": cell.token, "text": "sent"})
            return
        self.browser.click("compose")
        chosen = Select(self.browser.el("from")).first_selected_option.get_attribute("value")
        assert chosen == self.owner, f"compose in the shared mailbox offers From {chosen}"
        self.browser.type("to", OUTSIDER)
        self.browser.type("subject", cell.token)
        self.browser.el("body").send_keys("sent from the shared mailbox")
        self.browser.click("send")
        self.browser.wait.until(lambda d: "/mail" in d.current_url and "compose" not in d.current_url)
