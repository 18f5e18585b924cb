// The simulator's entry point: everything lives in DarajaSimulator so that
// it can be tested; this file only passes the arguments and the exit code.
import DarajaSimulator
import Glibc

exit(SimulatorCommand.main(arguments: Array(CommandLine.arguments.dropFirst())).rawValue)
