/// Pieces of the Prometheus text exposition format, version 0.0.4.
enum PrometheusText {
    /// Appends the `# HELP` and `# TYPE` lines that open a family.
    static func appendHeader(name: String, help: String, type: String, to output: inout String) {
        output += "# HELP \(name) \(escapeHelp(help))\n"
        output += "# TYPE \(name) \(type)\n"
    }

    /// Appends one sample line: `name{labels} value`.
    static func appendSample(
        name: String,
        labels: String,
        value: String,
        to output: inout String
    ) {
        output += name + labels + " " + value + "\n"
    }

    /// `{a="x",b="y"}` for the given names and values and an optional last pair; empty
    /// when there are no pairs at all.
    static func labelSet(
        names: [String],
        values: [String],
        extra: (name: String, value: String)? = nil
    ) -> String {
        var pairs = zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }
        if let extra {
            pairs.append("\(extra.name)=\"\(escapeLabelValue(extra.value))\"")
        }
        return pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
    }

    /// A sample value: integers without a fraction, `+Inf`, `-Inf` and `NaN` by name, and
    /// other numbers in their shortest exact form.
    static func number(_ value: Double) -> String {
        if value.isNaN {
            return "NaN"
        }
        if value.isInfinite {
            return value < 0 ? "-Inf" : "+Inf"
        }
        if value == value.rounded(), value.magnitude < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }

    /// Help text with `\` and newlines escaped.
    static func escapeHelp(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// A label value with `\`, `"` and newlines escaped.
    static func escapeLabelValue(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Whether `name` is a snake_case metric or label name: lower-case ASCII letters,
    /// digits and underscores, not starting with a digit or with `__`.
    ///
    /// This is stricter than the format: `promtool check metrics` warns about upper-case
    /// names and colons, and `__` is reserved for Prometheus itself.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !name.hasPrefix("__") else {
            return false
        }

        let isLetterOrUnderscore = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        return isLetterOrUnderscore(first)
            && name.utf8.allSatisfy { isLetterOrUnderscore($0) || (48...57).contains($0) }
    }
}
