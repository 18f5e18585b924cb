import Foundation

/// The decoded `name=value` pairs of a query string.
struct QueryParameters {
    private var values: [String: String] = [:]
    /// Names given more than once; such a request is refused.
    private(set) var repeatedNames: [String] = []

    init(_ query: String?) {
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if values[name] != nil {
                repeatedNames.append(name)
            }
            values[name] = value
        }
    }

    subscript(name: String) -> String? { values[name] }

    /// Names present that are not in `known`.
    func unknownNames(among known: Set<String>) -> [String] {
        values.keys.filter { !known.contains($0) }.sorted()
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
