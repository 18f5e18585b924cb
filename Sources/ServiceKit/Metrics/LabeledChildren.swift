import Locking

/// The children of one metric family, one per combination of label values.
///
/// Looking a child up takes a lock; callers keep the child they get back and update it
/// without one.
final class LabeledChildren<Child: Sendable>: Sendable {
    /// The family's label names, in order.
    let labelNames: [String]

    private let makeChild: @Sendable () -> Child
    private let children = Locked<[[String]: Child]>([:])

    init(family: String, labelNames: [String], makeChild: @escaping @Sendable () -> Child) {
        for label in labelNames {
            precondition(
                PrometheusText.isValidName(label),
                "label \(label) of \(family) is not a snake_case name")
        }
        precondition(Set(labelNames).count == labelNames.count, "\(family) repeats a label name")
        self.labelNames = labelNames
        self.makeChild = makeChild
    }

    /// The child for `values`, created on first use.
    func child(_ values: [String]) -> Child {
        precondition(
            values.count == labelNames.count,
            "\(values.count) label values given for labels \(labelNames)")
        return children.withLock { children in
            if let existing = children[values] {
                return existing
            }
            let created = makeChild()
            children[values] = created
            return created
        }
    }

    /// Every child with its label values, sorted by the values so output is stable.
    func sorted() -> [(values: [String], child: Child)] {
        let all = children.withLock { children in
            children.map { (values: $0.key, child: $0.value) }
        }
        return all.sorted { $0.values.lexicographicallyPrecedes($1.values) }
    }
}
