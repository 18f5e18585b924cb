/// A parsed document as a flat list of nodes that point into the bytes it was read from.
///
/// ``StrictJSONParser`` checks a document into a tape first. ``JSONValue`` trees are built from
/// the tape on request, while the callback validator reads the tape directly: it looks keys up
/// by comparing bytes and makes strings only for the values it keeps, which is most of why a
/// callback validates in a couple of microseconds.
///
/// A tape refers to the caller's buffer and is used only while that buffer is alive; it never
/// leaves the call that parsed it.
struct JSONTape {
    enum Kind: UInt8 {
        case object, array, string, number, `true`, `false`, null
    }

    /// One value. Containers are followed by their contents: an object by key and value nodes
    /// in turn, an array by its elements.
    struct Node {
        var kind: Kind
        /// For a string, ``plainASCII`` or ``escaped``; for a number, ``NumberFlags``.
        var flags: UInt8
        /// A string's first byte after the quote (or, when escaped, the index of its decoded
        /// text); a number's first byte; a container's opening bracket.
        var start: Int
        /// The offset just past a string's or a number's last byte.
        var end: Int
        /// The index of the first node after this value and everything inside it.
        var next: Int
        /// The number of members of an object or elements of an array.
        var count: Int
    }

    /// A string of ASCII bytes without escapes, comparable byte for byte.
    static let plainASCII: UInt8 = 1
    /// A string with escapes, whose decoded text is kept in ``decodedStrings``.
    static let escaped: UInt8 = 2

    /// Flags of a number node.
    enum NumberFlags {
        static let isNegative: UInt8 = 1
        static let hasFraction: UInt8 = 2
        static let hasExponent: UInt8 = 4
    }

    let bytes: UnsafeRawBufferPointer
    var nodes: [Node] = []
    var decodedStrings: [String] = []

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A pretty-printed callback has a node for every 13 bytes or so; a dense document has
        // up to one for every 2 bytes, and the array grows for those.
        nodes.reserveCapacity(bytes.count / 8 + 16)
    }

    func kind(at index: Int) -> Kind {
        nodes[index].kind
    }

    /// The JSON type with its article, as ``JSONValue/typeDescription`` gives it.
    func typeDescription(at index: Int) -> String {
        switch nodes[index].kind {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true, .false: "a boolean"
        case .null: "null"
        }
    }

    /// The text of a string node.
    func string(at index: Int) -> String {
        let node = nodes[index]
        if node.flags & Self.escaped != 0 {
            return decodedStrings[node.start]
        }
        return String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[node.start..<node.end]), as: UTF8.self)
    }

    /// The number a number node holds.
    func number(at index: Int) -> JSONNumber {
        let node = nodes[index]
        let text = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[node.start..<node.end]), as: UTF8.self)
        return JSONNumber(
            validatedText: text, isNegative: node.flags & NumberFlags.isNegative != 0,
            hasFraction: node.flags & NumberFlags.hasFraction != 0,
            hasExponent: node.flags & NumberFlags.hasExponent != 0)
    }

    /// Whether the string node at `index` is exactly `name`.
    ///
    /// ASCII keys without escapes, which is every key of a real callback, are compared byte by
    /// byte; any other key is compared as a Swift string, as a ``JSONObject`` would.
    func string(at index: Int, equals name: StaticString) -> Bool {
        let node = nodes[index]
        guard node.flags & Self.plainASCII != 0 else {
            return string(at: index) == name.description
        }
        let expected = UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        return node.end - node.start == expected.count && bytes(from: node.start, equal: expected)
    }

    /// Whether the bytes at `start` begin with `expected`; the caller has checked the length.
    private func bytes(from start: Int, equal expected: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        // Keys are short: compare eight bytes at a time, then the rest one by one.
        while offset + 8 <= expected.count {
            let actual = bytes.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
            guard actual == expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else {
                return false
            }
            offset += 8
        }
        while offset < expected.count {
            guard bytes[start + offset] == expected[offset] else {
                return false
            }
            offset += 1
        }
        return true
    }

    /// Whether two string nodes hold the same text.
    func strings(at first: Int, and second: Int) -> Bool {
        let (left, right) = (nodes[first], nodes[second])
        guard left.flags & right.flags & Self.plainASCII != 0 else {
            return string(at: first) == string(at: second)
        }
        let other = UnsafeRawBufferPointer(rebasing: bytes[right.start..<right.end])
        return left.end - left.start == other.count && bytes(from: left.start, equal: other)
    }

    /// The value node of the member of the object at `object` whose key is `name`.
    func member(of object: Int, named name: StaticString) -> Int? {
        let length = name.utf8CodeUnitCount
        var key = object + 1
        for _ in 0..<nodes[object].count {
            // Most keys differ from the name in length, which settles it at once.
            let node = nodes[key]
            let isCandidate = node.flags & Self.plainASCII == 0 || node.end - node.start == length
            if isCandidate, string(at: key, equals: name) {
                return key + 1
            }
            key = nodes[key + 1].next
        }
        return nil
    }

    /// The node indices of the elements of the array at `array`.
    func elements(of array: Int) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(nodes[array].count)
        var element = array + 1
        for _ in 0..<nodes[array].count {
            indices.append(element)
            element = nodes[element].next
        }
        return indices
    }

    /// The value at `index` as a tree.
    func value(at index: Int) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .object:
            var object = JSONObject()
            var key = index + 1
            for _ in 0..<node.count {
                object.appendNew(key: string(at: key), value: value(at: key + 1))
                key = nodes[key + 1].next
            }
            return .object(object)
        case .array:
            return .array(elements(of: index).map { value(at: $0) })
        case .string:
            return .string(string(at: index))
        case .number:
            return .number(number(at: index))
        case .true:
            return .bool(true)
        case .false:
            return .bool(false)
        case .null:
            return .null
        }
    }
}
