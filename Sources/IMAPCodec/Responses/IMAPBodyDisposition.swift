/// `body-fld-dsp = "(" string SP body-fld-param ")" / nil`
public struct IMAPBodyDisposition: Sendable, Hashable {
    public var type: String
    public var parameters: [IMAPBodyParameter]
    public init(type: String, parameters: [IMAPBodyParameter] = []) {
        self.type = type
        self.parameters = parameters
    }
}
