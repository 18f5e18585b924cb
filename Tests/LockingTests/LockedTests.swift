import Dispatch
import Locking
import Testing

@Suite struct LockedTests {
    @Test func incrementsFromManyThreadsAreNeverLost() {
        let counter = Locked(0)
        let threads = 8
        let incrementsPerThread = 20_000

        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<incrementsPerThread {
                // A read and a write in two steps: without mutual exclusion
                // two threads read the same count and one increment is lost.
                counter.withLock { count in
                    let seen = count
                    count = seen + 1
                }
            }
        }

        #expect(counter.withLock { $0 } == threads * incrementsPerThread)
    }

    @Test func returnsWhatTheBodyReturnsAndRethrowsItsError() {
        struct Refused: Error, Equatable {}
        let names = Locked(["a"])

        let count = names.withLock { names -> Int in
            names.append("b")
            return names.count
        }
        #expect(count == 2)

        #expect(throws: Refused()) {
            try names.withLock { (_: inout [String]) throws(Refused) in throw Refused() }
        }
        // The lock was released by the throw: taking it again does not hang.
        #expect(names.withLock { $0 } == ["a", "b"])
    }
}
