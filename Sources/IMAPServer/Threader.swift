import Foundation
import IMAPCodec

/// The threading algorithms of RFC 5256 §3 over the messages a THREAD command matched.
///
/// The tree is kept in arrays of node indices and every walk uses a stack of its own, so a
/// conversation nested thousands deep (a hostile `References:` chain) costs no recursion.
enum Threader {
    static func threads(_ messages: [ThreadMessage], algorithm: ThreadAlgorithm) -> ThreadList {
        switch algorithm {
        case .orderedSubject: return orderedSubject(messages)
        case .references: return references(messages)
        }
    }

    /// Messages sorted by base subject, then sent date; each run of one subject is a thread
    /// whose first message is the parent of all the others; threads in the sent-date order of
    /// their first messages.
    static func orderedSubject(_ messages: [ThreadMessage]) -> ThreadList {
        let sorted = messages.sorted { a, b in
            a.subject != b.subject ? a.subject < b.subject : precedes(a, b)
        }
        var groups: [ArraySlice<ThreadMessage>] = []
        var start = 0
        for i in sorted.indices where i == sorted.count - 1 || sorted[i + 1].subject != sorted[i].subject {
            groups.append(sorted[start...i])
            start = i + 1
        }
        groups.sort { precedes($0.first!, $1.first!) }
        var list = ThreadList()
        for group in groups {
            list.tokens += [.open, .message(group.first!.number)]
            let children = group.dropFirst()
            if children.count == 1 {
                list.tokens.append(.message(children.first!.number))
            } else {
                for child in children { list.tokens += [.open, .message(child.number), .close] }
            }
            list.tokens.append(.close)
        }
        return list
    }

    /// REFERENCES: the conversations rebuilt from each message's references, dummy nodes for
    /// the ancestors not among the matches pruned, then threads with the same base subject
    /// joined, and every set of siblings in sent-date order (RFC 5256 §3, steps 1 to 6).
    static func references(_ messages: [ThreadMessage]) -> ThreadList {
        var tree = Tree(messages)
        tree.link()
        var roots = tree.pruneDummies(roots: tree.nodes.indices.filter { tree.nodes[$0].parent == nil })
        tree.sortChildren(below: roots)
        roots.sort { tree.precedes($0, $1) }
        roots = tree.gatherBySubject(roots)
        tree.sortChildren(below: roots)
        roots.sort { tree.precedes($0, $1) }
        return tree.list(roots)
    }

    /// Sent date, then mailbox order (RFC 5256 §2.2).
    static func precedes(_ a: ThreadMessage, _ b: ThreadMessage) -> Bool {
        a.sentDate != b.sentDate ? a.sentDate < b.sentDate : a.sequence < b.sequence
    }

    /// The conversation tree of REFERENCES: a node per matching message and one per Message-ID
    /// referred to but not among them (a dummy).
    struct Tree {
        struct Node {
            /// Index into `messages`; nil for a dummy.
            var message: Int?
            var parent: Int?
            var children: [Int] = []
        }

        let messages: [ThreadMessage]
        var nodes: [Node] = []
        /// Message-ID → node, for linking only (RFC 5256 step 1).
        private var byID: [String: Int] = [:]

        init(_ messages: [ThreadMessage]) {
            self.messages = messages
        }

        /// Step 1: each message's node, its references linked parent to child in order where
        /// none has a parent yet, and the message under its last reference (NIL: none).
        mutating func link() {
            for index in messages.indices {
                let message = messages[index]
                let node: Int
                if let id = message.messageID, let existing = byID[id], nodes[existing].message == nil {
                    node = existing
                    nodes[node].message = index
                } else {
                    // A message without a Message-ID, or a second one with the same: its own node.
                    node = nodes.count
                    nodes.append(Node(message: index))
                    if let id = message.messageID, byID[id] == nil { byID[id] = node }
                }
                let references = message.references.map { self.node(for: $0) }
                for (parent, child) in zip(references, references.dropFirst())
                    where nodes[child].parent == nil && mayLink(parent, child) {
                    attach(child, to: parent)
                }
                detach(node)
                if let last = references.last, mayLink(last, node) { attach(node, to: last) }
            }
        }

        private mutating func node(for id: String) -> Int {
            if let existing = byID[id] { return existing }
            nodes.append(Node(message: nil))
            byID[id] = nodes.count - 1
            return nodes.count - 1
        }

        /// Whether `child` may be put under `parent` without making a loop: not itself, and
        /// `parent` not among its descendants.
        private func mayLink(_ parent: Int, _ child: Int) -> Bool {
            guard parent != child else { return false }
            if nodes[child].children.isEmpty { return true }
            var up = nodes[parent].parent
            while let ancestor = up {
                if ancestor == child { return false }
                up = nodes[ancestor].parent
            }
            return true
        }

        private mutating func attach(_ child: Int, to parent: Int) {
            nodes[child].parent = parent
            nodes[parent].children.append(child)
        }

        private mutating func detach(_ child: Int) {
            guard let parent = nodes[child].parent else { return }
            nodes[parent].children.removeAll { $0 == child }
            nodes[child].parent = nil
        }

        /// `roots` and every node below them, each after all of its descendants.
        private func descendantsBottomUp(_ roots: [Int]) -> [Int] {
            var preorder: [Int] = []
            var stack = roots
            while let node = stack.popLast() {
                preorder.append(node)
                stack += nodes[node].children
            }
            return preorder.reversed()
        }

        /// Step 3: a dummy without children goes; one with children gives them its place — at
        /// the top only when it has just one. Answers the new top level.
        mutating func pruneDummies(roots: [Int]) -> [Int] {
            for node in descendantsBottomUp(roots) {
                nodes[node].children = pruned(nodes[node].children, under: node, top: false)
            }
            return pruned(roots, under: nil, top: true)
        }

        private mutating func pruned(_ siblings: [Int], under parent: Int?, top: Bool) -> [Int] {
            var kept: [Int] = []
            for node in siblings {
                guard nodes[node].message == nil else {
                    kept.append(node)
                    continue
                }
                let children = nodes[node].children
                if children.isEmpty { continue }
                if top && children.count > 1 {
                    kept.append(node)
                } else {
                    // Promoted children were pruned already (bottom-up): none is a dummy.
                    for child in children { nodes[child].parent = parent }
                    nodes[node].children = []
                    kept += children
                }
            }
            return kept
        }

        /// Steps 4 and 6: every set of siblings below `roots` in sent-date order, deepest
        /// first, so that a dummy is ordered by its first child.
        mutating func sortChildren(below roots: [Int]) {
            for node in descendantsBottomUp(roots) where nodes[node].children.count > 1 {
                let sorted = nodes[node].children.sorted { precedes($0, $1) }
                nodes[node].children = sorted
            }
        }

        /// The message a node is ordered and named by: its own, or a dummy's first child's.
        private func representative(_ node: Int) -> ThreadMessage? {
            if let message = nodes[node].message { return messages[message] }
            return nodes[node].children.first.flatMap { nodes[$0].message }.map { messages[$0] }
        }

        func precedes(_ a: Int, _ b: Int) -> Bool {
            guard let x = representative(a), let y = representative(b) else { return a < b }
            return Threader.precedes(x, y)
        }

        private func isDummy(_ node: Int) -> Bool { nodes[node].message == nil }

        /// Step 5: top-level threads with the same base subject joined — under the dummy or
        /// the original message of that subject, or both under a new dummy.
        mutating func gatherBySubject(_ roots: [Int]) -> [Int] {
            func subject(_ node: Int) -> String { representative(node)?.subject ?? "" }
            func isReply(_ node: Int) -> Bool { representative(node)?.isReplyOrForward ?? false }
            var table: [String: Int] = [:]
            for root in roots {
                let key = subject(root)
                guard !key.isEmpty else { continue }
                guard let current = table[key] else {
                    table[key] = root
                    continue
                }
                if !isDummy(current), isDummy(root) || (isReply(current) && !isReply(root)) { table[key] = root }
            }
            var onTop = Set(roots)
            for root in roots where onTop.contains(root) {
                let key = subject(root)
                guard !key.isEmpty, let current = table[key], current != root else { continue }
                onTop.remove(root)
                switch (isDummy(current), isDummy(root)) {
                case (true, true):
                    for child in nodes[root].children { attach(child, to: current) }
                    nodes[root].children = []
                case (true, false):
                    attach(root, to: current)
                case (false, true):
                    // Not reached (a dummy would be the table's), but keeps dummies on top.
                    onTop.remove(current)
                    onTop.insert(root)
                    attach(current, to: root)
                    table[key] = root
                case (false, false) where isReply(root) && !isReply(current):
                    attach(root, to: current)
                case (false, false):
                    nodes.append(Node(message: nil))
                    let dummy = nodes.count - 1
                    onTop.remove(current)
                    onTop.insert(dummy)
                    attach(current, to: dummy)
                    attach(root, to: dummy)
                    table[key] = dummy
                }
            }
            return Array(onTop)
        }

        /// The response: each thread as `(n n (n)(n))`, a dummy at the top as its children's lists.
        func list(_ roots: [Int]) -> ThreadList {
            enum Step { case node(Int), token(ThreadList.Token) }
            var list = ThreadList()
            var stack: [Step] = []
            for root in roots.reversed() { stack += [.token(.close), .node(root), .token(.open)] }
            while let step = stack.popLast() {
                switch step {
                case .token(let token):
                    list.tokens.append(token)
                case .node(let node):
                    if let message = nodes[node].message { list.tokens.append(.message(messages[message].number)) }
                    let children = nodes[node].children
                    if children.count == 1 {
                        stack.append(.node(children[0]))
                    } else {
                        for child in children.reversed() { stack += [.token(.close), .node(child), .token(.open)] }
                    }
                }
            }
            return list
        }
    }
}
