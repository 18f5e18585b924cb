/// Reads a program's arguments: `--name value`, `--name=value`, `--flag`, and positional
/// arguments, which may follow `--`.
///
/// Every parser knows the flags `help` and `version`; the caller checks for them first
/// and answers them. When either is given, `parse` never throws, so
/// `mpesa-stk push --bogus --help` still shows the help.
///
/// ```swift
/// let parser = CommandLineParser(options: ["phone", "amount"], flags: ["check-config"])
/// let arguments = try parser.parse()
/// if arguments.isSet("help") { ... }
/// ```
public struct CommandLineParser: Sendable {
    /// Names, without `--`, of options that take a value.
    public let options: Set<String>

    /// Names, without `--`, of flags that take none; always includes `help` and `version`.
    public let flags: Set<String>

    /// Creates a parser for the given option and flag names, written without `--`.
    public init(options: [String] = [], flags: [String] = []) {
        let allFlags = Set(flags).union(["help", "version"])
        precondition(Set(options).isDisjoint(with: allFlags), "a name is both option and flag")
        precondition(
            (options + flags).allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.contains("=") },
            "option and flag names are written without -- and hold no =")
        self.options = Set(options)
        self.flags = allFlags
    }

    /// Parses `arguments`, the process's own without the program name by default.
    ///
    /// - Throws: `UsageError` naming every unknown option and every misused one, unless
    ///   `--help` or `--version` was given.
    public func parse(
        _ arguments: [String] = Array(CommandLine.arguments.dropFirst())
    ) throws(UsageError) -> ParsedCommandLine {
        var state = ParseState()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1

            if argument == "--" {
                state.result.positional += arguments[index...]
                break
            } else if argument.hasPrefix("--") {
                readOption(argument, following: arguments, at: &index, into: &state)
            } else if argument.hasPrefix("-"), argument != "-" {
                state.unknown.append(argument)
            } else {
                state.result.positional.append(argument)
            }
        }

        var problems = state.problems
        if !state.unknown.isEmpty {
            let noun = state.unknown.count == 1 ? "option" : "options"
            problems.insert("unknown \(noun) \(state.unknown.joined(separator: ", "))", at: 0)
        }
        let result = state.result
        guard problems.isEmpty || result.isSet("help") || result.isSet("version") else {
            throw UsageError(problems: problems)
        }
        return result
    }

    /// What a parse has found so far.
    private struct ParseState {
        var result = ParsedCommandLine()
        var unknown: [String] = []
        var problems: [String] = []
    }

    /// Reads one `--name` or `--name=value` argument, taking the next argument as the
    /// value of an option written without `=`.
    private func readOption(
        _ argument: String,
        following arguments: [String],
        at index: inout Int,
        into state: inout ParseState
    ) {
        let body = argument.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inlineValue = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }

        if flags.contains(name) {
            if inlineValue != nil {
                state.problems.append("--\(name) takes no value")
            }
            state.result.flags.insert(name)
            return
        }
        guard options.contains(name) else {
            state.unknown.append("--" + name)
            return
        }

        let value: String
        if let inlineValue {
            value = inlineValue
        } else if index < arguments.count, !arguments[index].hasPrefix("--") {
            value = arguments[index]
            index += 1
        } else {
            state.problems.append("--\(name) needs a value")
            return
        }
        if state.result.values.updateValue(value, forKey: name) != nil {
            state.problems.append("--\(name) is given more than once")
        }
    }
}
