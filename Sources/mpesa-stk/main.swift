// The sender's command line: everything is in StkCommand; this file passes
// the arguments and the exit code.
import Glibc

let status = await StkCommand.main(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)
