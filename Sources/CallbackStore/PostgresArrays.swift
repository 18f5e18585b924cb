import PostgresClient

/// Encoders for array parameters, which carry a whole batch in one
/// statement parameter.
enum PostgresArrays {
    /// A text-format array literal, `{"a","b",NULL}`, for any element type
    /// whose text form is given (text, uuid, numeric, timestamptz, inet).
    static func text(_ elements: [String?]) -> PostgresValue {
        var literal = "{"
        literal.reserveCapacity(elements.count * 24)
        for (index, element) in elements.enumerated() {
            if index > 0 {
                literal.append(",")
            }
            guard let element else {
                literal.append("NULL")
                continue
            }
            literal.append("\"")
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" {
                    literal.append("\\")
                }
                literal.unicodeScalars.append(character)
            }
            literal.append("\"")
        }
        literal.append("}")
        return .text(literal)
    }

    /// A binary-format one-dimensional `bytea[]`, so that bodies travel as
    /// raw bytes rather than hex text.
    static func bytea(_ elements: [[UInt8]]) -> PostgresValue {
        let byteaTypeOID: Int32 = 17
        var encoded: [UInt8] = []
        encoded.reserveCapacity(20 + elements.reduce(0) { $0 + 4 + $1.count })
        appendInt32(elements.isEmpty ? 0 : 1, to: &encoded)  // dimensions
        appendInt32(0, to: &encoded)  // no NULL elements
        appendInt32(byteaTypeOID, to: &encoded)
        if !elements.isEmpty {
            appendInt32(Int32(elements.count), to: &encoded)
            appendInt32(1, to: &encoded)  // lower bound
            for element in elements {
                appendInt32(Int32(element.count), to: &encoded)
                encoded.append(contentsOf: element)
            }
        }
        return .bytes(encoded)
    }

    private static func appendInt32(_ value: Int32, to bytes: inout [UInt8]) {
        let bigEndian = UInt32(bitPattern: value).bigEndian
        withUnsafeBytes(of: bigEndian) { bytes.append(contentsOf: $0) }
    }
}
