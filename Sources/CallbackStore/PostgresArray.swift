import PostgresClient

/// An array parameter in PostgreSQL's binary format, built one element at
/// a time: a whole batch's column in one parameter, with no quoting,
/// escaping or number formatting on either side.
///
/// The format of a one-dimensional array: the number of dimensions, a flag
/// for NULL elements, the element type's OID, the length and lower bound of
/// the dimension, then each element as a 4-byte length (-1 for NULL) and its
/// bytes; every integer big-endian. The header is written by `finish()`,
/// once the count is known.
struct PostgresArray {
    /// Element types by their OID in `pg_type`.
    enum ElementType: Int32 {
        case bytea = 17
        case int8 = 20
        case text = 25
        case uuid = 2950
    }

    private static let headerSize = 20

    /// The header's room, then the elements; empty until the first append,
    /// so that an array never used costs no allocation.
    private var bytes: [UInt8] = []
    private(set) var count: Int32 = 0
    private var hasNull = false
    private let elementType: ElementType
    private let capacity: Int

    /// An empty array of `elementType`, which reserves room for `capacity`
    /// bytes of elements when the first is appended.
    init(_ elementType: ElementType, capacity: Int = 256) {
        self.elementType = elementType
        self.capacity = capacity
    }

    /// Appends a `text` element; nil is NULL.
    mutating func append(_ text: String?) {
        guard var utf8 = text else { return appendNull() }
        utf8.withUTF8 { appendElement($0) }
    }

    /// Appends an `int8` element; nil is NULL.
    mutating func append(_ value: Int64?) {
        guard let value else { return appendNull() }
        withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { appendElement($0) }
    }

    /// Appends a `uuid` element: a delivery id's sixteen bytes.
    mutating func append(_ id: DeliveryID) {
        withUnsafeBytes(of: id.uuid.uuid) { appendElement($0) }
    }

    /// Appends a `bytea` element.
    mutating func append(bytes element: [UInt8]) {
        element.withUnsafeBytes { appendElement($0) }
    }

    private mutating func appendElement(_ element: UnsafeRawBufferPointer) {
        appendInt32(Int32(element.count))
        bytes.append(contentsOf: element)
        count += 1
    }

    private mutating func appendElement(_ element: UnsafeBufferPointer<UInt8>) {
        appendElement(UnsafeRawBufferPointer(element))
    }

    private mutating func appendNull() {
        appendInt32(-1)
        hasNull = true
        count += 1
    }

    private mutating func appendInt32(_ value: Int32) {
        if bytes.isEmpty {
            bytes.reserveCapacity(Self.headerSize + capacity)
            bytes.append(contentsOf: repeatElement(0, count: Self.headerSize))
        }
        withUnsafeBytes(of: UInt32(bitPattern: value).bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// The parameter: the header written in front of the elements.
    consuming func finish() -> PostgresValue {
        // No elements: no dimensions, as PostgreSQL writes an empty array.
        let header: [Int32] =
            count == 0
            ? [0, 0, elementType.rawValue] : [1, hasNull ? 1 : 0, elementType.rawValue, count, 1]
        if bytes.isEmpty {
            bytes = [UInt8](repeating: 0, count: header.count * 4)
        }
        bytes.withUnsafeMutableBytes { buffer in
            for (index, value) in header.enumerated() {
                buffer.storeBytes(
                    of: UInt32(bitPattern: value).bigEndian, toByteOffset: index * 4,
                    as: UInt32.self)
            }
        }
        return .bytes(bytes)
    }

    /// An `int8[]` of `elements`.
    static func int8(_ elements: some Sequence<Int64>) -> PostgresValue {
        var array = PostgresArray(.int8)
        for element in elements {
            array.append(element)
        }
        return array.finish()
    }
}
