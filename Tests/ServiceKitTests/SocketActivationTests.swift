import Glibc
import Testing

@testable import ServiceKit

@Suite struct SocketActivationTests {
    /// The first of the descriptor numbers the tests use, just under the open-file limit:
    /// descriptors are handed out lowest first, so nothing else in the test process, where
    /// other tests hold a thousand sockets at once, reaches them.
    private static let high: Int32 = {
        var limits = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        return Int32(min(limits.rlim_cur, 65_536)) - 64
    }()

    /// Places `descriptors` at `first`, `first + 1`, ... without FD_CLOEXEC, the way
    /// systemd passes them. The numbers are high and distinct per test, so nothing else
    /// in the test process holds them.
    private func placeDescriptors(_ descriptors: [Int32], at first: Int32) throws {
        for (offset, descriptor) in descriptors.enumerated() {
            let target = first + Int32(offset)
            try #require(fcntl(target, F_GETFD) == -1, "descriptor \(target) is already open")
            try #require(dup2(descriptor, target) == target)
            close(descriptor)
        }
    }

    private func closeDescriptors(from first: Int32, count: Int32) {
        for descriptor in first..<(first + count) {
            close(descriptor)
        }
    }

    private func isCloseOnExec(_ descriptor: Int32) -> Bool {
        fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0
    }

    @Test func passedSocketsAndAPipeAreTakenOverWithTheirNames() throws {
        var pair: [Int32] = [0, 0]
        var pipeEnds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        try #require(pipe(&pipeEnds) == 0)
        try placeDescriptors(pair + [pipeEnds[0]], at: Self.high)
        defer { closeDescriptors(from: Self.high, count: 3) }
        close(pipeEnds[1])
        #expect(!isCloseOnExec(Self.high))

        let sockets = try SocketActivation.listeningSockets(
            environment: [
                "LISTEN_PID": String(getpid()), "LISTEN_FDS": "3",
                "LISTEN_FDNAMES": "public:admin:",
            ],
            firstDescriptor: Self.high, processID: getpid())

        #expect(sockets.map(\.fd) == [Self.high, Self.high + 1, Self.high + 2])
        #expect(sockets.map(\.name) == ["public", "admin", nil])
        #expect(
            isCloseOnExec(Self.high) && isCloseOnExec(Self.high + 1) && isCloseOnExec(Self.high + 2)
        )
    }

    @Test func withoutNamesEverySocketIsUnnamed() throws {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &pair) == 0)
        try placeDescriptors(pair, at: Self.high + 10)
        defer { closeDescriptors(from: Self.high + 10, count: 2) }

        let sockets = try SocketActivation.listeningSockets(
            environment: ["LISTEN_PID": "42", "LISTEN_FDS": "2"],
            firstDescriptor: Self.high + 10, processID: 42)

        #expect(sockets.map(\.fd) == [Self.high + 10, Self.high + 11])
        #expect(sockets.map(\.name) == [nil, nil])
    }

    @Test func socketsMeantForAnotherProcessAreLeftAlone() throws {
        let sockets = try SocketActivation.listeningSockets(
            environment: ["LISTEN_PID": "41", "LISTEN_FDS": "2"],
            firstDescriptor: Self.high + 20, processID: 42)

        #expect(sockets.isEmpty)
    }

    @Test func withoutListenPIDThereAreNoSockets() throws {
        let sockets = try SocketActivation.listeningSockets(
            environment: ["LISTEN_FDS": "2"], firstDescriptor: Self.high + 20, processID: 42)

        #expect(sockets.isEmpty)
    }

    @Test(
        arguments: [
            (["LISTEN_PID": "me", "LISTEN_FDS": "1"], "LISTEN_PID is not a process id"),
            (["LISTEN_PID": "42"], "LISTEN_FDS is not a descriptor count"),
            (["LISTEN_PID": "42", "LISTEN_FDS": "-1"], "LISTEN_FDS is not a descriptor count"),
            (["LISTEN_PID": "42", "LISTEN_FDS": "two"], "LISTEN_FDS is not a descriptor count"),
            (
                ["LISTEN_PID": "42", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "public"],
                "LISTEN_FDNAMES has 1 names for 2 descriptors"
            ),
        ])
    func malformedVariablesAreErrors(environment: [String: String], message: String) {
        let error = #expect(throws: SocketActivationError.self) {
            try SocketActivation.listeningSockets(
                environment: environment, firstDescriptor: Self.high + 20, processID: 42)
        }

        #expect(error?.description == message)
    }

    @Test func aDescriptorThatIsNotOpenIsAnError() throws {
        try #require(fcntl(Self.high + 30, F_GETFD) == -1)

        #expect(
            throws: SocketActivationError.unusableDescriptor(
                fd: Self.high + 30, SystemCallError(operation: "fcntl(F_GETFD)", errno: EBADF))
        ) {
            try SocketActivation.listeningSockets(
                environment: ["LISTEN_PID": "42", "LISTEN_FDS": "1"],
                firstDescriptor: Self.high + 30, processID: 42)
        }
    }

    @Test func theVariablesAreRemovedFromTheEnvironment() throws {
        // The only test that touches the process environment, with a LISTEN_PID that is
        // not ours, so that descriptors 3 and up are left alone.
        setenv("LISTEN_PID", "99999999", 1)
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_FDNAMES", "public", 1)

        let sockets = try SocketActivation.listeningSockets()

        #expect(sockets.isEmpty)
        #expect(getenv("LISTEN_PID") == nil)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(getenv("LISTEN_FDNAMES") == nil)
    }
}
