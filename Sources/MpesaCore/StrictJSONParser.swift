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
        let node: Int
        let isObject: Bool
        /// Members or elements read so far.
        var count = 0
        /// The key node of the member whose value is being read.
        var pendingKey: Int?
        /// The keys so far, once the object is too large to compare them one by one.
        var keySet: Set<String>?
    }

    /// The deepest nesting any caller may ask for, as in Foundation's parsers.
    ///
    /// Parsing itself never recurses, but building, freeing, comparing and writing a `JSONValue`
    /// do, one stack frame or more per level: a bound keeps every value this parser returns
    /// safe to use on a thread with a small stack.
    public static let depthCeiling = 512

    // Internal rather than private so that the string reader, in its own file, can use them.
    var tape: JSONTape
    var position = 0
    var bytes: UnsafeRawBufferPointer {
        tape.bytes
    }
    private let maximumDepth: Int
    private var openContainers: [OpenContainer] = []

    private init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        tape = JSONTape(bytes: bytes)
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
        let tape = try tape(of: bytes, maximumDepth: maximumDepth)
        return tape.value(at: 0)
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

    /// Checks a document and returns its tape, whose first node is the top-level value.
    static func tape(
        of bytes: UnsafeRawBufferPointer, maximumDepth: Int
    ) throws(JSONSyntaxError) -> JSONTape {
        var parser = StrictJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        try parser.parseDocument()
        return parser.tape
    }

    private mutating func parseDocument() throws(JSONSyntaxError) {
        try checkEncoding()

        while true {
            skipWhitespace()
            guard try readValueOrOpenContainer() else {
                // A container was opened and its first member is next.
                continue
            }

            // A value is finished: read what follows it in each container it completes.
            var isInnermostFinished = true
            while isInnermostFinished, !openContainers.isEmpty {
                isInnermostFinished = try readSeparatorAfterValue()
            }

            if openContainers.isEmpty {
                skipWhitespace()
                guard position == bytes.count else {
                    throw failure(.trailingData, "only whitespace may follow the JSON value")
                }
                return
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
            throw failure(.notUTF8, "a UTF-16 or UTF-32 byte order mark", at: 0)
        }

        switch UTF8Validation.firstProblem(in: bytes, from: position) {
        case nil:
            return
        case .nulByte(let offset):
            throw failure(.notUTF8, "a NUL byte, as in UTF-16 or UTF-32 text", at: offset)
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
    /// - Returns: Whether a whole value was read; false when a container was opened and its
    ///   first member comes next.
    private mutating func readValueOrOpenContainer() throws(JSONSyntaxError) -> Bool {
        guard position < bytes.count else {
            throw failure(.unexpectedEnd, "the input ended where a value was expected")
        }

        switch bytes[position] {
        case UInt8(ascii: "{"):
            try openContainer(.object)
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                closeInnermostContainer()
                return true
            }
            try readKey()
            return false
        case UInt8(ascii: "["):
            try openContainer(.array)
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                closeInnermostContainer()
                return true
            }
            return false
        case UInt8(ascii: "\""):
            try readString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber()
        case UInt8(ascii: "t"):
            try readLiteral("true", kind: .true)
        case UInt8(ascii: "f"):
            try readLiteral("false", kind: .false)
        case UInt8(ascii: "n"):
            try readLiteral("null", kind: .null)
        case UInt8(ascii: "]") where openContainers.last.map { $0.count > 0 } == true:
            throw failure(.unexpectedCharacter, "a trailing comma before ']'")
        default:
            throw failure(.unexpectedCharacter, "a JSON value was expected")
        }
        return true
    }

    private mutating func openContainer(_ kind: JSONTape.Kind) throws(JSONSyntaxError) {
        guard openContainers.count < maximumDepth else {
            throw failure(.tooDeep, "objects and arrays are nested too deeply")
        }
        openContainers.append(OpenContainer(node: tape.nodes.count, isObject: kind == .object))
        appendNode(kind, start: position, end: position + 1)
        position += 1
    }

    /// Records the size of the innermost container, whose closing bracket was just read.
    private mutating func closeInnermostContainer() {
        let container = openContainers.removeLast()
        tape.nodes[container.node].next = tape.nodes.count
        tape.nodes[container.node].count = container.count
    }

    /// Reads the separator after a finished value in the innermost container.
    ///
    /// - Returns: Whether it was the container's closing bracket, which finishes the container;
    ///   false when another member or element follows.
    private mutating func readSeparatorAfterValue() throws(JSONSyntaxError) -> Bool {
        let innermost = openContainers.count - 1
        let isObject = openContainers[innermost].isObject
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")

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
        openContainers[innermost].count += 1

        guard separator == closing else {
            if isObject {
                skipWhitespace()
                try readKey()
            }
            return false
        }
        closeInnermostContainer()
        return true
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
        let key = tape.nodes.count
        try readString()
        openContainers[innermost].pendingKey = key
        guard isNewKey(key, in: innermost) else {
            throw failure(.duplicateKey, "an object repeats a key", at: keyOffset)
        }

        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure(.unexpectedCharacter, "':' was expected after an object key")
        }
        position += 1
    }

    /// Whether the object has no earlier key equal to the key node `key`.
    ///
    /// Real objects have two to six members, whose keys are compared one by one; past
    /// ``JSONObject/linearSearchLimit`` members a set of the keys is kept instead, so that a
    /// hostile object with thousands of keys still costs linear time.
    private mutating func isNewKey(_ key: Int, in container: Int) -> Bool {
        let object = openContainers[container]
        if object.keySet == nil, object.count < JSONObject.linearSearchLimit {
            var earlier = object.node + 1
            for _ in 0..<object.count {
                if tape.strings(at: earlier, and: key) {
                    return false
                }
                earlier = tape.nodes[earlier + 1].next
            }
            return true
        }

        if object.keySet == nil {
            var keys = Set<String>()
            var earlier = object.node + 1
            for _ in 0..<object.count {
                keys.insert(tape.string(at: earlier))
                earlier = tape.nodes[earlier + 1].next
            }
            openContainers[container].keySet = keys
        }
        return openContainers[container].keySet?.insert(tape.string(at: key)).inserted ?? true
    }

    private mutating func readNumber() throws(JSONSyntaxError) {
        switch JSONNumberGrammar.scan(bytes, from: position) {
        case .invalid(let offset, let message):
            throw failure(.invalidNumber, message, at: offset)
        case .valid(let end, let isNegative, let hasFraction, let hasExponent):
            var flags: UInt8 = 0
            flags |= isNegative ? JSONTape.NumberFlags.isNegative : 0
            flags |= hasFraction ? JSONTape.NumberFlags.hasFraction : 0
            flags |= hasExponent ? JSONTape.NumberFlags.hasExponent : 0
            appendNode(.number, flags: flags, start: position, end: end)
            position = end
        }
    }

    private mutating func readLiteral(
        _ literal: StaticString, kind: JSONTape.Kind
    ) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= bytes.count else {
            throw failure(.unexpectedEnd, "the input ended inside a literal")
        }
        for offset in 0..<length where bytes[position + offset] != literal.utf8Start[offset] {
            throw failure(
                .unexpectedCharacter, "a JSON value was expected", at: position + offset)
        }
        appendNode(kind, start: position, end: position + length)
        position += length
    }

    /// Appends a node; a container's `next` and `count` are filled in when it closes.
    mutating func appendNode(_ kind: JSONTape.Kind, flags: UInt8 = 0, start: Int, end: Int) {
        let next = tape.nodes.count + 1
        tape.nodes.append(
            JSONTape.Node(kind: kind, flags: flags, start: start, end: end, next: next, count: 0))
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
                components.append(.index(container.count))
            } else if let key = container.pendingKey {
                components.append(.key(tape.string(at: key)))
            }
        }
        return JSONSyntaxError(
            kind: kind, byteOffset: offset ?? position, message: message,
            path: JSONPath(components))
    }
}
