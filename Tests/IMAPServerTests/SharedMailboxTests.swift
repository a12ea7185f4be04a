import Foundation
import MailwardApp
import MailwardCore
import MailwardTesting
import Testing

/// Shared mailboxes (SPEC S, issue 8) in the IMAP door, over real sockets: the shared
/// namespace, the permission table per command, revoke and change while selected, IDLE,
/// unread state, ACL commands and the owner's audit log.
@Suite(.serialized) struct SharedMailboxTests {
    static let inbox = SharedFixture.prefix + "INBOX"
    /// 项目 in modified UTF-7.
    static let project = SharedFixture.prefix + "&mHl27g-"

    @Test func namespaceListLsubAndStatusShowTheOwnersFolders() async throws {
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let li = try await fixture.granteeClient()
        let namespace = try await li.run("NAMESPACE")
        #expect(namespace.first == "* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\"))")

        let list = try await li.run("LIST \"\" \"*\"")
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" INBOX"))
        #expect(list.contains("* LIST (\\Noselect \\HasChildren) \"/\" Shared"), "\(list)")
        #expect(list.contains("* LIST (\\Noselect \\HasChildren) \"/\" Shared/boss@example.com"), "\(list)")
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" \(Self.inbox)"), "\(list)")
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" \(Self.project)"), "\(list)")
        // boss's Sent is listed without \Sent, so no client takes it for li's own.
        #expect(list.contains("* LIST (\\HasNoChildren) \"/\" \(SharedFixture.prefix)Sent"), "\(list)")

        let top = try await li.run("LIST \"\" \"%\"")
        #expect(top.contains("* LIST (\\Noselect \\HasChildren) \"/\" Shared"))
        #expect(!top.contains { $0.contains("boss@") })
        let owners = try await li.run("LIST \"Shared/\" \"%\"")
        #expect(owners.dropLast() == ["* LIST (\\Noselect \\HasChildren) \"/\" Shared/boss@example.com"])

        let lsub = try await li.run("LSUB \"\" \"Shared/*\"")
        #expect(lsub.contains("* LSUB () \"/\" \(Self.inbox)"), "\(lsub)")
        let subscribed = try await li.run("LIST (SUBSCRIBED) \"\" \"Shared/*\"")
        #expect(subscribed.contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" \(Self.inbox)"), "\(subscribed)")

        let status = try await li.run("STATUS \(Self.inbox) (MESSAGES UNSEEN)")
        #expect(status.first == "* STATUS \(Self.inbox) (MESSAGES 2 UNSEEN 2)", "\(status)")
        let listStatus = try await li.run("LIST \"\" \"\(Self.project)\" RETURN (STATUS (MESSAGES))")
        #expect(listStatus.contains("* STATUS \(Self.project) (MESSAGES 1)"), "\(listStatus)")

        // A colleague's quota is not li's; shared folders are always subscribed.
        let quota = try await li.run("GETQUOTAROOT \(Self.inbox)")
        #expect(quota == ["* QUOTAROOT \(Self.inbox)", quota.tagged], "\(quota)")
        #expect(try await li.run("UNSUBSCRIBE \(Self.inbox)").tagged.contains("OK Shared mailboxes are always subscribed"))
        #expect(try await li.run("LSUB \"\" \"\(Self.inbox)\"").count == 2)

        // The parents cannot be selected; a stranger sees no Shared at all.
        #expect(try await li.run("SELECT Shared/boss@example.com").tagged.contains("NO [NONEXISTENT]"))
        let (stranger, _) = try await IMAPTestClient.connect(fixture.server)
        try await stranger.login("stranger@example.com")
        #expect(!(try await stranger.run("LIST \"\" \"*\"")).contains { $0.contains("Shared") })
        #expect(try await stranger.run("SELECT \(Self.inbox)").tagged.contains("NO [NONEXISTENT]"))
        #expect(try await stranger.run("STATUS \(Self.inbox) (MESSAGES)").tagged.contains("NO [NONEXISTENT]"))
        await stranger.close()
        await li.close()
        try await fixture.server.stop()
    }

    @Test func selectFetchSearchInASharedMailbox() async throws {
        let fixture = try await SharedFixture.start(sharing: .sendOnBehalf)
        let li = try await fixture.granteeClient()
        let select = try await li.run("SELECT \(Self.inbox)")
        #expect(select.contains("* 2 EXISTS"))
        #expect(select.contains("* OK [PERMANENTFLAGS ()] No permanent flags permitted"), "\(select)")
        #expect(select.tagged.contains("OK [READ-ONLY]"), "\(select)")
        let fetch = try await li.run("FETCH 1:2 (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        #expect(fetch.contains("Subject: Budget"))
        #expect(fetch.contains("Subject: Plan"))
        let search = try await li.run("SEARCH TEXT \"four\"")
        #expect(search.first == "* SEARCH 1 2", "\(search)")
        let unseen = try await li.run("UID SEARCH UNSEEN")
        #expect(unseen.first == "* SEARCH 1 2")
        await li.close()
        try await fixture.server.stop()
    }

    // MARK: The permission table, command by command

    /// boss's INBOX and folders, to prove a refused command changed nothing.
    static func ownerState(_ fixture: SharedFixture) async throws -> String {
        var state = try await fixture.bossFolders().joined(separator: ",")
        for record in try await fixture.bossInbox() { state += " \(record.uid):\(record.flags.sorted)" }
        return state
    }

    @Test(arguments: SharePermission.allCases)
    func everyCommandFollowsThePermissionTable(_ permission: SharePermission) async throws {
        let fixture = try await SharedFixture.start(sharing: permission)
        let li = try await fixture.granteeClient()
        // SPEC S: only send as changes anything in the owner's mailbox.
        let writes = permission == .sendAs

        /// Runs one cell: allowed → tagged OK; refused → `NO [NOPERM]` and boss's mailbox unchanged.
        func cell(_ command: String, allowed: Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let before = try await Self.ownerState(fixture)
            let lines = try await li.run(command)
            if allowed {
                #expect(lines.tagged.contains(" OK"), "IMAP \(permission.rawValue) \(command): \(lines)",
                        sourceLocation: sourceLocation)
            } else {
                #expect(lines.tagged.contains(" NO [NOPERM] "), "IMAP \(permission.rawValue) \(command): \(lines)",
                        sourceLocation: sourceLocation)
                #expect(try await Self.ownerState(fixture) == before, "IMAP \(permission.rawValue) \(command) changed the mailbox",
                        sourceLocation: sourceLocation)
            }
        }

        let select = try await li.run("SELECT \(Self.inbox)")
        #expect(select.tagged.contains(writes ? "OK [READ-WRITE]" : "OK [READ-ONLY]"), "\(permission): \(select)")
        let rights = try await li.run("MYRIGHTS \(Self.inbox)")
        #expect(rights.first == "* MYRIGHTS \(Self.inbox) \(writes ? "lrswite" : "lr")", "\(permission): \(rights)")

        // Reading never marks read for a grantee without the s right (RFC 4314 §4).
        let body = try await li.run("FETCH 1 BODY[]")
        #expect(body.contains("Subject: Budget"))
        #expect(try await fixture.bossInbox()[0].flags.contains(MessageFlags.seen) == writes, "\(permission): \\Seen after BODY[]")
        _ = try await li.run("FETCH 1 RFC822.TEXT")
        #expect(try await fixture.bossInbox()[0].flags.contains(MessageFlags.seen) == writes)

        try await cell("STORE 2 +FLAGS (\\Flagged)", allowed: writes)
        try await cell("STORE 2 +FLAGS (\\Seen)", allowed: writes)
        try await cell("UID STORE 2 FLAGS (\\Answered)", allowed: writes)
        try await cell("COPY 2 INBOX", allowed: true)  // out of the shared mailbox: view is enough
        try await cell("APPEND \(Self.inbox) {\(sampleMessage(subject: "Appended").utf8.count)+}\r\n\(sampleMessage(subject: "Appended"))",
                       allowed: writes)
        try await cell("GETACL \(Self.inbox)", allowed: false)
        try await cell("SETACL \(Self.inbox) stranger@example.com lr", allowed: false)
        try await cell("DELETEACL \(Self.inbox) li@example.com", allowed: false)
        try await cell("LISTRIGHTS \(Self.inbox) li@example.com", allowed: false)
        try await cell("CREATE \(SharedFixture.prefix)New", allowed: false)
        try await cell("DELETE \(Self.project)", allowed: false)
        try await cell("RENAME \(Self.project) \(SharedFixture.prefix)Renamed", allowed: false)
        try await cell("STORE 1 +FLAGS (\\Deleted)", allowed: writes)
        try await cell("EXPUNGE", allowed: writes)
        try await cell("UID EXPUNGE 1:*", allowed: writes)
        try await cell("MOVE 1 INBOX", allowed: writes)

        // Into the shared mailbox from li's own INBOX: insert.
        #expect(try await li.run("SELECT INBOX").tagged.contains("OK [READ-WRITE]"))
        try await cell("COPY 1 \(Self.project)", allowed: writes)
        try await cell("MOVE 1 \(Self.project)", allowed: writes)
        // Nobody creates folders in the shared namespace, nor a personal folder called Shared.
        #expect(try await li.run("CREATE Shared").tagged.contains("NO [NOPERM]"))
        #expect(try await li.run("RENAME INBOX/x Shared/x").tagged.contains("NO"))
        if writes {
            let project = try await fixture.server.runtime.store.mailbox(accountID: fixture.boss.id, name: "项目")
            #expect(try await fixture.server.runtime.store.messages(mailboxID: try #require(project).id).count == 3)
        }
        await li.close()
        try await fixture.server.stop()
    }

    // MARK: Revocation and changes take effect at the next command

    @Test func revokeWhileSelectedClosesTheMailboxAndShowsNothingMore() async throws {
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let li = try await fixture.granteeClient()
        #expect(try await li.run("SELECT \(Self.inbox)").contains("* 2 EXISTS"))
        #expect(try await li.run("FETCH 1 (FLAGS)").tagged.contains("OK"))

        try await fixture.revoke()
        try await fixture.deliverToBoss("After the revoke")
        let fetch = try await li.run("FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        #expect(fetch.count == 2, "\(fetch)")
        #expect(fetch.first?.hasPrefix("* OK [CLOSED] ") == true, "\(fetch)")
        #expect(fetch.tagged.contains("NO [NOPERM] \(Self.inbox) is no longer shared with you"), "\(fetch)")
        #expect(!fetch.contains { $0.contains("Subject") || $0.contains("EXISTS") })

        let noop = try await li.run("NOOP")
        #expect(noop == [noop.tagged] && noop.tagged.contains("OK"), "nothing more of the mailbox: \(noop)")
        #expect(try await li.run("FETCH 1 FLAGS").tagged.contains("BAD"), "no mailbox selected any more")
        #expect(try await li.run("SELECT \(Self.inbox)").tagged.contains("NO [NONEXISTENT]"))
        #expect(!(try await li.run("LIST \"\" \"*\"")).contains { $0.contains("Shared") })
        // li's own mailbox is untouched by all this.
        #expect(try await li.run("SELECT INBOX").contains("* 1 EXISTS"))
        await li.close()
        try await fixture.server.stop()
    }

    @Test func revokeWhileSelectedFailsTheNextNoop() async throws {
        let fixture = try await SharedFixture.start(sharing: .sendAs)
        let li = try await fixture.granteeClient()
        _ = try await li.run("SELECT \(Self.inbox)")
        try await fixture.revoke()
        try await fixture.deliverToBoss("Hidden")
        let noop = try await li.run("NOOP")
        #expect(noop.first?.hasPrefix("* OK [CLOSED]") == true, "\(noop)")
        #expect(noop.tagged.contains("NO [NOPERM]"), "\(noop)")
        #expect(!noop.contains { $0.contains("EXISTS") })
        await li.close()
        try await fixture.server.stop()
    }

    @Test func aChangedPermissionAppliesToTheNextCommand() async throws {
        let fixture = try await SharedFixture.start(sharing: .sendAs)
        let li = try await fixture.granteeClient()
        #expect(try await li.run("SELECT \(Self.inbox)").tagged.contains("OK [READ-WRITE]"))
        #expect(try await li.run("STORE 1 +FLAGS (\\Flagged \\Deleted)").tagged.contains("OK"))

        try await fixture.change(to: .readOnly)
        let refused = try await li.run("STORE 2 +FLAGS (\\Flagged)")
        #expect(refused.tagged.contains("NO [NOPERM] The read only permission does not allow you to change message flags."),
                "\(refused)")
        #expect(try await li.run("EXPUNGE").tagged.contains("NO [NOPERM]"))
        _ = try await li.run("FETCH 2 BODY[]")
        let records = try await fixture.bossInbox()
        #expect(!records[1].flags.contains(MessageFlags.flagged))
        #expect(!records[1].flags.contains(MessageFlags.seen), "read only now: BODY[] is a peek")
        #expect(try await li.run("MYRIGHTS \(Self.inbox)").first == "* MYRIGHTS \(Self.inbox) lr")
        // CLOSE without the expunge right only closes (RFC 4314 §4): the \Deleted message stays.
        #expect(try await li.run("CLOSE").tagged.contains("OK"))
        #expect(try await fixture.bossInbox().count == 2)

        try await fixture.change(to: .sendAs)
        #expect(try await li.run("SELECT \(Self.inbox)").tagged.contains("OK [READ-WRITE]"))
        #expect(try await li.run("STORE 2 +FLAGS (\\Flagged)").tagged.contains("OK"))
        #expect(try await fixture.bossInbox()[1].flags.contains(MessageFlags.flagged))
        await li.close()
        try await fixture.server.stop()
    }

    /// A raised permission makes the selected mailbox writable at once (RFC 3501 §7.1's untagged
    /// `OK [READ-WRITE]`), a lowered one read-only again (refusals say NOPERM; no `OK [READ-ONLY]`,
    /// which imaplib turns into an exception); EXAMINE stays read-only either way.
    @Test func aRaisedPermissionMakesTheSelectedMailboxWritableAtOnce() async throws {
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let li = try await fixture.granteeClient()
        let selected = try await li.run("SELECT \(Self.inbox)")
        #expect(selected.tagged.contains("OK [READ-ONLY] SELECT completed"), "\(selected)")
        #expect(selected.contains("* OK [PERMANENTFLAGS ()] No permanent flags permitted"))

        try await fixture.change(to: .sendAs)
        let store = try await li.run("STORE 1 +FLAGS (\\Flagged)")
        #expect(store.contains { $0.hasPrefix("* OK [READ-WRITE]") }, "\(store)")
        #expect(store.contains { $0.hasPrefix("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft") })
        #expect(store.tagged.contains("OK"), "\(store)")
        #expect(try await fixture.bossInbox()[0].flags.contains(MessageFlags.flagged))

        try await fixture.change(to: .readOnly)
        let refused = try await li.run("STORE 2 +FLAGS (\\Flagged)")
        #expect(!refused.contains { $0.hasPrefix("* OK [READ-ONLY]") }, "\(refused)")
        #expect(refused.tagged.contains("NO [NOPERM]"))

        _ = try await li.run("EXAMINE \(Self.inbox)")
        try await fixture.change(to: .sendAs)
        let examined = try await li.run("STORE 2 +FLAGS (\\Flagged)")
        #expect(!examined.contains { $0.hasPrefix("* OK [READ-WRITE]") })
        #expect(examined.tagged.contains("NO [READ-ONLY]"), "\(examined)")
        #expect(try await fixture.bossInbox()[1].flags.contains(MessageFlags.flagged) == false)
        await li.close()
        try await fixture.server.stop()
    }

    // MARK: IDLE

    @Test func idleIsWokenByTheOwnersDeliveryAndStopsAtARevoke() async throws {
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let li = try await fixture.granteeClient()
        _ = try await li.run("SELECT \(Self.inbox)")
        try await li.line.send("i1 IDLE\r\n")
        #expect(try await li.line.readLine() == "+ idling")
        try await fixture.deliverToBoss("While idling")
        #expect(try await li.line.readLine() == "* 3 EXISTS")
        // Read-only, the grantee takes nothing: recent is what no session of the owner's has seen.
        #expect(try await li.line.readLine() == "* 3 RECENT")
        try await li.line.send("DONE\r\n")
        #expect(try await li.line.readLine() == "i1 OK IDLE terminated")

        try await li.line.send("i2 IDLE\r\n")
        #expect(try await li.line.readLine() == "+ idling")
        // The revoke itself wakes the idling grantee: no delivery needed to notice it.
        try await fixture.revoke()
        let closed = try await li.line.readLine()
        #expect(closed.hasPrefix("* OK [CLOSED] "), "\(closed)")
        try await li.line.send("DONE\r\n")
        let done = try await li.line.readLine()
        #expect(done.hasPrefix("i2 NO [NOPERM] "), "\(done)")
        await li.close()
        try await fixture.server.stop()
    }

    // MARK: ACL by the owner

    @Test func ownersSetACLAndDeleteACLMapToGrants() async throws {
        let fixture = try await SharedFixture.start(sharing: nil)
        let (boss, _) = try await IMAPTestClient.connect(fixture.server)
        try await boss.login(SharedFixture.owner)
        #expect(try await boss.run("CAPABILITY").first?.contains(" ACL RIGHTS=texk ") == true)
        #expect(try await boss.run("MYRIGHTS INBOX").first == "* MYRIGHTS INBOX lrswipkxtea")

        #expect(try await boss.run("SETACL INBOX li@example.com lr").tagged.contains("OK"))
        #expect(try await fixture.grant()?.permission == .readOnly)
        let acl = try await boss.run("GETACL INBOX")
        #expect(acl.first == "* ACL INBOX boss@example.com lrswipkxtea li@example.com lr", "\(acl)")

        // Any folder's ACL is the whole mailbox's: a share covers every folder.
        #expect(try await boss.run("SETACL &mHl27g- li@example.com lrp").tagged.contains("OK"))
        #expect(try await fixture.grant()?.permission == .sendOnBehalf)
        #expect(try await boss.run("SETACL INBOX li@example.com +swite").tagged.contains("OK"))
        #expect(try await fixture.grant()?.permission == .sendAs)
        #expect(try await boss.run("GETACL INBOX").first == "* ACL INBOX boss@example.com lrswipkxtea li@example.com lrswite")
        #expect(try await boss.run("SETACL INBOX li@example.com lrswitedk").tagged.contains("OK"))
        #expect(try await fixture.grant()?.permission == .sendAs)

        for refused in ["li@example.com lrsa", "li@example.com lrx", "li@example.com rw", "li@example.com lrpw",
                        "anyone lr", "nobody@example.com lr", "boss@example.com lr", "-li@example.com lr", "li@example.com lrz"] {
            let lines = try await boss.run("SETACL INBOX \(refused)")
            #expect(lines.tagged.contains(" NO "), "SETACL \(refused): \(lines)")
        }
        #expect(try await fixture.grant()?.permission == .sendAs, "refused SETACLs changed nothing")
        #expect(try await fixture.shares.granted(by: fixture.boss).count == 1)

        let listRights = try await boss.run("LISTRIGHTS INBOX li@example.com")
        #expect(listRights.first == "* LISTRIGHTS INBOX li@example.com \"\" lr p swite", "\(listRights)")

        #expect(try await boss.run("SETACL INBOX li@example.com -swite").tagged.contains("OK"))
        #expect(try await fixture.grant()?.permission == .readOnly)
        #expect(try await boss.run("DELETEACL INBOX li@example.com").tagged.contains("OK"))
        #expect(try await fixture.grant() == nil)
        #expect(try await boss.run("GETACL INBOX").first == "* ACL INBOX boss@example.com lrswipkxtea")

        // The grantee's own session sees the share come and go.
        let li = try await fixture.granteeClient()
        #expect(try await li.run("MYRIGHTS \(Self.inbox)").tagged.contains("NO [NONEXISTENT]"))
        #expect(try await boss.run("SETACL INBOX li@example.com lr").tagged.contains("OK"))
        #expect(try await li.run("MYRIGHTS \(Self.inbox)").first == "* MYRIGHTS \(Self.inbox) lr")
        await li.close()
        await boss.close()
        try await fixture.server.stop()
    }

    // MARK: Audit

    @Test func everyGranteeActionIsAuditedForTheOwner() async throws {
        let fixture = try await SharedFixture.start(sharing: .sendAs)
        let li = try await fixture.granteeClient()
        _ = try await li.run("SELECT \(Self.inbox)")
        _ = try await li.run("FETCH 1:2 (FLAGS ENVELOPE BODY.PEEK[HEADER])")
        #expect(try await fixture.granteeAudit().isEmpty, "flags and headers are not reading the mail")

        _ = try await li.run("UID FETCH 1:2 BODY.PEEK[]")
        _ = try await li.run("STORE 1 +FLAGS (\\Flagged)")
        _ = try await li.run("STORE 2 +FLAGS (\\Deleted)")
        _ = try await li.run("EXPUNGE")
        let message = sampleMessage(subject: "Appended")
        _ = try await li.run("APPEND \(Self.project) {\(message.utf8.count)+}\r\n\(message)")
        _ = try await li.run("MOVE 1 INBOX")

        let events = try await fixture.granteeAudit().reversed().map { $0 }
        #expect(events.map(\.method) == ["view", "changeOtherFlags", "delete", "delete", "insert", "delete"], "\(events)")
        // The door is the event's column; the detail says what was done, not through which door.
        #expect(events.allSatisfy { $0.door == "imap" && $0.detail.hasPrefix("li@example.com: ") && !$0.detail.contains("IMAP") })
        #expect(events[0].detail == "li@example.com: read UIDs 1:2 (2 messages) in \(SharedFixture.prefix)INBOX")
        #expect(events[3].detail.contains("EXPUNGE UIDs 2 (1 message)"))
        #expect(events[4].detail.contains("APPEND UIDs 2 (1 message) in \(SharedFixture.prefix)项目"))
        #expect(events[5].detail.contains("MOVE UIDs 1 (1 message) to an own folder"))
        // li's own mailbox is not audited as a shared one.
        _ = try await li.run("SELECT INBOX")
        _ = try await li.run("FETCH 1:* BODY[]")
        #expect(try await fixture.granteeAudit().count == 6)
        await li.close()
        try await fixture.server.stop()
    }

    /// B6: a search of the message text shows what the owner's mail says, so the owner's log
    /// names the words and what they found — for SEARCH, SORT and THREAD alike; searches by
    /// flags, dates or headers (what a message list shows anyway) and the grantee's own mailbox
    /// leave no event.
    @Test func aGranteesTextSearchIsAuditedForTheOwner() async throws {
        let fixture = try await SharedFixture.start(sharing: .readOnly)
        let li = try await fixture.granteeClient()
        _ = try await li.run("SELECT \(Self.inbox)")
        #expect(try await li.run("UID SEARCH UNSEEN SUBJECT Budget").tagged.contains("OK"))
        #expect(try await fixture.granteeAudit().isEmpty)

        let found = try await li.run("UID SEARCH BODY tea")
        #expect(found.first == "* SEARCH 1 2", "\(found)")
        #expect(try await li.run("UID SEARCH CHARSET UTF-8 OR TEXT \"“coffee”\" BODY lunch").tagged.contains("OK"))
        #expect(try await li.run("UID SORT (SUBJECT) UTF-8 TEXT Tea").tagged.contains("OK"))
        let events = try await fixture.granteeAudit().reversed().map { $0 }
        #expect(events.map(\.method) == ["view", "view", "view"], "\(events)")
        // Written as the webmail writes its searches (ShareService), under the owner's folder name.
        #expect(events[0].detail == "li@example.com: searched “tea” in INBOX: 2 found")
        #expect(events.map(\.door) == ["imap", "imap", "imap"])
        // Several words, in code point order; curly quotes the client sent are made straight.
        #expect(events[1].detail == "li@example.com: searched “lunch”, “\"coffee\"” in INBOX: 0 found")
        #expect(events[2].detail == "li@example.com: searched “Tea” in INBOX: 2 found")

        _ = try await li.run("SELECT INBOX")
        _ = try await li.run("SEARCH BODY tea")
        #expect(try await fixture.granteeAudit().count == 3, "li's own mailbox is not audited")
        await li.close()
        try await fixture.server.stop()
    }

    // MARK: DELETE of a folder with children (issue 5)

    @Test func deleteRefusesAFolderWithChildren() async throws {
        let fixture = try await SharedFixture.start(sharing: nil)
        let li = try await fixture.granteeClient()
        #expect(try await li.run("CREATE Projects/2026").tagged.contains("OK"))
        let refused = try await li.run("DELETE Projects")
        #expect(refused.tagged.contains("NO [CANNOT] Mailbox has children, delete them first"), "\(refused)")
        #expect(try await li.run("LIST \"\" \"Projects*\"").count == 3, "both folders still there")
        #expect(try await li.run("DELETE Projects/2026").tagged.contains("OK"))
        #expect(try await li.run("DELETE Projects").tagged.contains("OK"))
        #expect(try await li.run("LIST \"\" \"Projects*\"").count == 1)
        await li.close()
        try await fixture.server.stop()
    }
}
