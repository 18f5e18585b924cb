/// Text that is not a valid address, CIDR block or `host:port`, and why.
public struct AddressSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text that was rejected.
    public let input: String

    /// What is wrong, as a phrase that follows the quoted input, such as
    /// `"is missing a port"`.
    public let reason: String

    /// Creates an error for `input`.
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    /// The input, quoted and escaped, followed by the reason.
    public var description: String {
        "\(LogValueEncoder.quoted(input)) \(reason)"
    }
}
