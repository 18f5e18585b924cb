/// Builds compact JSON text into a byte array, for HTTP answers and API pages.
///
/// Calls are made in document order; the writer puts the commas and colons in. It does not
/// check that the calls form a valid document (a key inside an array, an unclosed object):
/// that is the caller's job, and the tests of each caller check its output with
/// ``StrictJSONParser``.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.key("ResultCode")
/// writer.integer(0)
/// writer.key("ResultDesc")
/// writer.string("Accepted")
/// writer.endObject()
/// // writer.bytes holds {"ResultCode":0,"ResultDesc":"Accepted"}
/// ```
public struct JSONWriter: Sendable {
    /// The UTF-8 text written so far.
    public private(set) var bytes: [UInt8] = []

    /// Whether the next value or key needs a comma before it.
    private var needsComma = false

    /// Creates an empty writer.
    ///
    /// - Parameter capacity: Bytes to reserve up front, to avoid growing the array.
    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    public var text: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Writes one value as a whole document.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(value)
        return writer.bytes
    }

    /// Writes `{`; members follow as ``key(_:)`` and a value, then ``endObject()``.
    public mutating func beginObject() {
        startValue()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `[`; elements follow, then ``endArray()``.
    public mutating func beginArray() {
        startValue()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes a member's key and colon; the member's value comes next.
    public mutating func key(_ key: String) {
        startValue()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value, escaped.
    public mutating func string(_ value: String) {
        startValue()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes a number as its literal text.
    public mutating func number(_ value: JSONNumber) {
        startValue()
        bytes.append(contentsOf: value.text.utf8)
        needsComma = true
    }

    /// Writes an integer in decimal.
    public mutating func integer(_ value: some BinaryInteger) {
        startValue()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        startValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        startValue()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes a whole value; object members are written in the object's order.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        case .array(let elements):
            beginArray()
            for element in elements {
                self.value(element)
            }
            endArray()
        case .string(let text):
            string(text)
        case .number(let number):
            self.number(number)
        case .bool(let flag):
            bool(flag)
        case .null:
            null()
        }
    }

    private mutating func startValue() {
        if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
    }

    /// Appends `text` in double quotes, escaping what JSON requires plus U+2028 and U+2029,
    /// which JavaScript once refused in string literals.
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                let escaped: UInt16
                let length: Int
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    (escaped, length) = (UInt16(byte), 1)
                } else if byte == 0xE2, index + 2 < utf8.count, utf8[index + 1] == 0x80,
                    utf8[index + 2] & 0xFE == 0xA8
                {
                    // E2 80 A8 and E2 80 A9 are U+2028 and U+2029.
                    (escaped, length) = (0x2000 | UInt16(utf8[index + 2] - 0x80), 3)
                } else {
                    index += 1
                    continue
                }
                // Copy the plain run before the escape in one go.
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(of: escaped)
                index += length
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the escape for a UTF-16 code unit: a short form where JSON has one, else `\uXXXX`.
    private mutating func appendEscape(of unit: UInt16) {
        let shortForm: UInt8? =
            switch unit {
            case 0x22: UInt8(ascii: "\"")
            case 0x5C: UInt8(ascii: "\\")
            case 0x08: UInt8(ascii: "b")
            case 0x0C: UInt8(ascii: "f")
            case 0x0A: UInt8(ascii: "n")
            case 0x0D: UInt8(ascii: "r")
            case 0x09: UInt8(ascii: "t")
            default: nil
            }
        bytes.append(UInt8(ascii: "\\"))
        if let shortForm {
            bytes.append(shortForm)
            return
        }
        bytes.append(UInt8(ascii: "u"))
        for shift: UInt16 in [12, 8, 4, 0] {
            let nibble = UInt8(unit >> shift & 0xF)
            bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
        }
    }
}
