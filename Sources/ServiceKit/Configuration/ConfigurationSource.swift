import Foundation

/// Reads configuration from environment variables and systemd credential files, and
/// collects every problem instead of stopping at the first.
///
/// Each reader returns a usable value even when the variable is wrong (its default, or
/// a placeholder) and records a `ConfigurationProblem`. Build the whole configuration
/// value, then call `finish()`, which throws one `ConfigurationError` naming every
/// problem:
///
/// ```swift
/// let source = ConfigurationSource()
/// let listen = source.hostAndPort("MPESA_LISTEN", default: .init(host: "127.0.0.1", port: 8080))
/// let token = source.requiredSecret("MPESA_CALLBACK_TOKEN", minimumLength: 32)
/// try source.finish()
/// ```
///
/// Each setting may instead be a file of the same name in the credentials directory; a
/// variable wins over a file. An empty variable counts as unset, as `Environment=NAME=`
/// does in a systemd unit.
/// A source is used by one thread while the configuration is read.
public final class ConfigurationSource {
    /// Where systemd put the credentials from `LoadCredential=`, if anywhere.
    public let credentialsDirectory: String?

    /// The problems found so far.
    public private(set) var problems: [ConfigurationProblem] = []

    private let environment: [String: String]

    /// Creates a source.
    ///
    /// - Parameters:
    ///   - environment: the variables to read; the process environment by default.
    ///   - credentialsDirectory: the credentials directory; by default the
    ///     `CREDENTIALS_DIRECTORY` variable of `environment`.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        credentialsDirectory: String? = nil
    ) {
        self.environment = environment
        let directory = credentialsDirectory ?? environment["CREDENTIALS_DIRECTORY"]
        self.credentialsDirectory = directory?.isEmpty == false ? directory : nil
    }

    /// Records a problem the caller found, such as two settings that contradict each other.
    public func recordProblem(_ variable: String, _ message: String) {
        problems.append(ConfigurationProblem(variable: variable, message: message))
    }

    /// Throws every problem recorded so far, or returns when there is none.
    ///
    /// - Throws: `ConfigurationError` listing all problems.
    public func finish() throws(ConfigurationError) {
        guard problems.isEmpty else {
            throw ConfigurationError(problems: problems)
        }
    }

    /// The variable's text, else the contents of the credential file of the same name, or
    /// `nil` when both are unset or empty. A file that cannot be read is a problem.
    ///
    /// Every setting, not only secrets, may come from a file: a file can change while the
    /// process runs, so a reload can pick it up, while the environment cannot.
    func text(_ name: String) -> String? {
        if let value = environment[name], !value.isEmpty {
            return value
        }
        switch readCredential(name) {
        case .absent:
            return nil
        case .unreadable(let message):
            recordProblem(name, message)
            return nil
        case .contents(let contents):
            return contents.isEmpty ? nil : contents
        }
    }

    // MARK: - Text

    /// A variable's text, or `nil` when it is unset.
    public func string(_ name: String) -> String? {
        text(name)
    }

    /// A variable's text, or `defaultValue` when it is unset.
    public func string(_ name: String, default defaultValue: String) -> String {
        text(name) ?? defaultValue
    }

    /// A variable's text; a problem and an empty placeholder when it is unset.
    public func requiredString(_ name: String) -> String {
        guard let value = text(name) else {
            recordProblem(name, "is required")
            return ""
        }
        return value
    }

    // MARK: - Numbers, switches and choices

    /// A decimal integer within `range`, or `defaultValue` when unset.
    ///
    /// An invalid or out-of-range value is a problem, and the default stands in for it.
    public func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        precondition(range.contains(defaultValue), "the default of \(name) is outside its range")
        guard let value = text(name) else {
            return defaultValue
        }

        let digits = value.hasPrefix("-") ? value.dropFirst() : value[...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(value) else {
            recordProblem(name, "\(LogValueEncoder.quoted(value)) is not an integer")
            return defaultValue
        }
        guard range.contains(number) else {
            recordProblem(name, "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            return defaultValue
        }
        return number
    }

    /// `true` for `true`, `yes`, `on` or `1`; `false` for `false`, `no`, `off` or `0`; any
    /// case. `defaultValue` when unset; a problem and the default for anything else.
    public func boolean(_ name: String, default defaultValue: Bool) -> Bool {
        guard let value = text(name) else {
            return defaultValue
        }

        switch value.lowercased() {
        case "true", "yes", "on", "1":
            return true
        case "false", "no", "off", "0":
            return false
        default:
            recordProblem(name, "\(LogValueEncoder.quoted(value)) is not true or false")
            return defaultValue
        }
    }

    /// One of a type's cases, matched by raw value ignoring case, or `defaultValue` when
    /// unset. A problem listing the choices, and the default, for anything else.
    public func enumeration<Choice: CaseIterable & RawRepresentable<String>>(
        _ name: String,
        default defaultValue: Choice
    ) -> Choice {
        guard let value = text(name) else {
            return defaultValue
        }

        let choice =
            Choice(rawValue: value)
            ?? Choice.allCases.first { $0.rawValue.lowercased() == value.lowercased() }
        guard let choice else {
            let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            recordProblem(name, "\(LogValueEncoder.quoted(value)) is not one of \(choices)")
            return defaultValue
        }
        return choice
    }

    /// A value read by `parse`, or `defaultValue` when unset.
    ///
    /// - Parameters:
    ///   - name: the variable.
    ///   - defaultValue: the value when unset, and the placeholder when invalid.
    ///   - expectation: what a valid value looks like, for the problem's message, such as
    ///     `"sandbox, production or an https URL"`.
    ///   - parse: returns the value, or `nil` when the text is invalid.
    public func parsed<Value>(
        _ name: String,
        default defaultValue: Value,
        expecting expectation: String,
        _ parse: (String) -> Value?
    ) -> Value {
        guard let value = text(name) else {
            return defaultValue
        }
        guard let parsedValue = parse(value) else {
            recordProblem(name, "\(LogValueEncoder.quoted(value)) is not \(expectation)")
            return defaultValue
        }
        return parsedValue
    }
}
