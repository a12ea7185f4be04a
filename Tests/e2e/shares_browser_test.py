#!/usr/bin/python3
"""Browser test of shared mailboxes in the webmail (issue 8, SPEC S, seed section 四) with
headless Chromium.

Starts `mailward serve --demo` and, as people would: alice (the owner) opens 个人设置 › 高级功能 ›
共享邮箱, clicks "+", sees the 温馨提示 table beside the permission choice, types "bo" and gets
bob@demo.test from the local-user autocomplete, shares read only (只读). bob signs in, switches to
alice's mailbox and finds exactly the buttons read only allows (reply, mark unread, flag, move and
delete absent); opening the mail leaves it unread for alice; a forbidden action POSTed straight
from the page gets 403 permission_denied. alice changes the permission (send as, then send on
behalf) and after a reload bob sees the new set of buttons. The English page labels the choices
in English. Screenshots go to test-artifacts/e2e-shares/.

Run: /usr/bin/python3 Tests/e2e/shares_browser_test.py   (MAILWARD_BIN overrides the binary)
"""
import os
import shutil
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webmail_browser_test as webmail  # noqa: E402  (the browser helpers)
from harness import ROOT, Mailward  # noqa: E402
from webmail_door import page_fetch as fetch  # noqa: E402

webmail.ARTIFACTS = os.path.join(ROOT, "test-artifacts", "e2e-shares")
SUBJECT = "项目进度会议通知"
# SPEC S's table, as buttons on the reading page (present = the permission allows the action).
BUTTONS = {
    "read_only": {"reply": False, "forward": False, "mark-unread": False, "toggle-flag": False,
                  "move-to": False, "delete-message": False},
    "send_on_behalf": {"reply": True, "forward": True, "mark-unread": False, "toggle-flag": False,
                       "move-to": False, "delete-message": False},
    "send_as": {"reply": True, "forward": True, "mark-unread": True, "toggle-flag": True,
                "move-to": True, "delete-message": True},
}


def present(browser, element_id):
    return bool(browser.driver.find_elements(By.ID, element_id))


def sign_in(browser, server, address):
    browser.driver.delete_all_cookies()
    browser.open("/login")
    browser.type("username", address)
    browser.type("password", server.passwords[address])
    browser.click("login-submit")
    browser.el("messages")


def check_buttons(browser, permission):
    for element_id, expected in BUTTONS[permission].items():
        assert present(browser, element_id) == expected, \
            f"{permission}: button {element_id} should be {'present' if expected else 'absent'}"


def main():
    shutil.rmtree(webmail.ARTIFACTS, ignore_errors=True)
    server = Mailward("shares")
    server.start()
    browser = None
    step = "start"
    try:
        alice_api = server.api_client("alice@demo.test")
        browser = webmail.Browser(server)

        step = "alice opens 设置 (bottom left, as the guide's 四 says) › 高级功能 › 共享邮箱 and clicks +"
        sign_in(browser, server, "alice@demo.test")
        settings = browser.el("folder-settings")
        assert settings.text == "设置", settings.text
        folders = browser.el("folders").rect
        assert settings.rect["x"] < folders["x"] + folders["width"] / 2, "设置 sits at the left"
        browser.click("folder-settings")
        browser.click("link-shares")
        browser.el("shares-page")
        assert not browser.el("share-form").is_displayed()
        browser.click("add-share")
        assert browser.el("share-form").is_displayed()
        tip = browser.el("tip-table")
        assert tip.is_displayed(), "the tip table is shown beside the choice"
        for text in ["查看邮件", "改变邮件未读状态", "删除邮件", "转发/回复/写信", "邮件将被标记为“代发”"]:
            assert text in tip.text, f"tip table lacks {text}"
        for label in ["只读", "代表发送", "代理发送"]:
            assert label in browser.el("share-form").text
        browser.shot("share-form")
        # On a phone the tip table wraps inside the screen: the page does not scroll sideways.
        browser.driver.set_window_size(390, 844)
        fit = browser.driver.execute_script(
            "var t = document.getElementById('tip-table').getBoundingClientRect();"
            " return [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
            " t.right - document.documentElement.clientWidth];")
        browser.driver.execute_script("document.getElementById('tip-table').scrollIntoView();")
        browser.shot("share-form-phone")
        assert fit[0] <= 1 and fit[1] <= 1, f"the tip table is wider than a phone screen: {fit}"
        browser.driver.set_window_size(1200, 1000)

        step = "autocomplete of local users"
        browser.el("share-grantee").send_keys("bo")
        browser.wait.until(lambda d: "bob@demo.test" in [o.get_attribute("value") for o in
                                                         d.find_elements(By.CSS_SELECTOR, "#local-users option")])
        browser.type("share-grantee", "bob@demo.test")
        browser.click("perm-read_only")
        browser.click("share-submit")
        browser.wait_text("granted", "bob@demo.test")
        assert not browser.el("share-form").is_displayed()
        browser.shot("shared")
        share_id = alice_api("GET", "/shares")["granted"][0]["id"]

        step = "bob switches to alice's mailbox (read only)"
        sign_in(browser, server, "bob@demo.test")
        browser.click_css("#account-switch a[data-address='alice@demo.test']")
        browser.wait_text("shared-address", "alice@demo.test")
        browser.wait_text("shared-permission", "只读")
        browser.wait_text("messages", SUBJECT)
        assert not present(browser, "compose"), "read only: no compose button"
        assert not present(browser, "new-folder-form"), "grantees never manage folders"
        browser.shot("shared-list")
        browser.open_message(SUBJECT)
        check_buttons(browser, "read_only")
        assert "三楼会议室" in browser.frame_text()
        browser.shot("read-only-message")
        message_id = browser.el("message-page").get_attribute("data-id")
        inbox = [b for b in alice_api("GET", "/mailboxes") if b["name"] == "INBOX"][0]["id"]
        listed = alice_api("GET", f"/mailboxes/{inbox}/messages?limit=200")["messages"]
        assert [m for m in listed if m["id"] == message_id][0]["seen"] is False, "read only: still unread for alice"

        step = "forbidden actions posted directly are refused"
        for method, path, body in [("PATCH", f"/messages/{message_id}", {"seen": True}),
                                   ("PATCH", f"/messages/{message_id}", {"flagged": True}),
                                   ("DELETE", f"/messages/{message_id}", None),
                                   ("POST", "/messages/send", {"from": "alice@demo.test", "to": "bob@demo.test", "text": "x"})]:
            reply = fetch(browser, method, path, body)
            assert reply["status"] == 403 and "permission_denied" in reply["body"], f"{method} {path}: {reply}"
        assert [m for m in alice_api("GET", f"/mailboxes/{inbox}/messages?limit=200")["messages"]
                if m["id"] == message_id], "nothing was deleted"

        for permission in ["send_as", "send_on_behalf"]:
            step = f"alice changes the permission to {permission}; bob reloads"
            alice_api("PATCH", f"/shares/{share_id}", {"permission": permission})
            browser.driver.refresh()
            browser.el("message-page")
            check_buttons(browser, permission)
            browser.shot(f"{permission}-message")

        step = "send on behalf: unread state still refused, reading keeps it unread"
        alice_api("PATCH", f"/messages/{message_id}", {"seen": False})  # send as had opened it: read
        browser.driver.refresh()
        browser.el("message-page")
        reply = fetch(browser, "PATCH", f"/messages/{message_id}", {"seen": True})
        assert reply["status"] == 403, reply
        assert [m for m in alice_api("GET", f"/mailboxes/{inbox}/messages?limit=200")["messages"]
                if m["id"] == message_id][0]["seen"] is False, "send on behalf: still unread for alice"

        step = "bob sends on behalf of alice from the shared mailbox"
        browser.open("/settings/advanced/shares")
        browser.wait_text("received", "alice@demo.test")
        browser.open("/mail?account=alice@demo.test")
        browser.click("compose")
        assert Select(browser.el("from")).first_selected_option.get_attribute("value") == "alice@demo.test"
        browser.type("to", "alice@demo.test")
        browser.type("subject", "代发测试")
        browser.el("body").send_keys("这是代表 Alice 发出的邮件。")
        browser.shot("compose-on-behalf")
        browser.click("send")
        browser.wait.until(lambda d: "/mail" in d.current_url and "compose" not in d.current_url)

        step = "alice sees 'bob 代 alice 发送' and bob's actions in the share activity"
        sign_in(browser, server, "alice@demo.test")
        browser.open_message("代发测试")
        browser.wait_text("on-behalf", "代")
        line = browser.el("on-behalf").text
        assert "bob@demo.test" in line and "alice@demo.test" in line and line.endswith("发送"), line
        browser.shot("on-behalf")
        browser.open("/settings/advanced/shares")
        browser.wait_text("granted", "bob@demo.test")
        browser.wait_text("share-events", "同事在共享邮箱中的操作")
        events = browser.el("share-events").text
        assert "查看邮件" in events and "发信" in events, events
        browser.shot("share-activity")

        step = "alice changes bob's permission on the settings page: chosen, then saved"
        row = "#granted tr[data-grantee='bob@demo.test'] "
        select = browser.driver.find_element(By.CSS_SELECTOR, row + "select.change-permission")
        assert select.get_attribute("aria-label") == "bob@demo.test 的权限", select.get_attribute("aria-label")
        Select(select).select_by_value("read_only")
        assert alice_api("GET", "/shares")["granted"][0]["permission"] != "read_only", "not saved before 保存"
        browser.driver.find_element(By.CSS_SELECTOR, row + "button.save-permission").click()
        browser.wait_text("shares-message", "权限已修改")
        assert alice_api("GET", "/shares")["granted"][0]["permission"] == "read_only"

        step = "the settings page in English"
        browser.open("/settings/advanced/shares?lang=en")
        browser.click("add-share")
        form = browser.el("share-form").text
        for label in ["Read only", "Send on behalf", "Send as"]:
            assert label in form, f"English label {label}"
        browser.open("/settings/advanced/shares?lang=zh-CN")
        browser.el("shares-page")
        print("shares browser test: OK")
    except Exception:
        print(f"shares browser test FAILED at step: {step}", file=sys.stderr)
        if browser:
            browser.shot("failure")
        print(open(server.log_path).read()[-4000:], file=sys.stderr)
        raise
    finally:
        if browser:
            browser.driver.quit()
        server.stop()
        shutil.rmtree(server.data, ignore_errors=True)


if __name__ == "__main__":
    main()
