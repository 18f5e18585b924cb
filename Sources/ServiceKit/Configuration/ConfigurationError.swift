/// Every problem found in the configuration, thrown once all of it has been read.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The problems, in the order they were found; never empty.
    public let problems: [ConfigurationProblem]

    /// Creates an error for `problems`.
    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// The count and every problem on one line, separated by semicolons.
    public var description: String {
        let noun = problems.count == 1 ? "problem" : "problems"
        let list = problems.map(\.description).joined(separator: "; ")
        return "invalid configuration, \(problems.count) \(noun): \(list)"
    }
}
