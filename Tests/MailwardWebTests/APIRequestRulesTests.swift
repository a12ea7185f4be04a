import Foundation
import Testing
@testable import MailwardWeb

/// The pure parts of the API's request rules: which methods a path has (for 405 and `Allow`),
/// what counts as a JSON content type, and what counts as a JSON boolean.
@Suite struct APIRequestRulesTests {
    @Test func routeTableAnswersTheMethodsOfAPath() {
        let table = APIRouteTable(routes: [
            (.get, ["api", "v1", "session"]), (.post, ["api", "v1", "session"]), (.delete, ["api", "v1", "session"]),
            (.get, ["api", "v1", "messages", ":id"]), (.patch, ["api", "v1", "messages", ":id"]),
            (.post, ["api", "v1", "messages", "send"]),
        ])
        #expect(table.methods(for: "/api/v1/session") == [.delete, .get, .head, .post])
        #expect(table.methods(for: "/api/v1/messages/abc") == [.get, .head, .patch])
        // The literal segment wins, as in the router: GET there is not the message route's.
        #expect(table.methods(for: "/api/v1/messages/send") == [.post])
        #expect(table.methods(for: "/api/v1/messages") == [])
        #expect(table.methods(for: "/api/v1/messages/a/b") == [])
    }

    @Test func onlyApplicationJSONIsJSON() {
        for type in ["application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;x=y"] {
            #expect(JSONBody.isJSON(type), "\(type)")
        }
        for type in [nil, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp",
                     "text/json", "application/json-patch+json"] {
            #expect(!JSONBody.isJSON(type), "\(type ?? "nil")")
        }
    }

    @Test func onlyJSONBooleansAreBooleans() throws {
        let object = try #require(try JSONSerialization.jsonObject(
            with: Data(#"{"t":true,"f":false,"one":1,"zero":0,"s":"yes","d":1.0}"#.utf8)) as? [String: Any])
        #expect(JSONBody.strictBool(object["t"]!) == true)
        #expect(JSONBody.strictBool(object["f"]!) == false)
        for key in ["one", "zero", "s", "d"] { #expect(JSONBody.strictBool(object[key]!) == nil, "\(key)") }
    }

    /// A search typed into the webmail's GET form arrives with `+` for spaces.
    @Test func searchWordsAreReadAsFormData() {
        #expect(FormQuery.searchText("mailbox=INBOX&q=%E4%BC%9A%E8%AE%AE+%E9%80%9A%E7%9F%A5&offset=25") == "会议 通知")
        #expect(FormQuery.searchText("q=a%2Bb") == "a+b")
        #expect(FormQuery.searchText("mailbox=INBOX") == nil)
        #expect(FormQuery.searchText(nil) == nil)
    }
}
