/// The members of a JSON object, in the order they were read or added.
///
/// A JSON object read by ``StrictJSONParser`` never has two members with the same key: the
/// parser rejects such a document instead of choosing one. Keys are compared as Swift strings,
/// so two keys that differ only in Unicode normalization (`é` written precomposed or as `e`
/// and a combining accent) are the same key: they look the same to every reader. Two objects
/// are equal when they have the same members, whatever their order.
///
/// Objects in real bodies have two to six members, where comparing keys one by one is much
/// cheaper than hashing them, so members are kept in a plain array. Past ``linearSearchLimit``
/// members a hash index is built as well, so that a hostile body with thousands of keys in one
/// object still costs linear time.
public struct JSONObject: Sendable, Hashable {
    /// One key and its value.
    public struct Member: Sendable, Hashable {
        /// The key, unescaped.
        public let key: String
        /// The value.
        public var value: JSONValue
    }

    /// The most members searched one by one before a hash index is kept.
    static let linearSearchLimit = 12

    /// The members, in order.
    public private(set) var members: [Member] = []
    private var positionByKey: [String: Int]?

    /// Creates an empty object.
    public init() {}

    /// Creates an object with the given members, in sorted key order so that the same
    /// dictionary always writes the same text.
    public init(_ members: [String: JSONValue]) {
        for key in members.keys.sorted() {
            if let value = members[key] {
                appendNew(key: key, value: value)
            }
        }
    }

    /// The number of members.
    public var count: Int {
        members.count
    }

    /// Whether the object has no members.
    public var isEmpty: Bool {
        members.isEmpty
    }

    /// The keys, in order.
    public var keys: [String] {
        members.map(\.key)
    }

    /// The value of the member named `key`, or nil when there is none. Setting a new key adds
    /// it at the end; setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else {
                return nil
            }
            return members[position].value
        }
        set {
            switch (position(of: key), newValue) {
            case (let position?, let newValue?):
                members[position].value = newValue
            case (nil, let newValue?):
                appendNew(key: key, value: newValue)
            case (let position?, nil):
                members.remove(at: position)
                if positionByKey != nil {
                    rebuildIndex()
                }
            case (nil, nil):
                break
            }
        }
    }

    /// Adds a member whose key the object does not have yet; the caller has checked that.
    mutating func appendNew(key: String, value: JSONValue) {
        if members.isEmpty {
            // One allocation for the common sizes instead of growing 1, 2, 4, 8.
            members.reserveCapacity(8)
        }
        members.append(Member(key: key, value: value))
        if positionByKey != nil {
            positionByKey?[key] = members.count - 1
        } else if members.count > Self.linearSearchLimit {
            rebuildIndex()
        }
    }

    private func position(of key: String) -> Int? {
        if let positionByKey {
            return positionByKey[key]
        }
        return members.firstIndex { $0.key == key }
    }

    private mutating func rebuildIndex() {
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count * 2)
        for (position, member) in members.enumerated() {
            index[member.key] = position
        }
        positionByKey = index
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else {
            return false
        }
        return lhs.members.allSatisfy { member in
            rhs[member.key] == member.value
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Members are combined in an order-independent way, to agree with ==.
        var combined = 0
        for member in members {
            combined ^= member.hashValue
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object from a literal, keeping its order; a repeated key keeps the last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements {
            self[key] = value
        }
    }
}
