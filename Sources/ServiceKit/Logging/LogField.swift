/// The name of a `key=value` field in a log line, declared once as a static constant.
///
/// Declare new names in an extension so that every line spells a field the same way:
///
/// ```swift
/// extension LogField {
///     public static let spoolFile = LogField("spool_file")
/// }
/// ```
///
/// Names are lower-case ASCII letters, digits and underscores. `msg` is reserved for the
/// message that starts every line.
public struct LogField: Hashable, Sendable, CustomStringConvertible {
    /// The name as it appears before the `=`.
    public let name: String

    /// Declares a field name.
    ///
    /// The name is a `StaticString`, so it is fixed when the program is compiled; a name
    /// outside `[a-z0-9_]+`, or `msg`, stops the program at its first use.
    public init(_ name: StaticString) {
        precondition(
            LogField.isValidName(name),
            "log field names are lower-case letters, digits and underscores, and not msg"
        )
        self.name = name.description
    }

    /// The field's name.
    public var description: String {
        name
    }

    private static func isValidName(_ name: StaticString) -> Bool {
        guard name.hasPointerRepresentation else {
            return false
        }

        return name.withUTF8Buffer { bytes in
            let allowed = bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_")
            }
            return allowed && !bytes.isEmpty && !bytes.elementsEqual("msg".utf8)
        }
    }
}
