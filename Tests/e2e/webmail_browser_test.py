#!/usr/bin/python3
"""Browser test of the webmail (issue 7, SPEC M6) with headless Chromium.

Starts `mailward serve --demo` (the demo users get sample mail, among it a GBK-encoded one) on
free ports and, as a user would: signs in, reads the GBK mail with its Chinese subject, replies
with an attachment, finds the reply in 已发送, searches a Chinese word, moves the mail to a new
folder with a Chinese name, deletes it and empties 已删除. Then a hostile HTML corpus (sent by
another user through the API) is opened in the real browser: no script may run and no request may
reach the "remote" host (a local HTTP listener that records hits) until the user clicks 显示图片 —
after which the image request does arrive (so the listener really can see requests).
Screenshots go to test-artifacts/e2e-webmail/.

Run: /usr/bin/python3 Tests/e2e/webmail_browser_test.py   (MAILWARD_BIN overrides the binary)
"""
import http.server
import os
import shutil
import sys
import threading
import time

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from browser import Browser as PageBrowser  # noqa: E402
from harness import ROOT, Mailward  # noqa: E402

ARTIFACTS = os.path.join(ROOT, "test-artifacts", "e2e-webmail")


class Recorder:
    """The "remote host": records every request it gets."""

    def __init__(self):
        self.hits = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def hostile_corpus(r):
    return "\n".join([
        "<p id='visible'>Hostile corpus 恶意样本</p>",
        f"<script>fetch('{r.url('/script-ran')}'); alert(1)</script>",
        f"<img src=x onerror=\"fetch('{r.url('/onerror-ran')}')\">",
        f"<img src=\"{r.url('/remote-image.gif')}\" alt=remote>",
        f"<svg onload=\"fetch('{r.url('/svg-ran')}')\"><script>fetch('{r.url('/svg-script')}')</script></svg>",
        f"<div style=\"background-image: url({r.url('/css-bg.gif')}); width: expression(alert(1))\">css</div>",
        f"<style>body {{ background: url({r.url('/style-bg.gif')}) }}</style>",
        f"<a href=\"javascript:fetch('{r.url('/js-link')}')\" id=jslink>click me</a>",
        f"<meta http-equiv=\"refresh\" content=\"0;url={r.url('/meta-refresh')}\">",
        f"<form action=\"{r.url('/phish')}\" method=post><input name=password type=password><button>登录</button></form>",
        f"<iframe src=\"{r.url('/iframe')}\"></iframe><object data=\"{r.url('/object')}\"></object>",
        f"<link rel=stylesheet href=\"{r.url('/link.css')}\"><base href=\"{r.url('/')}\">",
        f"<table background=\"{r.url('/table-bg.gif')}\"><tr><td>cell</td></tr></table>",
        f"<body onload=\"fetch('{r.url('/body-onload')}')\">",
    ])


class Browser(PageBrowser):
    def __init__(self, server):
        super().__init__(server, ARTIFACTS, "1200,1000")

    def open_message(self, subject):
        self.ready()
        self.wait.until(EC.element_to_be_clickable((By.XPATH, f"//ul[@id='messages']//a[contains(., '{subject}')]"))).click()
        self.el("body-frame")

    def attach(self, filename, text):
        """Writes a file in the server's data folder and attaches it on the compose page."""
        path = os.path.join(self.server.data, filename)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        self.el("files").send_keys(path)
        self.wait.until(lambda d: filename in d.find_element(By.ID, "attached").text)

    def frame_text(self):
        self.driver.switch_to.frame(self.el("body-frame"))
        try:
            return self.wait.until(lambda d: d.find_element(By.TAG_NAME, "body").text or None)
        finally:
            self.driver.switch_to.default_content()

    def folder(self, special):
        self.click_css(f"a.folder[data-special='{special}']")
        self.el("messages")

    def no_alert(self):
        try:
            alert = self.driver.switch_to.alert
            raise AssertionError("a script opened an alert: " + alert.text)
        except NoAlertPresentException:
            pass


def main():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    recorder = Recorder()
    server = Mailward("webmail")
    server.start()
    browser = None
    step = "start"
    try:
        step = "bob sends the hostile corpus to alice through the API"
        bob = server.api_client("bob@demo.test")
        bob("POST", "/messages/send", {"to": "alice@demo.test", "subject": "Hostile corpus",
                                       "text": "plain part", "html": hostile_corpus(recorder)})

        browser = Browser(server)
        step = "sign in"
        browser.open("/login")
        browser.type("username", "alice@demo.test")
        browser.type("password", server.passwords["alice@demo.test"])
        browser.click("login-submit")
        browser.wait_text("messages", "项目进度会议通知")
        browser.shot("inbox")

        step = "read the GBK mail with a Chinese subject"
        browser.open_message("项目进度会议通知")
        browser.wait_text("subject", "项目进度会议通知")
        assert "三楼会议室" in browser.frame_text()
        browser.shot("read-gbk")

        step = "reply with an attachment"
        browser.click("reply")
        browser.wait.until(lambda d: d.find_element(By.ID, "subject").get_attribute("value").startswith("回复："))
        browser.el("body").send_keys("收到，我会准时参加。")
        browser.attach("议程补充.txt", "补充议程：预算讨论\n")
        browser.shot("reply")
        browser.click("send")
        browser.wait.until(lambda d: "/mail" in d.current_url and "compose" not in d.current_url)

        step = "find the reply in 已发送"
        browser.folder("sent")
        browser.wait_text("mailbox-name", "已发送")
        browser.wait_text("messages", "回复：项目进度会议通知")
        browser.open_message("回复：项目进度会议通知")
        browser.wait_text("attachments", "议程补充.txt")
        assert "收到，我会准时参加。" in browser.frame_text()
        browser.shot("sent")

        step = "plain forward keeps the original attachment"
        browser.open("/mail")
        browser.open_message("季度报告")
        browser.click("forward")
        browser.wait.until(lambda d: "季度报告摘要.txt" in d.find_element(By.ID, "attached").text)
        assert "发件人：" in browser.el("body").get_attribute("value")
        browser.type("to", "bob@demo.test")
        browser.shot("forward")
        browser.click("send")
        browser.el("sent-note")
        browser.folder("sent")
        browser.open_message("转发：季度报告")
        browser.wait_text("attachments", "季度报告摘要.txt")

        step = "a draft keeps its attachment when saved twice, reopened and sent"
        browser.open("/mail/compose")
        browser.type("to", "bob@demo.test")
        browser.type("subject", "草稿附件")
        browser.attach("会议纪要.txt", "纪要：第一版\n")
        assert "(19 B)" in browser.el("attached").text, browser.el("attached").text
        browser.click("save-draft")
        browser.wait_text("draft-status", "草稿已保存")
        # A second save refers to the first draft's parts (the upload is used up by then).
        browser.el("body").send_keys("请查收附件。")
        browser.driver.execute_script("document.getElementById('draft-status').textContent = ''")
        browser.click("save-draft")
        browser.wait_text("draft-status", "草稿已保存")
        browser.open("/mail")
        browser.folder("drafts")
        browser.wait.until(EC.element_to_be_clickable((By.XPATH, "//ul[@id='messages']//a[contains(., '草稿附件')]"))).click()
        browser.wait_text("attached", "会议纪要.txt")
        assert "请查收附件。" in browser.el("body").get_attribute("value")
        browser.shot("draft-reopened")
        browser.click("send")
        browser.el("sent-note")
        received = server.api_client("bob@demo.test")
        inbox = received("GET", "/mailboxes")
        inbox_id = next(m["id"] for m in inbox if m.get("special_use") == "inbox")
        listed = received("GET", f"/mailboxes/{inbox_id}/messages")
        sent = next(m for m in listed["messages"] if m["subject"] == "草稿附件")
        full = received("GET", f"/messages/{sent['id']}")
        assert [a["filename"] for a in full["attachments"]] == ["会议纪要.txt"], full["attachments"]
        browser.open("/mail")
        browser.folder("drafts")
        assert "草稿附件" not in browser.el("messages").text

        step = "text typed and left at once is kept as a draft (no five-second wait)"
        browser.open("/mail/compose")
        browser.type("subject", "匆忙离开")
        browser.type("body", "还没写完就点了别处。")
        browser.open("/mail")
        deadline = time.time() + 15
        while True:
            browser.folder("drafts")
            if "匆忙离开" in browser.el("messages").text:
                break
            assert time.time() < deadline, "the draft typed just before leaving was lost"
            time.sleep(0.5)
            browser.open("/mail")

        step = "the language switch while writing keeps what was typed"
        browser.open("/mail/compose")
        browser.type("to", "bob@demo.test")
        browser.type("subject", "双语草稿")
        browser.type("body", "切换语言前写的内容。")
        browser.click("switch-lang")
        browser.wait.until(lambda d: "lang=en" in d.current_url and "draft=" in d.current_url)
        browser.wait.until(lambda d: d.find_element(By.ID, "subject").get_attribute("value") == "双语草稿")
        assert browser.el("body").get_attribute("value").startswith("切换语言前写的内容。")
        assert "bob@demo.test" in browser.el("to").get_attribute("value")
        assert browser.el("send").text == "Send", browser.el("send").text
        browser.click("switch-lang")
        browser.wait.until(lambda d: "lang=zh" in d.current_url)
        browser.wait.until(lambda d: d.find_element(By.ID, "subject").get_attribute("value") == "双语草稿")
        browser.open("/mail")
        browser.folder("drafts")
        assert browser.el("messages").text.count("双语草稿") == 1, "one draft, not one per switch"
        # A reply keeps the message it answers (its \Answered flag when sent).
        browser.open("/mail")
        browser.open_message("项目进度会议通知")
        browser.click("reply")
        browser.wait.until(lambda d: d.find_element(By.ID, "reply-to-id").get_attribute("value"))
        replied = browser.el("reply-to-id").get_attribute("value")
        browser.el("body").send_keys("换个语言再回复。")
        browser.click("switch-lang")
        browser.wait.until(lambda d: "lang=en" in d.current_url and "draft=" in d.current_url)
        browser.wait.until(lambda d: "换个语言再回复。" in d.find_element(By.ID, "body").get_attribute("value"))
        assert browser.el("reply-to-id").get_attribute("value") == replied
        browser.open("/mail?lang=zh-CN")
        browser.folder("drafts")

        step = "the language switch keeps the folder being looked at"
        switch = browser.el("switch-lang").get_attribute("href")
        assert "mailbox=" in switch and "lang=en" in switch, switch

        step = "search a Chinese word"
        browser.open("/mail")
        browser.type("search-q", "会议室")
        browser.click("search-submit")
        browser.wait_text("mailbox-name", "会议室")
        browser.wait_text("messages", "项目进度会议通知")
        browser.shot("search")

        step = "move to a new folder named in Chinese"
        browser.open("/mail")
        browser.type("new-folder-name", "项目资料")
        browser.click("new-folder-submit")
        browser.wait_text("mailbox-name", "项目资料")
        browser.folder("inbox")
        browser.open_message("项目进度会议通知")
        Select(browser.el("move-to")).select_by_visible_text("项目资料")
        # Back in the folder the message was opened from; the message is in 项目资料 now.
        browser.wait_text("mailbox-name", "收件箱")
        browser.wait.until(lambda d: "项目进度会议通知" not in d.find_element(By.ID, "messages").text)
        browser.wait.until(EC.element_to_be_clickable(
            (By.XPATH, "//a[contains(@class, 'folder')][contains(., '项目资料')]"))).click()
        browser.wait_text("mailbox-name", "项目资料")
        browser.wait_text("messages", "项目进度会议通知")
        browser.shot("moved")

        step = "delete and empty 已删除"
        browser.open_message("项目进度会议通知")
        browser.click("delete-message")
        browser.wait_text("mailbox-name", "项目资料")
        browser.el("no-messages")
        browser.folder("trash")
        browser.wait_text("messages", "项目进度会议通知")
        browser.shot("trash")
        # Deleting from 已删除 is for good: the page asks first; cancelling keeps the message.
        browser.open_message("项目进度会议通知")
        browser.click("delete-message")
        browser.wait.until(EC.alert_is_present()).dismiss()
        browser.el("message-page")
        browser.open("/mail")
        browser.folder("trash")
        browser.wait_text("messages", "项目进度会议通知")
        browser.click("empty-trash")
        browser.wait.until(EC.alert_is_present()).accept()
        browser.el("no-messages")
        browser.shot("trash-emptied")

        step = "hostile corpus: no script, no remote request before images are allowed"
        browser.folder("inbox")
        browser.open_message("Hostile corpus")
        assert "Hostile corpus 恶意样本" in browser.frame_text()
        browser.el("images-blocked")
        time.sleep(2)
        browser.no_alert()
        assert recorder.hits == [], f"requests reached the remote host: {recorder.hits}"
        browser.driver.switch_to.frame(browser.el("body-frame"))
        for tag in ["script", "iframe", "object", "form", "input", "svg", "style", "meta", "base", "link"]:
            # The frame's own head has a <meta charset> and a <style>; the mail is the body.
            assert not browser.driver.find_elements(By.CSS_SELECTOR, "body " + tag), f"<{tag}> survived"
        assert len(browser.driver.find_elements(By.CSS_SELECTOR, "head *")) == 2
        for link in browser.driver.find_elements(By.TAG_NAME, "a"):
            assert not (link.get_attribute("href") or "").lower().startswith("javascript"), "javascript: link survived"
        browser.driver.switch_to.default_content()
        browser.shot("hostile-blocked")
        browser.click("allow-images")
        browser.el("body-frame")
        deadline = time.time() + 10
        while "/remote-image.gif" not in recorder.hits and time.time() < deadline:
            time.sleep(0.2)
        browser.no_alert()
        assert recorder.hits == ["/remote-image.gif"], f"after allowing images: {recorder.hits}"
        browser.shot("hostile-images-allowed")

        step = "an automatic reply set on the settings page answers bob once"
        browser.open("/settings")
        browser.click("link-auto-reply")
        browser.wait_path("/settings/mail/auto-reply")
        browser.el("auto-reply-enabled").click()
        browser.type("auto-reply-text", "我在休假，12 月 20 日回来。")
        browser.shot("auto-reply")
        browser.click("auto-reply-save")
        browser.wait_text("auto-reply-message", "已保存")
        browser.open("/settings/mail/auto-reply")
        browser.wait.until(lambda d: d.find_element(By.ID, "auto-reply-text").get_attribute("value") == "我在休假，12 月 20 日回来。")
        assert browser.el("auto-reply-enabled").is_selected()
        for n in range(2):
            bob("POST", "/messages/send", {"to": "alice@demo.test", "subject": f"休假前 {n}", "text": "还在吗？"})
        bob_inbox = next(m["id"] for m in bob("GET", "/mailboxes") if m.get("special_use") == "inbox")
        deadline = time.time() + 10
        while True:
            replies = [m for m in bob("GET", f"/mailboxes/{bob_inbox}/messages")["messages"]
                       if m["subject"].startswith("自动回复: 休假前")]
            if replies or time.time() > deadline:
                break
            time.sleep(0.3)
        time.sleep(1)
        replies = [m for m in bob("GET", f"/mailboxes/{bob_inbox}/messages")["messages"] if m["subject"].startswith("自动回复: ")]
        assert len(replies) == 1, f"one automatic reply for two messages: {replies}"

        step = "phone screen"
        browser.driver.set_window_size(412, 900)
        browser.open("/mail")
        browser.wait_text("messages", "Hostile corpus")
        width = browser.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 412, f"the list is wider than a phone screen: {width}px"
        # One column: the message list first and (nearly) full width, above the folder panel.
        layout = browser.driver.execute_script(
            "var l = document.querySelector('section.list').getBoundingClientRect(),"
            " f = document.getElementById('folders').getBoundingClientRect();"
            " return [l.width, l.top, f.top, document.getElementById('phone-folder').offsetParent !== null];")
        assert layout[0] >= 412 - 60 and layout[1] < layout[2] and layout[3], f"phone layout: {layout}"
        browser.shot("phone-list")
        print("webmail browser test: OK")
    except Exception:
        print(f"webmail browser test FAILED at step: {step}", file=sys.stderr)
        if browser:
            browser.shot("failure")
        print(open(server.log_path).read()[-4000:], file=sys.stderr)
        raise
    finally:
        if browser:
            browser.driver.quit()
        server.stop()
        recorder.server.shutdown()
        shutil.rmtree(server.data, ignore_errors=True)


if __name__ == "__main__":
    main()
