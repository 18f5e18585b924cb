/// A strict RFC 8259 JSON parser that reads bytes directly.
///
/// It accepts exactly one JSON value surrounded by optional whitespace, after at most one
/// UTF-8 byte order mark, and refuses everything that lenient parsers let through: trailing
/// commas, comments, single quotes, `NaN` and `Infinity`, leading zeros and plus signs, raw
/// control characters in strings, unknown escapes, lone surrogates, ill-formed UTF-8, UTF-16 or
/// UTF-32 input, repeated keys and trailing bytes.
///
/// Nesting is tracked on an explicit stack, never by recursion, and the parser stops as soon as
/// it would open a container deeper than the limit, so no input can exhaust the thread's stack.
public struct StrictJSONParser {
    /// A container whose closing bracket has not been read yet.
    private struct OpenContainer {
        let isObject: Bool
        var members = JSONObject()
        var elements: [JSONValue] = []
        /// The key of the member whose value is being read, once it has been read.
        var pendingKey: String?
    }

    // Internal rather than private so that the string reader, in its own file, can use them.
    let bytes: UnsafeRawBufferPointer
    var position = 0
    private let maximumDepth: Int
    private var openContainers: [OpenContainer] = []

    /// The deepest nesting any caller may ask for, as in Foundation's parsers.
    ///
    /// Parsing itself never recurses, but freeing, comparing and writing a `JSONValue` do, one
    /// stack frame or more per level: a bound keeps every value this parser returns safe to use
    /// on a thread with a small stack.
    public static let depthCeiling = 512

    private init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = min(maximumDepth, Self.depthCeiling)
        openContainers.reserveCapacity(max(0, min(maximumDepth, 16)))
    }

    /// Parses one JSON document.
    ///
    /// - Parameters:
    ///   - bytes: The whole document. It is read in place and not retained.
    ///   - maximumDepth: How many objects and arrays may be nested; the top-level container
    ///     is depth 1, so 1 allows `{"a":1}` but not `{"a":[]}`. Values above
    ///     ``depthCeiling`` count as ``depthCeiling``.
    /// - Throws: ``JSONSyntaxError`` for the first problem in the input.
    /// - Returns: The value the document holds.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int
    ) throws(JSONSyntaxError) -> JSONValue {
        var parser = StrictJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        return try parser.parseDocument()
    }

    /// Parses one JSON document held in an array of bytes.
    public static func parse(
        _ bytes: [UInt8], maximumDepth: Int
    ) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in
                try parse(buffer, maximumDepth: maximumDepth)
            }
        }
        return try result.get()
    }

    /// Parses one JSON document held in a string (its UTF-8 form).
    public static func parse(
        _ text: String, maximumDepth: Int
    ) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) in
                try parse(UnsafeRawBufferPointer(buffer), maximumDepth: maximumDepth)
            }
        }
        return try result.get()
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        try checkEncoding()

        while true {
            skipWhitespace()
            guard var value = try readValueOrOpenContainer() else {
                // A container was opened and its first member is next.
                continue
            }

            // Hand the finished value to the innermost container; every container that closes
            // right after it is itself a finished value for the one around it.
            while !openContainers.isEmpty {
                guard let closed = try storeInInnermostContainer(value) else {
                    break
                }
                value = closed
            }

            if openContainers.isEmpty {
                skipWhitespace()
                guard position == bytes.count else {
                    throw failure(
                        .trailingData, "only whitespace may follow the JSON value")
                }
                return value
            }
        }
    }

    /// Skips one UTF-8 byte order mark, then checks that all the bytes are UTF-8.
    private mutating func checkEncoding() throws(JSONSyntaxError) {
        if startsWith([0xEF, 0xBB, 0xBF]) {
            position = 3
        } else if startsWith([0xFE, 0xFF]) || startsWith([0xFF, 0xFE])
            || startsWith([0x00, 0x00, 0xFE, 0xFF])
        {
            throw failure(
                .notUTF8, "a UTF-16 or UTF-32 byte order mark", at: 0)
        }

        switch UTF8Validation.firstProblem(in: bytes, from: position) {
        case nil:
            return
        case .nulByte(let offset):
            throw failure(
                .notUTF8, "a NUL byte, as in UTF-16 or UTF-32 text", at: offset)
        case .invalidSequence(let offset):
            throw failure(.notUTF8, "an invalid byte sequence", at: offset)
        }
    }

    private func startsWith(_ prefix: [UInt8]) -> Bool {
        guard bytes.count >= prefix.count else {
            return false
        }
        return prefix.indices.allSatisfy { bytes[$0] == prefix[$0] }
    }

    /// Reads a scalar or an empty container, or opens a container that has members.
    ///
    /// - Returns: The value, or nil when a container was opened and its first member comes next.
    private mutating func readValueOrOpenContainer() throws(JSONSyntaxError) -> JSONValue? {
        guard position < bytes.count else {
            throw failure(.unexpectedEnd, "the input ended where a value was expected")
        }

        switch bytes[position] {
        case UInt8(ascii: "{"):
            try openContainer(isObject: true)
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                openContainers.removeLast()
                return .object(JSONObject())
            }
            try readKey()
            return nil
        case UInt8(ascii: "["):
            try openContainer(isObject: false)
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                openContainers.removeLast()
                return .array([])
            }
            return nil
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try readNumber())
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case UInt8(ascii: "]") where openContainers.last?.elements.isEmpty == false:
            throw failure(.unexpectedCharacter, "a trailing comma before ']'")
        default:
            throw failure(.unexpectedCharacter, "a JSON value was expected")
        }
    }

    private mutating func openContainer(isObject: Bool) throws(JSONSyntaxError) {
        guard openContainers.count < maximumDepth else {
            throw failure(.tooDeep, "objects and arrays are nested too deeply")
        }
        openContainers.append(OpenContainer(isObject: isObject))
        position += 1
    }

    /// Reads the separator after a finished value and stores the value in the innermost
    /// container.
    ///
    /// - Returns: The container, now finished, when its closing bracket followed; nil when
    ///   another member or element follows.
    private mutating func storeInInnermostContainer(
        _ value: JSONValue
    ) throws(JSONSyntaxError) -> JSONValue? {
        let innermost = openContainers.count - 1
        let isObject = openContainers[innermost].isObject
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")

        // The separator is checked before the value is stored, so that an error here still
        // points at the member just read.
        skipWhitespace()
        guard position < bytes.count else {
            throw failure(
                .unexpectedEnd,
                isObject ? "the input ended inside an object" : "the input ended inside an array")
        }
        let separator = bytes[position]
        guard separator == UInt8(ascii: ",") || separator == closing else {
            throw failure(
                .unexpectedCharacter,
                isObject
                    ? "',' or '}' was expected after an object member"
                    : "',' or ']' was expected after an array element")
        }
        position += 1

        if isObject {
            // The key moves into the object; the next member's key replaces it anyway.
            let key = openContainers[innermost].pendingKey.take() ?? ""
            openContainers[innermost].members.appendNew(key: key, value: value)
        } else {
            if openContainers[innermost].elements.isEmpty {
                openContainers[innermost].elements.reserveCapacity(4)
            }
            openContainers[innermost].elements.append(value)
        }

        guard separator == closing else {
            if isObject {
                skipWhitespace()
                try readKey()
            }
            return nil
        }
        let finished = openContainers.removeLast()
        return isObject ? .object(finished.members) : .array(finished.elements)
    }

    /// Reads a member's key and the colon after it, refusing a key the object already has.
    private mutating func readKey() throws(JSONSyntaxError) {
        let innermost = openContainers.count - 1
        openContainers[innermost].pendingKey = nil
        guard position < bytes.count else {
            throw failure(.unexpectedEnd, "the input ended where an object key was expected")
        }
        guard bytes[position] == UInt8(ascii: "\"") else {
            // An object's first key is read only when the object is not empty, so a closing
            // brace here follows a comma.
            throw failure(
                .unexpectedCharacter,
                bytes[position] == UInt8(ascii: "}")
                    ? "a trailing comma before '}'" : "an object key in double quotes was expected")
        }

        let keyOffset = position
        let key = try readString()
        openContainers[innermost].pendingKey = key
        guard !openContainers[innermost].members.contains(key) else {
            throw failure(.duplicateKey, "an object repeats a key", at: keyOffset)
        }

        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure(.unexpectedCharacter, "':' was expected after an object key")
        }
        position += 1
    }

    private mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        switch JSONNumberGrammar.scan(bytes, from: position) {
        case .invalid(let offset, let message):
            throw failure(.invalidNumber, message, at: offset)
        case .valid(let end, let isNegative, let hasFraction, let hasExponent):
            let text = String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
            position = end
            return JSONNumber(
                validatedText: text, isNegative: isNegative, hasFraction: hasFraction,
                hasExponent: hasExponent)
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= bytes.count else {
            throw failure(.unexpectedEnd, "the input ended inside a literal")
        }
        for offset in 0..<length where bytes[position + offset] != literal.utf8Start[offset] {
            throw failure(
                .unexpectedCharacter, "a JSON value was expected", at: position + offset)
        }
        position += length
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                position += 1
            default:
                return
            }
        }
    }

    /// An error at `offset` (the current position by default), with the path being read.
    func failure(
        _ kind: JSONSyntaxError.Kind, _ message: String, at offset: Int? = nil
    ) -> JSONSyntaxError {
        var components: [JSONPath.Component] = []
        for container in openContainers {
            if !container.isObject {
                components.append(.index(container.elements.count))
            } else if let key = container.pendingKey {
                components.append(.key(key))
            }
        }
        return JSONSyntaxError(
            kind: kind, byteOffset: offset ?? position, message: message,
            path: JSONPath(components))
    }
}
