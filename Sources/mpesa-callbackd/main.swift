// The daemon's entry point: everything lives in CallbackDaemon so that it
// can be tested; this file only passes the arguments and the exit code.
import CallbackDaemon
import Glibc

exit(DaemonCommand.main(arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
