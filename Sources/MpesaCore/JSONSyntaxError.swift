/// Why ``StrictJSONParser`` refused a document, and where.
///
/// The ``message`` is fixed text chosen by the parser; it never repeats bytes of the input, so
/// the error is safe to log. The ``path`` holds keys from the input: render it with
/// ``JSONPath/rendered(showingKey:)``.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem, stable enough to branch on or count.
    public enum Kind: String, Sendable {
        /// The bytes are not UTF-8: an invalid sequence, a NUL byte or a UTF-16/32 byte order mark.
        case notUTF8 = "not_utf8"
        /// The input ended inside a value, or held no value at all.
        case unexpectedEnd = "unexpected_end"
        /// A byte that cannot start or continue the JSON text at that point.
        case unexpectedCharacter = "unexpected_character"
        /// A number that breaks the RFC 8259 grammar (leading zero, lone minus sign, ...).
        case invalidNumber = "invalid_number"
        /// A raw control character (U+0000 to U+001F) inside a string.
        case controlCharacterInString = "control_character_in_string"
        /// A backslash escape that JSON does not define, or a malformed `\u` escape.
        case invalidEscape = "invalid_escape"
        /// A `\u` escape for half of a surrogate pair without its other half.
        case loneSurrogate = "lone_surrogate"
        /// An object that repeats a key, compared after unescaping.
        case duplicateKey = "duplicate_key"
        /// Objects and arrays nested deeper than the caller allowed.
        case tooDeep = "too_deep"
        /// Bytes other than whitespace after the one JSON value.
        case trailingData = "trailing_data"
    }

    /// The class of problem.
    public var kind: Kind

    /// The offset, from the first byte of the input, of the byte where the problem was found.
    public var byteOffset: Int

    /// What is wrong, in words for a person; never contains input bytes.
    public var message: String

    /// The value being read when the problem was found. For ``Kind/duplicateKey`` the last
    /// component is the repeated key.
    public var path: JSONPath

    /// Creates an error.
    public init(kind: Kind, byteOffset: Int, message: String, path: JSONPath = JSONPath()) {
        self.kind = kind
        self.byteOffset = byteOffset
        self.message = message
        self.path = path
    }

    /// The message and the byte offset; the path is left out because it holds input keys.
    public var description: String {
        "\(message) at byte \(byteOffset)"
    }
}
