/// What `CommandLineParser` read: option values, flags that were set, and positional
/// arguments in order.
public struct ParsedCommandLine: Equatable, Sendable {
    /// Each option's value, keyed by its name without `--`.
    public internal(set) var values: [String: String] = [:]

    /// The flags that were given, by name without `--`.
    public internal(set) var flags: Set<String> = []

    /// The arguments that are not options, such as a subcommand, in order.
    public internal(set) var positional: [String] = []

    /// Creates an empty result.
    public init() {}

    /// The value given for `option`, or `nil` when it was not given.
    public func value(_ option: String) -> String? {
        values[option]
    }

    /// Whether `flag` was given.
    public func isSet(_ flag: String) -> Bool {
        flags.contains(flag)
    }
}
