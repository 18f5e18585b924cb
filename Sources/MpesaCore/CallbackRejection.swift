/// Why a callback body was refused.
///
/// The reason names the first rule the body broke and where (`Body.stkCallback.ResultCode`),
/// with the JSON type expected and found. It never repeats values from the body, which may hold
/// phone numbers or text chosen by an attacker, so it is safe to log and to store.
public struct CallbackRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem; few enough values to use as a metrics label.
    public enum Kind: String, Sendable, CaseIterable {
        case emptyBody = "empty_body"
        case notUTF8 = "not_utf8"
        case invalidJSON = "invalid_json"
        case duplicateKey = "duplicate_key"
        case tooDeep = "too_deep"
        case tooLarge = "too_large"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
        /// Valid by every rule, but refused by the database when stored as a
        /// callback (a constraint no rule foresaw); kept as a rejected body
        /// so that a person can look at it.
        case notStorable = "not_storable"
    }

    /// The class of problem.
    public var kind: Kind

    /// What is wrong, for a person, such as
    /// `Body.stkCallback.ResultCode: expected an integer, got a string`.
    public var reason: String

    /// Creates a rejection.
    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// The kind and the reason, for example `missing_field: Body: required but missing`.
    public var description: String {
        "\(kind.rawValue): \(reason)"
    }
}
