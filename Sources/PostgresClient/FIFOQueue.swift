/// A first-in, first-out queue with O(1) amortised push and pop.
struct FIFOQueue<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }

    mutating func push(_ element: Element) {
        storage.append(element)
    }

    /// The oldest element, which may be modified in place.
    var first: Element? {
        get { isEmpty ? nil : storage[head] }
        set {
            guard !isEmpty else { return }
            storage[head] = newValue
        }
    }

    mutating func pop() -> Element? {
        guard !isEmpty else { return nil }
        let element = storage[head]
        storage[head] = nil
        head += 1
        // Reclaim the consumed prefix once it dominates the storage.
        if head > 64 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    mutating func removeAll() -> [Element] {
        let remaining = storage[head...].compactMap { $0 }
        storage.removeAll()
        head = 0
        return remaining
    }
}
