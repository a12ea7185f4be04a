/// A command together with the tag the client chose for it.
public struct TaggedCommand: Sendable, Equatable {
    public var tag: String
    public var command: Command

    public init(tag: String, command: Command) {
        self.tag = tag
        self.command = command
    }
}
