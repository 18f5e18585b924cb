/// The outcome Safaricom reports in a callback's `ResultCode`.
///
/// Safaricom sends an integer, except for a few documented codes such as `SFC_IC0003` that can
/// only be strings. Only the integer 0 means the customer paid.
public enum ResultCode: Sendable, Hashable, CustomStringConvertible {
    /// A code written as a JSON integer, from 0 to `Int32.max`.
    case number(Int32)

    /// A code written as a string that is not a number, such as `SFC_IC0003`; always a failure.
    case text(String)

    /// Whether the payment went through: true only for the integer 0.
    public var isSuccess: Bool {
        self == .number(0)
    }

    /// The code as stored in the database: `0`, `1032`, `SFC_IC0003`.
    public var text: String {
        switch self {
        case .number(let number): String(number)
        case .text(let text): text
        }
    }

    /// The same as ``text``.
    public var description: String {
        text
    }
}
