extension String {
    /// The string left-aligned in `width` columns (`:backend`'s list, the bench's tables).
    package func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let trimmed = self.drop(while: { $0 == " " || $0 == "\t" })
        var result = String(trimmed)
        while result.last == " " || result.last == "\t" { result.removeLast() }
        return result
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
