/// One thing wrong with the configuration: which variable, and what is wrong with it.
///
/// The message never holds a secret's value. For other variables it may quote the
/// value, escaped and shortened, so an operator can see the mistake.
public struct ConfigurationProblem: Equatable, Sendable, CustomStringConvertible {
    /// The environment variable or credential name, such as `MPESA_LISTEN`.
    public let variable: String

    /// What is wrong, such as `"abc" is not an integer`.
    public let message: String

    /// Creates a problem for `variable`.
    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }

    /// `VARIABLE: message`.
    public var description: String {
        "\(variable): \(message)"
    }
}
