import Foundation
import Locking

/// A child process started with `posix_spawn` and reaped with `waitpid`.
///
/// Foundation's `Process` was not used: on this platform its exit detection
/// and its pipes (inheritable by processes that parallel tests spawn) made
/// tests hang. Here every pipe is close-on-exec, the child starts with no
/// blocked signals, and waiting is a plain `waitpid` on a thread.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let status = Locked<Int32?>(nil)
    private let reaped = DispatchSemaphore(value: 0)

    /// A listening socket handed to the child as systemd does, with the
    /// name a socket unit's `FileDescriptorName=` would give it.
    typealias PassedSocket = (fd: Int32, name: String)

    /// Starts `executable`.
    ///
    /// - Parameters:
    ///   - standardInput: the descriptor the child reads; nil means `/dev/null`.
    ///   - standardOutput, standardError: descriptors the child writes to;
    ///     nil means `/dev/null`.
    ///   - passedSockets: sockets placed at descriptors 3, 4, … and announced
    ///     in `LISTEN_FDS`, `LISTEN_FDNAMES` and `LISTEN_PID`.
    init(
        executable: String, arguments: [String] = [], environment: [String: String],
        standardInput: Int32? = nil, standardOutput: Int32? = nil, standardError: Int32? = nil,
        passedSockets: [PassedSocket] = []
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let standardInput {
            posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for (target, source) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
            if let source {
                posix_spawn_file_actions_adddup2(&actions, source, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // dup2 clears close-on-exec on the copy, so each socket survives exec.
        for (offset, socket) in passedSockets.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, socket.fd, 3 + Int32(offset))
        }
        var program = executable
        var arguments = arguments
        var environment = environment
        // A test run under a sanitizer passes its options on, so that a child
        // built with the same sanitizer reports where the run asked it to.
        for name in ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"] {
            if environment[name] == nil, let value = ProcessInfo.processInfo.environment[name] {
                environment[name] = value
            }
        }
        if !passedSockets.isEmpty {
            // LISTEN_PID must be the child's own pid, known only once it
            // runs: a shell sets it and execs the program in its place.
            program = "/bin/sh"
            arguments =
                ["-c", #"LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@""#, executable]
                + arguments
            environment["LISTEN_FDS"] = String(passedSockets.count)
            environment["LISTEN_FDNAMES"] = passedSockets.map(\.name).joined(separator: ":")
        }

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSetupError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        let child = pid
        let thread = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            status.withLock { $0 = code }
            reaped.signal()
        }
        thread.start()
    }

    /// Whether the child has not exited yet.
    var isRunning: Bool { status.withLock { $0 == nil } }

    /// The exit status (128 + signal for a signal), once exited.
    var exitStatus: Int32? { status.withLock { $0 } }

    func signal(_ number: Int32) {
        if isRunning {
            kill(pid, number)
        }
    }

    /// Blocks until the child exits or `timeout` passes.
    func wait(timeout: Duration) -> Int32? {
        let seconds = Double(timeout.components.seconds)
        if reaped.wait(timeout: .now() + seconds) == .success {
            reaped.signal()
        }
        return exitStatus
    }

    /// Stops the child if it still runs: SIGTERM, then SIGKILL after ten
    /// seconds, so that a child that ignores signals cannot hang the tests.
    func terminate() {
        guard isRunning else { return }
        signal(SIGTERM)
        if wait(timeout: .seconds(10)) == nil {
            signal(SIGKILL)
            _ = wait(timeout: .seconds(10))
        }
    }

    /// Waits without blocking a task thread.
    func waitForExit(timeout: Duration) async -> Int32? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.wait(timeout: timeout))
            }
        }
    }

    /// Runs a program to completion and returns its status and output.
    ///
    /// - Parameter input: what the program reads on its standard input.
    static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        input: String = "", passedSockets: [PassedSocket] = [], timeout: Duration = .seconds(60)
    ) throws -> (status: Int32, output: String, errors: String) {
        let standardInput = try TemporaryFile()
        standardInput.write(input)
        let output = try TemporaryFile()
        let errors = try TemporaryFile()
        var variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        variables.merge(environment) { $1 }
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: variables,
            standardInput: standardInput.descriptor, standardOutput: output.descriptor,
            standardError: errors.descriptor, passedSockets: passedSockets)
        guard let status = child.wait(timeout: timeout) else {
            child.signal(SIGKILL)
            throw TestSetupError("\(executable) did not finish in time")
        }
        return (status, output.contents(), errors.contents())
    }
}

extension ChildProcess {
    /// Starts `executable` with its standard error read, line by line, into
    /// `logs` on a thread of its own.
    static func startLogged(
        executable: String, arguments: [String] = [], environment: [String: String],
        logs: LogLines, passedSockets: [PassedSocket] = []
    ) throws -> ChildProcess {
        let pipe = try closeOnExecPipe()
        defer { close(pipe.write) }
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            standardError: pipe.write, passedSockets: passedSockets)
        let reader = pipe.read
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                logs.waitWhileReadingIsPaused()
                let count = read(reader, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                logs.append(Data(buffer[..<count]))
            }
            close(reader)
            logs.close()
        }
        thread.start()
        return child
    }
}

/// An unlinked temporary file a child can write to.
final class TemporaryFile {
    let descriptor: Int32

    init() throws {
        var template = Array("/tmp/mpesa-test-output.XXXXXX".utf8CString)
        descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw TestSetupError("mkstemp failed") }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        unlink(String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    deinit {
        close(descriptor)
    }

    /// Writes `text` at the start of the file, leaving the offset where it
    /// is, so that a child reading the descriptor reads it from the start.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset))
            }
            guard count > 0 else { return }
            offset += count
        }
    }

    func contents() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset: off_t = 0
        while true {
            let count = pread(descriptor, &buffer, buffer.count, offset)
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[..<count])
            offset += off_t(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A pipe whose ends are not inherited by children, except where a child's
/// file actions put one on a standard descriptor.
func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw TestSetupError("pipe failed") }
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    return (fds[0], fds[1])
}
