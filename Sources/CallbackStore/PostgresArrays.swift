import PostgresClient

/// Array parameters in PostgreSQL's binary format, which carry a whole
/// batch's column in one parameter with no quoting, escaping or number
/// formatting on either side.
///
/// The format of a one-dimensional array: the number of dimensions, a flag
/// for NULL elements, the element type's OID, the length and lower bound of
/// the dimension, then each element as a 4-byte length (-1 for NULL) and its
/// bytes; every integer big-endian.
struct PostgresArrays {
    /// Element types by their OID in `pg_type`.
    enum ElementType: Int32 {
        case bytea = 17
        case int8 = 20
        case text = 25
        case uuid = 2950
    }

    private var bytes: [UInt8] = []
    private var count: Int32 = 0
    private var hasNull = false
    private let elementType: ElementType

    private init(_ elementType: ElementType, capacity: Int) {
        self.elementType = elementType
        bytes.reserveCapacity(20 + capacity)
        // The header is written last, when the count is known; reserve it.
        bytes.append(contentsOf: repeatElement(0, count: 20))
    }

    private mutating func appendElement(_ element: some Collection<UInt8>) {
        appendInt32(Int32(element.count))
        bytes.append(contentsOf: element)
        count += 1
    }

    private mutating func appendNull() {
        appendInt32(-1)
        hasNull = true
        count += 1
    }

    private mutating func appendInt32(_ value: Int32) {
        withUnsafeBytes(of: UInt32(bitPattern: value).bigEndian) { bytes.append(contentsOf: $0) }
    }

    private consuming func finish() -> PostgresValue {
        var header: [UInt8] = []
        header.reserveCapacity(20)
        for value in [1, hasNull ? 1 : 0, elementType.rawValue, count, 1] as [Int32] {
            withUnsafeBytes(of: UInt32(bitPattern: value).bigEndian) {
                header.append(contentsOf: $0)
            }
        }
        bytes.replaceSubrange(0..<20, with: header)
        return .bytes(bytes)
    }

    /// A `text[]` of UTF-8 strings; nil elements are NULL.
    static func text(_ elements: [String?]) -> PostgresValue {
        var array = PostgresArrays(.text, capacity: elements.count * 40)
        for element in elements {
            if let element {
                array.appendElement(element.utf8)
            } else {
                array.appendNull()
            }
        }
        return array.finish()
    }

    /// An `int8[]`; nil elements are NULL.
    static func int8(_ elements: [Int64?]) -> PostgresValue {
        var array = PostgresArrays(.int8, capacity: elements.count * 12)
        for element in elements {
            if let element {
                withUnsafeBytes(of: UInt64(bitPattern: element).bigEndian) {
                    array.appendElement($0)
                }
            } else {
                array.appendNull()
            }
        }
        return array.finish()
    }

    /// A `uuid[]` of delivery ids, sixteen raw bytes each.
    static func uuid(_ elements: [DeliveryID]) -> PostgresValue {
        var array = PostgresArrays(.uuid, capacity: elements.count * 20)
        for element in elements {
            withUnsafeBytes(of: element.uuid.uuid) { array.appendElement($0) }
        }
        return array.finish()
    }

    /// A `bytea[]` of raw bodies.
    static func bytea(_ elements: [[UInt8]]) -> PostgresValue {
        var array = PostgresArrays(
            .bytea, capacity: elements.reduce(0) { $0 + 4 + $1.count })
        for element in elements {
            array.appendElement(element)
        }
        return array.finish()
    }
}
