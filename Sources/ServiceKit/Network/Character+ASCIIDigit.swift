extension Character {
    /// Whether this is one of the ASCII digits 0 to 9, with nothing combined onto it.
    var isASCIIDigit: Bool {
        guard let value = asciiValue else {
            return false
        }
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(value)
    }
}
