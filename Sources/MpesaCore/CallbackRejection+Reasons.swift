// The three shapes of structural reason, so that every one reads "<path>: <what is wrong>".
// Paths and expectations are written by the validator; only JSON type names describe what
// the body held.
extension CallbackRejection {
    /// A required field is absent.
    static func missing(_ path: String, _ note: String = "required but missing") -> Self {
        CallbackRejection(kind: .missingField, reason: "\(path): \(note)")
    }

    /// A field holds the wrong JSON type; `found` is a type description such as "a string".
    static func wrongType(_ path: String, expected: String, found: String) -> Self {
        CallbackRejection(kind: .wrongType, reason: "\(path): expected \(expected), got \(found)")
    }

    /// A field has the right type but a value the rules refuse.
    static func invalid(_ path: String, _ problem: String) -> Self {
        CallbackRejection(kind: .invalidValue, reason: "\(path): \(problem)")
    }
}
