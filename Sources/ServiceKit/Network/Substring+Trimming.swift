extension Substring {
    /// The text without the spaces and tabs at either end.
    var trimmingSpacesAndTabs: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" {
            text.removeFirst()
        }
        while let last = text.last, last == " " || last == "\t" {
            text.removeLast()
        }
        return text
    }
}
