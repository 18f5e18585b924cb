/// Turns log values into field text that no input can use to forge a line or a field.
///
/// A value that holds a space, `"`, `=`, `\`, a control character or a non-printable
/// Unicode scalar is written in double quotes, with `\"`, `\\`, `\n`, `\r`, `\t`, and
/// `\xNN` for every other byte that needs escaping. Printable non-ASCII text stays as
/// UTF-8. Any value is cut at `maximumValueBytes` of output, ending in a marker.
enum LogValueEncoder {
    /// The most bytes one value takes, quotes not counted.
    static let maximumValueBytes = 512

    /// What a cut value ends with.
    static let truncationMarker = Array("...[truncated]".utf8)

    /// The text for a value before escaping: doubles with fixed decimals, everything
    /// else through `description`.
    static func text(of value: any CustomStringConvertible) -> String {
        switch value {
        case let number as Double:
            FixedDecimal(number).description
        case let number as Float:
            FixedDecimal(Double(number)).description
        default:
            value.description
        }
    }

    /// Appends `text` to `output`, escaped, quoted when needed and cut to `limit` bytes.
    static func appendEscaped(
        _ text: String,
        limit: Int = maximumValueBytes,
        to output: inout [UInt8]
    ) {
        // Most values (ids, numbers, names) are short printable ASCII with
        // nothing to escape: copied as they are, quoted if they hold a space
        // or `=`. Everything else takes the scalar-by-scalar path below.
        var text = text
        let copied = text.withUTF8 { utf8 -> Bool in
            guard !utf8.isEmpty, utf8.count <= limit else { return false }
            var needsQuotes = false
            for byte in utf8 {
                switch byte {
                case 0x20, 0x3D: needsQuotes = true
                case 0x22, 0x5C: return false
                case 0x21..<0x7F: continue
                default: return false
                }
            }
            if needsQuotes { output.append(UInt8(ascii: "\"")) }
            output.append(contentsOf: utf8)
            if needsQuotes { output.append(UInt8(ascii: "\"")) }
            return true
        }
        guard !copied else { return }

        var body: [UInt8] = []
        body.reserveCapacity(min(text.utf8.count, limit) + 2)
        var needsQuotes = text.isEmpty
        var cutIndex: Int?
        var isTruncated = false
        let limitBeforeMarker = limit - truncationMarker.count

        // Escape scalar by scalar, remembering the last point where the marker still
        // fits, so that a cut never splits an escape or a UTF-8 sequence.
        for scalar in text.unicodeScalars {
            let start = body.count
            if appendEscaped(scalar, to: &body) {
                needsQuotes = true
            }
            if cutIndex == nil, body.count > limitBeforeMarker {
                cutIndex = start
            }
            if body.count > limit {
                isTruncated = true
                break
            }
        }

        if isTruncated, let cutIndex {
            body.removeSubrange(cutIndex...)
            body += truncationMarker
        }

        if needsQuotes {
            output.append(UInt8(ascii: "\""))
            output += body
            output.append(UInt8(ascii: "\""))
        } else {
            output += body
        }
    }

    /// Appends one scalar, escaped as it must be inside quotes.
    ///
    /// - Returns: whether the scalar means the value must be quoted.
    private static func appendEscaped(_ scalar: Unicode.Scalar, to body: inout [UInt8]) -> Bool {
        switch scalar.value {
        case 0x22:
            body += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case 0x5C:
            body += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case 0x0A:
            body += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case 0x0D:
            body += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case 0x09:
            body += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case 0x20, 0x3D:
            body.append(UInt8(scalar.value))
        case 0x00..<0x20, 0x7F:
            appendHexEscape(UInt8(scalar.value), to: &body)
        case 0x21..<0x7F:
            body.append(UInt8(scalar.value))
            return false
        default:
            guard isPrintable(scalar) else {
                UTF8.encode(scalar) { appendHexEscape($0, to: &body) }
                return true
            }
            UTF8.encode(scalar) { body.append($0) }
            return false
        }
        return true
    }

    /// Whether a non-ASCII scalar can be shown as it is. Controls, format characters
    /// (such as bidirectional overrides), separators and unassigned code points are not.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator, .spaceSeparator:
            false
        default:
            true
        }
    }

    private static func appendHexEscape(_ byte: UInt8, to body: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        body += [
            UInt8(ascii: "\\"), UInt8(ascii: "x"),
            digits[Int(byte >> 4)], digits[Int(byte & 0x0F)],
        ]
    }
}

extension LogValueEncoder {
    /// `text` escaped as a log value would be and always in double quotes, for messages
    /// that quote what an operator wrote.
    static func quoted(_ text: String, limit: Int = 64) -> String {
        var output: [UInt8] = []
        appendEscaped(text, limit: limit, to: &output)

        // An unquoted result cannot start with a quote: a `"` in the text forces quotes.
        if output.first != UInt8(ascii: "\"") {
            output.insert(UInt8(ascii: "\""), at: 0)
            output.append(UInt8(ascii: "\""))
        }
        return String(decoding: output, as: UTF8.self)
    }
}
