/// A Kenyan mobile number written the way Daraja wants it: twelve digits,
/// `2547…` or `2541…`.
///
/// People write the same number as `0708 374 149`, `+254708374149`,
/// `254708374149` or `708374149`; all of them name one subscriber, and all
/// of them are normalised to `254708374149` here, before anything is sent.
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// The twelve digits, such as `254708374149`.
    public let digits: String

    /// What a refused number is told, without quoting it: a phone number
    /// is personal data and stays out of messages.
    public static let expectedForms =
        "a Kenyan mobile number: 07XXXXXXXX, 01XXXXXXXX, +2547XXXXXXXX, 2547XXXXXXXX or 7XXXXXXXX"

    /// Reads a number in any of the usual forms.
    ///
    /// Spaces and hyphens between digits are ignored. The subscriber part
    /// must be nine digits starting with 7 or 1 (Safaricom's mobile ranges).
    ///
    /// - Returns: nil for anything else, such as a landline, a foreign
    ///   number, too few or too many digits, or letters.
    public init?(normalizing text: String) {
        var compact = text.filter { $0 != " " && $0 != "-" }
        if compact.hasPrefix("+") {
            // Only the country code may follow a plus sign.
            guard compact.hasPrefix("+254") else { return nil }
            compact.removeFirst()
        }
        guard !compact.isEmpty, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }

        let subscriber: Substring
        switch compact.count {
        case 12 where compact.hasPrefix("254"): subscriber = compact.dropFirst(3)
        case 10 where compact.hasPrefix("0"): subscriber = compact.dropFirst(1)
        case 9: subscriber = compact[...]
        default: return nil
        }
        guard subscriber.first == "7" || subscriber.first == "1" else { return nil }
        digits = "254" + subscriber
    }

    /// The twelve digits.
    public var description: String {
        digits
    }
}
